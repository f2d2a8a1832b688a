defmodule Point do
  defstruct x: 0, y: 0
end

defprotocol Describe do
  def describe(term)
end

defimpl Describe, for: Point do
  def describe(%Point{x: x, y: y}), do: "point(#{x}, #{y})"
end

defimpl Describe, for: Integer do
  def describe(n), do: "int #{n}"
end

defimpl Describe, for: Any do
  def describe(_), do: "something"
end

defmodule Main do
  def run do
    IO.inspect(Enum.map(1..10, &(&1 * &1)))
    IO.inspect(Enum.filter(1..20, &(rem(&1, 3) == 0)) |> Enum.sum())
    IO.inspect(Enum.group_by(~w(apple avocado banana cherry blueberry), &String.first/1))
    IO.inspect(Enum.zip([1, 2, 3], [:a, :b, :c]) |> Map.new())
    IO.inspect(Enum.sort_by([%{n: 3}, %{n: 1}, %{n: 2}], & &1.n))
    IO.inspect(Enum.chunk_every(1..10, 3))
    IO.inspect(Enum.frequencies(String.graphemes("mississippi")))
    IO.inspect(Stream.iterate(1, &(&1 * 2)) |> Stream.take(12) |> Enum.to_list())
    IO.inspect(Stream.cycle([1, 2, 3]) |> Stream.map(&(&1 + 1)) |> Enum.take(7))
    IO.inspect(Stream.unfold({0, 1}, fn {a, b} -> {a, {b, a + b}} end) |> Enum.take(20))
    IO.inspect(String.upcase("héllo wörld"))
    IO.inspect(String.split("a,b,,c", ","))
    IO.inspect(String.reverse("αβγ abc"))
    IO.inspect(String.pad_leading("42", 6, "0"))
    IO.inspect(String.length("日本語"))
    IO.inspect(String.jaro_distance("martha", "marhta"))
    IO.inspect(Regex.run(~r/(\d+)-(\d+)/, "range 10-20 ok"))
    IO.inspect(Regex.scan(~r/\w+/u, "héllo big wörld"))
    IO.inspect(Regex.replace(~r/[aeiou]/, "elixir on beam", "_"))
    IO.inspect(Regex.named_captures(~r/(?<year>\d{4})-(?<month>\d{2})/, "date: 2024-06"))
    IO.inspect(String.split("one  two\tthree", ~r/\s+/))
    IO.inspect(Regex.match?(~r/^[a-z]+$/i, "HeLLo"))
    {:ok, re} = Regex.compile("b(a+)")
    IO.inspect(Regex.run(re, "xbaaay", return: :index))
    m = %{a: 1, b: 2}
    IO.inspect(Map.put(m, :c, 3))
    IO.inspect(Map.update!(m, :a, &(&1 + 100)))
    IO.inspect(Map.merge(m, %{b: 20, d: 4}, fn _k, v1, v2 -> v1 + v2 end))
    IO.inspect(for {k, v} <- m, into: %{}, do: {v, k})
    p = %Point{x: 1, y: 2}
    IO.inspect(p)
    IO.inspect(%{p | y: 5})
    IO.puts(Describe.describe(p))
    IO.puts(Describe.describe(7))
    IO.inspect(Keyword.merge([a: 1, b: 2], b: 3))
    IO.inspect(Integer.to_string(255, 16))
    IO.inspect(Float.round(3.14159, 2))
    IO.inspect(:math.sqrt(2))
    IO.inspect(Enum.reduce(1..100, 0, &+/2))
    IO.inspect(Tuple.to_list({1, :two, "three"}))
    IO.inspect(List.flatten([1, [2, [3, [4]]]]))
    IO.inspect(Base.encode64("elixir"))
    IO.inspect(:erlang.phash2({:a, 1}))
    IO.inspect(MapSet.new([3, 1, 2, 3]) |> MapSet.to_list())
    IO.inspect(Date.add(~D[2024-02-28], 2))
    IO.inspect(Version.compare("1.2.3", "1.10.0"))
    IO.inspect(URI.parse("https://example.com:8080/path?q=1"))
  end
end

Main.run()
