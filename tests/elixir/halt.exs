IO.puts("before halt")
System.halt(3)
IO.puts("never")
