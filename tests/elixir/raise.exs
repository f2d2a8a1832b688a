IO.puts("about to fail")
defmodule Boom do
  def go(x), do: raise(ArgumentError, "kaboom #{x}")
end
Boom.go(42)
