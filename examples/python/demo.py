#!/usr/bin/env python3
"""A tour of the Python binding of liberts (erts.py): starts a --bare runtime, calls
Erlang functions with Python values, runs the counter gen_server of c-tests/embed and
hears from it through a host mailbox (received, then by a callback), and shows Erlang
exceptions as Python exceptions.

usage: python3 examples/python/demo.py [path/to/liberts.so]
       (default: $ERTS_LIB, else liberts.so on the dynamic linker's path)
Needs erlc on PATH (to compile counter.erl).
"""

import os
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import erts  # noqa: E402  (after the path is set)
from erts import Atom  # noqa: E402


def show(what, value):
    print("%s -> %r" % (what, value))


def tour(rt):
    show("lists:sort([3, 1, 2])", rt.call("lists", "sort", [3, 1, 2]))
    mixed = [b"b", Atom("a"), 3.5, 1, (1, 2), {Atom("k"): 1}]
    show("lists:sort(mixed) (Erlang's term order)", rt.call("lists", "sort", mixed))
    show("erlang:'*'(2**70, -3)", rt.call("erlang", "*", 2**70, -3))
    show("erlang:'/'(1, 4)", rt.call("erlang", "/", 1, 4))
    show('string:uppercase("hello")', rt.call("string", "uppercase", "hello"))
    show(
        "maps:from_list([{a, 1}, {b, [2]}])",
        rt.call("maps", "from_list", [(Atom("a"), 1), (Atom("b"), [2])]),
    )

    term = (Atom("ok"), [1, 2.5, b"bin"], {Atom("key"): "value"}, True)
    etf = rt.call("erlang", "term_to_binary", term)
    print("erlang:term_to_binary(%r) ->" % (term,))
    print("   ", etf.hex(" "))
    show("erts.decode(that) == term (b'value' for 'value')",
         erts.decode(etf) == (term[0], term[1], {Atom("key"): b"value"}, True))
    show("erlang:binary_to_term(erts.encode(term))",
         rt.call("erlang", "binary_to_term", erts.encode(term)))


def counter(rt):
    rt.load_module("counter")
    ok, pid = rt.call("counter", "start")
    show("counter:start()", (ok, type(pid).__name__))
    mb = rt.mailbox()
    show("mailbox pid", mb.pid)
    show("counter:subscribe(mailbox pid)", rt.call("counter", "subscribe", mb.pid))
    show("counter:add(5)", rt.call("counter", "add", 5))
    show("mailbox.receive()", mb.receive(timeout=5000))
    rt.send(mb.pid, ("hello", Atom("from_python")))
    show("send to the mailbox, receive", mb.receive(timeout=5000))
    try:
        mb.receive(timeout=0)
    except erts.ErtsError as e:
        print("mailbox.receive(timeout=0) on an empty mailbox: %s" % e.status_name)

    # Four Python threads call at once (ctypes lets go of the GIL while a call runs);
    # the counter's notifications now go to a callback.
    got = []
    all_in = threading.Event()
    lock = threading.Lock()

    def note(msg):
        with lock:
            got.append(msg[1])
            if len(got) == 200:
                all_in.set()

    mb.set_callback(note)

    def adder():
        for _ in range(50):
            rt.call("counter", "add", 1)

    threads = [threading.Thread(target=adder) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    show("4 threads x 50 counter:add(1), then counter:get()", rt.call("counter", "get"))
    all_in.wait(10)
    with lock:
        values = sorted(got)
    show("callback notifications: count, first, last", (len(values), values[0], values[-1]))


def errors(rt):
    try:
        rt.call("counter", "crash")
    except erts.ErlangError as e:
        print("counter:crash() raised %s:%r" % (e.cls, e.reason))
        print("    str(e): %s" % e)
    try:
        rt.call("erlang", "abs", Atom("x"))
    except erts.ErlangError as e:
        print("erlang:abs(x) raised %s:%r" % (e.cls, e.reason))
    try:
        rt.call("no_such_module", "f")
    except erts.ErlangError as e:
        print("no_such_module:f() raised %s:%r" % (e.cls, e.reason))
    try:
        rt.call("timer", "sleep", 2000, timeout=50)
    except erts.ErtsError as e:
        print("timer:sleep(2000) with a 50 ms timeout: %s" % e.status_name)
    try:
        rt.load_module("no_such_module")
    except erts.ErtsError as e:
        print("load_module('no_such_module'): %s" % e.status_name)


def main():
    lib = sys.argv[1] if len(sys.argv) > 1 else None
    with tempfile.TemporaryDirectory() as ebin:
        src = os.path.join(REPO, "c-tests", "embed", "counter.erl")
        subprocess.run(["erlc", "-o", ebin, src], check=True)
        rt = erts.Runtime(["--bare", "+S", "2", "-pa", ebin], lib=lib)
        with rt:
            print("started a --bare runtime")
            tour(rt)
            counter(rt)
            errors(rt)
        print("runtime closed")
        try:
            rt.call("lists", "sort", [2, 1])
        except erts.ErtsError as e:
            print("a call after close: %s" % e.status_name)


if __name__ == "__main__":
    main()
