IO.puts("shutting down")
exit({:shutdown, 7})
