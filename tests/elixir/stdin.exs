lines = IO.stream(:stdio, :line) |> Enum.map(&String.trim/1)
IO.inspect(lines)
IO.inspect(IO.gets("prompt> "))
