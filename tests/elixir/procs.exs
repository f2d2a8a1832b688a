parent = self()
pids = for i <- 1..5, do: spawn(fn -> send(parent, {:done, i, i * i}) end)
results = for _ <- pids do
  receive do
    {:done, i, sq} -> {i, sq}
  after 5000 -> :timeout
  end
end
IO.inspect(Enum.sort(results))

pid = spawn(fn ->
  receive do
    {:ping, from} -> send(from, :pong)
  end
end)
send(pid, {:ping, self()})
receive do
  :pong -> IO.puts("got pong")
end

{_, ref} = spawn_monitor(fn -> exit(:boom) end)
receive do
  {:DOWN, ^ref, :process, _, reason} -> IO.inspect(reason, label: "down")
end

r = Task.async_stream(1..20, fn x -> x * 10 end, max_concurrency: 4) |> Enum.map(fn {:ok, v} -> v end)
IO.inspect(r)
t = Task.async(fn -> Enum.sum(1..1000) end)
IO.inspect(Task.await(t))

defmodule Counter do
  use GenServer
  def start_link(n), do: GenServer.start_link(__MODULE__, n, name: __MODULE__)
  def inc(), do: GenServer.cast(__MODULE__, :inc)
  def get(), do: GenServer.call(__MODULE__, :get)
  @impl true
  def init(n), do: {:ok, n}
  @impl true
  def handle_cast(:inc, n), do: {:noreply, n + 1}
  @impl true
  def handle_call(:get, _from, n), do: {:reply, n, n}
end

{:ok, _} = Counter.start_link(10)
for _ <- 1..5, do: Counter.inc()
IO.inspect(Counter.get(), label: "counter")
{:ok, agent} = Agent.start_link(fn -> [] end)
Agent.update(agent, &[:x | &1])
IO.inspect(Agent.get(agent, & &1))
IO.inspect(:ets.new(:t, [:set]) |> then(fn t -> :ets.insert(t, {:k, 1}); :ets.lookup(t, :k) end))
