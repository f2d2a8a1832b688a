IO.puts("compiling")
x = 1
IO.puts(y)
