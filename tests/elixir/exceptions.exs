defmodule MyError do
  defexception message: "custom failure"
end

try do
  raise ArgumentError, "bad thing"
rescue
  e in ArgumentError -> IO.puts("rescued: " <> Exception.message(e))
end

try do
  1 / Enum.count([])
rescue
  e -> IO.inspect(e)
end

try do
  raise MyError
rescue
  e in MyError -> IO.inspect(e)
end

try do
  Map.fetch!(%{}, :missing)
rescue
  e -> IO.puts(Exception.message(e))
end

try do
  throw(:ball)
catch
  :throw, v -> IO.inspect(v, label: "caught")
end

try do
  exit(:bye)
catch
  :exit, r -> IO.inspect(r, label: "exit")
after
  IO.puts("after ran")
end

r =
  try do
    String.to_integer("12x")
  rescue
    ArgumentError -> :not_a_number
  else
    v -> v
  end
IO.inspect(r)

try do
  apply(String, :no_such_fun, [1])
rescue
  e in UndefinedFunctionError -> IO.puts(Exception.message(e))
end

try do
  case :rand.uniform(1) do
    2 -> :never
  end
rescue
  e in CaseClauseError -> IO.inspect(e.term)
end

with {:ok, a} <- {:ok, 1}, {:ok, b} <- {:error, :nope} do
  a + b
else
  err -> IO.inspect(err, label: "with")
end
