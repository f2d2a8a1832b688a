"""A ctypes binding of liberts, the embeddable Erlang runtime (include/erts.h).

Terms cross between Python and Erlang in the external term format (what
``term_to_binary/1`` makes): ``Runtime.call`` goes through ``erts_call_etf``, and
mailbox messages and ``send`` through ``enif_term_to_binary``/``enif_binary_to_term``
of a short-lived environment. The codec here maps:

    Erlang                      Python
    integer                     int (any size)
    float                       float
    true / false                True / False
    other atom                  Atom (a str subclass): Atom("ok")
    binary                      bytes (str and bytearray encode as binaries too)
    bitstring                   BitString(data, bits)
    list                        list (an improper list: ImproperList(items, tail))
    tuple                       tuple
    map                         dict (a map with a list or map key cannot be decoded:
                                 Python cannot hash those; TypeError)
    pid, port, reference, fun   Pid, Port, Ref, Fun: opaque, compared by value,
                                 encoded back as they came

Only one runtime may run per OS process for now (see docs/embedding.md).

    import erts
    with erts.Runtime(["--bare"], lib="target/release/liberts.so") as rt:
        print(rt.call("lists", "sort", [3, 1, 2]))      # [1, 2, 3]
"""

import ctypes
import os
import struct
import sys
import threading
import traceback
import zlib

__all__ = [
    "Atom",
    "BitString",
    "ImproperList",
    "Opaque",
    "Pid",
    "Port",
    "Ref",
    "Fun",
    "encode",
    "decode",
    "ErtsError",
    "ErlangError",
    "Runtime",
    "Mailbox",
    "load_library",
]

# ---------------------------------------------------------------------------
# Terms


class Atom(str):
    """An Erlang atom (true and false decode as Python bools instead)."""

    __slots__ = ()

    def __repr__(self):
        return "Atom(%s)" % str.__repr__(self)


class BitString:
    """A bitstring whose size is not a whole number of bytes: ``bits`` (1..8) bits of
    the last byte of ``data`` count."""

    __slots__ = ("data", "bits")

    def __init__(self, data, bits):
        if not 1 <= bits <= 8 or not data:
            raise ValueError("a bitstring needs data and 1..8 bits in its last byte")
        self.data = bytes(data)
        self.bits = bits

    def __eq__(self, other):
        return (
            isinstance(other, BitString)
            and self.data == other.data
            and self.bits == other.bits
        )

    def __hash__(self):
        return hash((self.data, self.bits))

    def __repr__(self):
        return "BitString(%r, %d)" % (self.data, self.bits)


class ImproperList(list):
    """A list whose tail is not []: the items and the tail."""

    def __init__(self, items, tail):
        super().__init__(items)
        self.tail = tail

    def __eq__(self, other):
        return (
            isinstance(other, ImproperList)
            and list.__eq__(self, other)
            and self.tail == other.tail
        )

    __hash__ = None

    def __repr__(self):
        return "ImproperList(%s, %r)" % (list.__repr__(self), self.tail)


class Opaque:
    """A term Python does not look into: its external-format encoding (without the
    version byte), sent back unchanged."""

    __slots__ = ("etf",)
    kind = "term"

    def __init__(self, etf):
        self.etf = bytes(etf)

    def __eq__(self, other):
        return type(self) is type(other) and self.etf == other.etf

    def __hash__(self):
        return hash((type(self).__name__, self.etf))

    def __repr__(self):
        return "<%s>" % self.kind


class Pid(Opaque):
    """A process identifier."""

    __slots__ = ()
    kind = "pid"


class Port(Opaque):
    """A port identifier."""

    __slots__ = ()
    kind = "port"


class Ref(Opaque):
    """A reference."""

    __slots__ = ()
    kind = "reference"


class Fun(Opaque):
    """A fun."""

    __slots__ = ()
    kind = "fun"


# External term format tags (the erl_ext_dist chapter of the ERTS user's guide).
VERSION = 131
COMPRESSED = 80
NEW_FLOAT = 70
BIT_BINARY = 77
NEW_PID = 88
NEW_PORT = 89
NEWER_REFERENCE = 90
SMALL_INTEGER = 97
INTEGER = 98
FLOAT = 99
ATOM = 100
REFERENCE = 101
PORT = 102
PID = 103
SMALL_TUPLE = 104
LARGE_TUPLE = 105
NIL = 106
STRING = 107
LIST = 108
BINARY = 109
SMALL_BIG = 110
LARGE_BIG = 111
NEW_FUN = 112
EXPORT = 113
NEW_REFERENCE = 114
SMALL_ATOM = 115
MAP = 116
ATOM_UTF8 = 118
SMALL_ATOM_UTF8 = 119
V4_PORT = 120


def encode(term):
    """The external term format of ``term`` (with the version byte)."""
    out = bytearray([VERSION])
    _encode(term, out)
    return bytes(out)


def _encode_atom(name, out):
    b = name.encode("utf-8")
    if len(name) > 255:
        raise ValueError("an atom has at most 255 characters: %r" % name[:20])
    if len(b) < 256:
        out += struct.pack(">BB", SMALL_ATOM_UTF8, len(b))
    else:
        out += struct.pack(">BH", ATOM_UTF8, len(b))
    out += b


def _encode(t, out):
    if t is True or t is False:
        _encode_atom("true" if t else "false", out)
    elif isinstance(t, int):
        if 0 <= t <= 255:
            out += struct.pack(">BB", SMALL_INTEGER, t)
        elif -(2**31) <= t < 2**31:
            out += struct.pack(">Bi", INTEGER, t)
        else:
            mag = abs(t)
            digits = mag.to_bytes((mag.bit_length() + 7) // 8, "little")
            if len(digits) < 256:
                out += struct.pack(">BBB", SMALL_BIG, len(digits), t < 0)
            else:
                out += struct.pack(">BIB", LARGE_BIG, len(digits), t < 0)
            out += digits
    elif isinstance(t, float):
        out += struct.pack(">Bd", NEW_FLOAT, t)
    elif isinstance(t, Atom):
        _encode_atom(t, out)
    elif isinstance(t, str):
        b = t.encode("utf-8")
        out += struct.pack(">BI", BINARY, len(b))
        out += b
    elif isinstance(t, (bytes, bytearray, memoryview)):
        b = bytes(t)
        out += struct.pack(">BI", BINARY, len(b))
        out += b
    elif isinstance(t, BitString):
        out += struct.pack(">BIB", BIT_BINARY, len(t.data), t.bits)
        out += t.data
    elif isinstance(t, Opaque):
        out += t.etf
    elif isinstance(t, list):
        if not t and not isinstance(t, ImproperList):
            out.append(NIL)
            return
        out += struct.pack(">BI", LIST, len(t))
        for x in t:
            _encode(x, out)
        if isinstance(t, ImproperList):
            _encode(t.tail, out)
        else:
            out.append(NIL)
    elif isinstance(t, tuple):
        if len(t) < 256:
            out += struct.pack(">BB", SMALL_TUPLE, len(t))
        else:
            out += struct.pack(">BI", LARGE_TUPLE, len(t))
        for x in t:
            _encode(x, out)
    elif isinstance(t, dict):
        out += struct.pack(">BI", MAP, len(t))
        for k, v in t.items():
            _encode(k, out)
            _encode(v, out)
    else:
        raise TypeError("no Erlang term for a %s: %r" % (type(t).__name__, t))


def decode(data):
    """The term encoded in ``data`` (external term format with its version byte); all of
    ``data`` must be that one term."""
    data = bytes(data)
    if not data or data[0] != VERSION:
        raise ValueError("not the external term format (no version byte 131)")
    if len(data) > 1 and data[1] == COMPRESSED:
        if len(data) < 6:
            raise ValueError("truncated compressed term")
        (size,) = struct.unpack_from(">I", data, 2)
        body = zlib.decompress(data[6:])
        if len(body) != size:
            raise ValueError("compressed term of the wrong size")
        data = bytes([VERSION]) + body
    t, end = _Decoder(data).term(1)
    if end != len(data):
        raise ValueError("%d bytes after the term" % (len(data) - end))
    return t


class _Decoder:
    def __init__(self, data):
        self.d = data

    def take(self, fmt, i):
        try:
            v = struct.unpack_from(fmt, self.d, i)
        except struct.error:
            raise ValueError("truncated term") from None
        return v, i + struct.calcsize(fmt)

    def bytes(self, i, n):
        if i + n > len(self.d):
            raise ValueError("truncated term")
        return self.d[i : i + n], i + n

    def atom_name(self, i):
        """An atom (a node name, a module) as a str, and where it ends."""
        t, j = self.term(i)
        if isinstance(t, bool):
            return ("true" if t else "false"), j
        if not isinstance(t, Atom):
            raise ValueError("an atom was expected at byte %d" % i)
        return str(t), j

    def term(self, i):
        (tag,), i = self.take(">B", i)
        start = i - 1
        if tag == SMALL_INTEGER:
            (n,), i = self.take(">B", i)
            return n, i
        if tag == INTEGER:
            (n,), i = self.take(">i", i)
            return n, i
        if tag in (SMALL_BIG, LARGE_BIG):
            (n, sign), i = self.take(">BB" if tag == SMALL_BIG else ">IB", i)
            digits, i = self.bytes(i, n)
            v = int.from_bytes(digits, "little")
            return (-v if sign else v), i
        if tag == NEW_FLOAT:
            (f,), i = self.take(">d", i)
            return f, i
        if tag == FLOAT:
            s, i = self.bytes(i, 31)
            return float(s.rstrip(b"\0").decode("ascii")), i
        if tag in (ATOM_UTF8, SMALL_ATOM_UTF8, ATOM, SMALL_ATOM):
            (n,), i = self.take(">H" if tag in (ATOM_UTF8, ATOM) else ">B", i)
            raw, i = self.bytes(i, n)
            name = raw.decode("utf-8" if tag in (ATOM_UTF8, SMALL_ATOM_UTF8) else "latin-1")
            if name == "true":
                return True, i
            if name == "false":
                return False, i
            return Atom(name), i
        if tag in (SMALL_TUPLE, LARGE_TUPLE):
            (n,), i = self.take(">B" if tag == SMALL_TUPLE else ">I", i)
            items = []
            for _ in range(n):
                x, i = self.term(i)
                items.append(x)
            return tuple(items), i
        if tag == NIL:
            return [], i
        if tag == STRING:
            (n,), i = self.take(">H", i)
            raw, i = self.bytes(i, n)
            return list(raw), i
        if tag == LIST:
            (n,), i = self.take(">I", i)
            items = []
            for _ in range(n):
                x, i = self.term(i)
                items.append(x)
            tail, i = self.term(i)
            if tail == [] and not isinstance(tail, ImproperList):
                return items, i
            return ImproperList(items, tail), i
        if tag == BINARY:
            (n,), i = self.take(">I", i)
            return self.bytes(i, n)
        if tag == BIT_BINARY:
            (n, bits), i = self.take(">IB", i)
            raw, i = self.bytes(i, n)
            return BitString(raw, bits), i
        if tag == MAP:
            (n,), i = self.take(">I", i)
            m = {}
            for _ in range(n):
                k, i = self.term(i)
                v, i = self.term(i)
                m[k] = v
            return m, i
        if tag in (NEW_PID, PID):
            _, i = self.atom_name(i)
            _, i = self.take(">III" if tag == NEW_PID else ">IIB", i)
            return Pid(self.d[start:i]), i
        if tag in (NEW_PORT, V4_PORT, PORT):
            _, i = self.atom_name(i)
            fmt = {NEW_PORT: ">II", V4_PORT: ">QI", PORT: ">IB"}[tag]
            _, i = self.take(fmt, i)
            return Port(self.d[start:i]), i
        if tag in (NEWER_REFERENCE, NEW_REFERENCE):
            (n,), i = self.take(">H", i)
            _, i = self.atom_name(i)
            _, i = self.take(">I" if tag == NEWER_REFERENCE else ">B", i)
            _, i = self.bytes(i, 4 * n)
            return Ref(self.d[start:i]), i
        if tag == REFERENCE:
            _, i = self.atom_name(i)
            _, i = self.take(">IB", i)
            return Ref(self.d[start:i]), i
        if tag == NEW_FUN:
            (size,), _ = self.take(">I", i)
            _, end = self.bytes(start + 1, size)
            return Fun(self.d[start:end]), end
        if tag == EXPORT:
            _, i = self.atom_name(i)
            _, i = self.atom_name(i)
            _, i = self.term(i)
            return Fun(self.d[start:i]), i
        raise ValueError("unknown external term format tag %d at byte %d" % (tag, start))


# ---------------------------------------------------------------------------
# The library


class _ErlNifBinary(ctypes.Structure):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("data", ctypes.POINTER(ctypes.c_ubyte)),
        ("ref_bin", ctypes.c_void_p),
        ("spare", ctypes.c_void_p * 2),
    ]


_TERM = ctypes.c_uint64  # ERL_NIF_TERM on a 64-bit system
_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, _TERM)

_STATUS = [
    "ERTS_OK",
    "ERTS_BADARG",
    "ERTS_START_FAILED",
    "ERTS_STOPPED",
    "ERTS_LOAD_FAILED",
    "ERTS_EXCEPTION",
    "ERTS_TIMEOUT",
    "ERTS_NOPROC",
    "ERTS_SYSTEM_LIMIT",
    "ERTS_INTERNAL_ERROR",
]
OK, BADARG, START_FAILED, STOPPED, LOAD_FAILED, EXCEPTION, TIMEOUT, NOPROC = range(8)

_lib = None
_lib_lock = threading.Lock()


def load_library(path=None):
    """Loads liberts (once per process): from ``path``, else ``$ERTS_LIB``, else
    ``liberts.so`` on the dynamic linker's path. Gives the ctypes library."""
    global _lib
    with _lib_lock:
        if _lib is not None:
            return _lib
        path = path or os.environ.get("ERTS_LIB") or "liberts.so"
        lib = ctypes.CDLL(path)
        c = ctypes
        p = c.c_void_p
        sigs = {
            "erts_last_error": (c.c_char_p, []),
            "erts_status_name": (c.c_char_p, [c.c_int]),
            "erts_runtime_start": (c.c_int, [c.c_int, c.POINTER(c.c_char_p), c.POINTER(p)]),
            "erts_runtime_stop": (c.c_int, [p]),
            "erts_runtime_free": (None, [p]),
            "erts_runtime_halted": (c.c_int, [p, c.POINTER(c.c_int)]),
            "erts_load_module": (c.c_int, [p, c.c_char_p]),
            "erts_load_file": (c.c_int, [p, c.c_char_p]),
            "erts_load_binary": (c.c_int, [p, c.c_char_p, c.c_char_p, c.c_size_t]),
            "erts_add_path": (c.c_int, [p, c.c_char_p]),
            "erts_call_etf": (
                c.c_int,
                [
                    p,
                    c.c_char_p,
                    c.c_char_p,
                    c.c_char_p,
                    c.c_size_t,
                    c.c_long,
                    c.POINTER(c.POINTER(c.c_ubyte)),
                    c.POINTER(c.c_size_t),
                ],
            ),
            "erts_free_buffer": (None, [c.POINTER(c.c_ubyte), c.c_size_t]),
            "erts_send": (c.c_int, [p, p, _TERM, _TERM]),
            "erts_mailbox_open": (c.c_int, [p, c.POINTER(p)]),
            "erts_mailbox_pid": (c.c_int, [p, p, c.POINTER(_TERM)]),
            "erts_mailbox_receive": (c.c_int, [p, p, c.c_long, c.POINTER(_TERM)]),
            "erts_mailbox_set_callback": (c.c_int, [p, _CALLBACK, p]),
            "erts_mailbox_size": (c.c_size_t, [p]),
            "erts_mailbox_close": (None, [p]),
            "enif_alloc_env": (p, []),
            "enif_free_env": (None, [p]),
            "enif_term_to_binary": (c.c_int, [p, _TERM, c.POINTER(_ErlNifBinary)]),
            "enif_binary_to_term": (
                c.c_size_t,
                [p, c.c_char_p, c.c_size_t, c.POINTER(_TERM), c.c_uint],
            ),
            "enif_release_binary": (None, [c.POINTER(_ErlNifBinary)]),
        }
        for name, (res, args) in sigs.items():
            f = getattr(lib, name)
            f.restype = res
            f.argtypes = args
        _lib = lib
        return lib


class ErtsError(Exception):
    """A C API call that did not return ERTS_OK: ``status`` (its name in
    ``status_name``) and the runtime's message."""

    def __init__(self, status, message):
        self.status = status
        self.status_name = _STATUS[status] if 0 <= status < len(_STATUS) else str(status)
        self.message = message
        super().__init__("%s: %s" % (self.status_name, message))


class ErlangError(ErtsError):
    """The called Erlang function raised: ``cls`` (error, exit or throw), ``reason``
    and ``stacktrace`` as Python terms."""

    def __init__(self, message, cls, reason, stacktrace):
        super().__init__(EXCEPTION, message)
        self.cls = cls
        self.reason = reason
        self.stacktrace = stacktrace


def _check(lib, status):
    if status != OK:
        raise ErtsError(status, lib.erts_last_error().decode("utf-8", "replace"))


class _Env:
    """A process-independent erl_nif environment for the duration of a ``with``."""

    def __init__(self, lib):
        self.lib = lib
        self.env = lib.enif_alloc_env()
        if not self.env:
            raise MemoryError("enif_alloc_env failed")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.lib.enif_free_env(self.env)

    def to_python(self, term):
        return _term_to_python(self.lib, self.env, term)

    def from_python(self, value):
        data = encode(value)
        t = _TERM()
        used = self.lib.enif_binary_to_term(self.env, data, len(data), ctypes.byref(t), 0)
        if used != len(data):
            raise ValueError("the runtime did not take the term %r" % (value,))
        return t.value


def _term_to_python(lib, env, term):
    b = _ErlNifBinary()
    if not lib.enif_term_to_binary(env, term, ctypes.byref(b)):
        raise ValueError("enif_term_to_binary failed")
    try:
        return decode(ctypes.string_at(b.data, b.size))
    finally:
        lib.enif_release_binary(ctypes.byref(b))


class Runtime:
    """A runtime started from erl-style arguments (``--bare``, ``-root DIR``,
    ``+S N``, ``-pa DIR...``; without --bare OTP boots). ``close()`` (or leaving a
    ``with``) stops and frees it."""

    def __init__(self, args=(), lib=None):
        self.lib = load_library(lib)
        self._mailboxes = []
        argv = (ctypes.c_char_p * max(len(args), 1))(*[a.encode() for a in args])
        handle = ctypes.c_void_p()
        _check(self.lib, self.lib.erts_runtime_start(len(args), argv, ctypes.byref(handle)))
        self._rt = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _handle(self):
        if self._rt is None:
            raise ErtsError(STOPPED, "the runtime was closed")
        return self._rt

    def call(self, module, function, *args, timeout=5000):
        """``module:function(*args)``; waits ``timeout`` ms (None: forever). Raises
        ErlangError when it raises, ErtsError(ERTS_TIMEOUT) when it takes too long."""
        data = encode(list(args))
        out = ctypes.POINTER(ctypes.c_ubyte)()
        out_len = ctypes.c_size_t()
        st = self.lib.erts_call_etf(
            self._handle(),
            module.encode(),
            function.encode(),
            data,
            len(data),
            -1 if timeout is None else int(timeout),
            ctypes.byref(out),
            ctypes.byref(out_len),
        )
        if st not in (OK, EXCEPTION):
            _check(self.lib, st)
        try:
            result = decode(ctypes.string_at(out, out_len.value))
        finally:
            self.lib.erts_free_buffer(out, out_len.value)
        if st == EXCEPTION:
            cls, reason, stack = result
            message = self.lib.erts_last_error().decode("utf-8", "replace")
            raise ErlangError(message, cls, reason, stack)
        return result

    def load_module(self, name):
        _check(self.lib, self.lib.erts_load_module(self._handle(), name.encode()))

    def load_file(self, path):
        _check(self.lib, self.lib.erts_load_file(self._handle(), os.fsencode(path)))

    def load_binary(self, name, beam):
        beam = bytes(beam)
        _check(
            self.lib,
            self.lib.erts_load_binary(self._handle(), name.encode(), beam, len(beam)),
        )

    def add_path(self, directory):
        _check(self.lib, self.lib.erts_add_path(self._handle(), os.fsencode(directory)))

    def send(self, to, message):
        """Sends ``message`` to ``to``: a Pid, or an Atom (a registered name)."""
        with _Env(self.lib) as env:
            dest = env.from_python(to)
            msg = env.from_python(message)
            _check(self.lib, self.lib.erts_send(self._handle(), env.env, dest, msg))

    def mailbox(self):
        """A new host mailbox (closed with the runtime at the latest)."""
        mb = Mailbox(self)
        self._mailboxes.append(mb)
        return mb

    def halted(self):
        """The status Erlang code gave erlang:halt, or None if it did not halt."""
        st = ctypes.c_int()
        if self._rt is not None and self.lib.erts_runtime_halted(self._rt, ctypes.byref(st)):
            return st.value
        return None

    def stop(self):
        """Stops the runtime (calls on it fail with ERTS_STOPPED afterwards)."""
        if self._rt is not None:
            for mb in self._mailboxes:
                mb.close()
            _check(self.lib, self.lib.erts_runtime_stop(self._rt))

    def close(self):
        """Stops the runtime and frees it."""
        if self._rt is not None:
            for mb in self._mailboxes:
                mb.close()
            self.lib.erts_runtime_free(self._rt)
            self._rt = None


class Mailbox:
    """A pid of the runtime that stands for this program: Erlang code sends to
    ``mailbox.pid``; ``receive()`` takes the messages, or ``set_callback(fn)`` has
    each handed to ``fn(term)`` on a runtime thread as it arrives."""

    def __init__(self, runtime):
        self.lib = runtime.lib
        handle = ctypes.c_void_p()
        _check(self.lib, self.lib.erts_mailbox_open(runtime._handle(), ctypes.byref(handle)))
        self._mb = handle
        # Every callback ever set stays referenced: a runtime thread may still be in one
        # that was just replaced.
        self._callbacks = []
        with _Env(self.lib) as env:
            t = _TERM()
            _check(self.lib, self.lib.erts_mailbox_pid(self._mb, env.env, ctypes.byref(t)))
            self.pid = env.to_python(t.value)

    def _handle(self):
        if self._mb is None:
            raise ErtsError(BADARG, "the mailbox was closed")
        return self._mb

    def receive(self, timeout=None):
        """The oldest message, waiting up to ``timeout`` ms (None: forever, 0: a poll);
        raises ErtsError(ERTS_TIMEOUT) when none came."""
        with _Env(self.lib) as env:
            t = _TERM()
            ms = -1 if timeout is None else int(timeout)
            _check(
                self.lib,
                self.lib.erts_mailbox_receive(self._handle(), env.env, ms, ctypes.byref(t)),
            )
            return env.to_python(t.value)

    def __len__(self):
        return self.lib.erts_mailbox_size(self._mb) if self._mb is not None else 0

    def set_callback(self, fn):
        """Has each later message handed to ``fn(term)`` on a runtime thread (which
        then waits for the GIL: keep ``fn`` short); None queues them again."""
        if fn is None:
            _check(self.lib, self.lib.erts_mailbox_set_callback(self._handle(), _CALLBACK(), None))
            return
        lib = self.lib

        def trampoline(_user, env, term):
            try:
                fn(_term_to_python(lib, env, term))
            except BaseException:
                traceback.print_exc(file=sys.stderr)

        cb = _CALLBACK(trampoline)
        # The C function pointer lives as long as this object refers to it.
        self._callbacks.append(cb)
        _check(self.lib, self.lib.erts_mailbox_set_callback(self._handle(), cb, None))

    def close(self):
        if self._mb is not None:
            self.lib.erts_mailbox_close(self._mb)
            self._mb = None
