"""Argument checking as strict as the stdlib ``socket`` module's (issue 14),
over every public function and method, found by introspection: every
public class and function in ``wirelane.__all__``, every public method
(and constructor) of those classes defined by this package. A new method
is walked automatically; a new parameter whose annotation this test does
not know, or a new class it cannot make, fails the test until it is
taught here — so nothing public escapes the matrix.

For each parameter, one at a time (the others valid), the matrix passes
the bad values of the parameter's kind and expects:

* ``TypeError`` for a wrong type: a ``str`` or ``float`` for an integer,
  an ``int`` or ``str`` for a buffer, a plain object for a config, ...
  (never a silent conversion), and ``None`` where the signature does not
  allow it;
* ``OverflowError`` or ``ValueError`` for an integer out of the C range
  (never a silent wrap);
* ``ValueError`` for an embedded NUL in a Unix path (``str`` and
  ``bytes``) or another name C reads as a C string (never a cut).

A refused call consumes nothing. The checks come from
``wirelane/_check.py``; ``ctypes.ArgumentError`` (ctypes refusing a value
itself) counts as a miss: the package must check first, naming the
parameter. ``wirelane.aio`` is not walked here (its coroutines delegate
every argument to the sync methods walked here; issue 13 owns it).
"""

from __future__ import annotations

import gc
import inspect
import os
import socket
import warnings
from typing import Any, Callable

import kinds_support
from conftest import open_fds
from test_hardening_input import World

import wirelane
from wirelane import Ipv4, SocketAddrV4, SocketAddrV6, UnixAddr

TYPE = (TypeError,)
RANGE = (OverflowError, ValueError)
VALUE = (ValueError,)
FD_RANGE = (OverflowError, ValueError, OSError)  # a negative descriptor: EBADF is what os.* say too


class Opaque:
    """An object of no relevant type (no __index__, no buffer, no fileno)."""

    def __repr__(self) -> str:
        return "Opaque()"


BIG = 2**64
NUL_PATH_STR = f"/tmp/wl-py-argcheck-{os.getpid()}\0tail"
NUL_PATH_BYTES = NUL_PATH_STR.encode()

# Bad values by the kind of a parameter: (value, the exceptions allowed).
INT_BAD: list[tuple[Any, tuple[type[BaseException], ...]]] = [
    ("1", TYPE),
    (1.0, TYPE),
    (b"1", TYPE),
    (Opaque(), TYPE),
    (BIG, RANGE),
    (-BIG, RANGE),
]
BOOL_BAD = [("yes", TYPE), ("", TYPE), (1.0, TYPE), (Opaque(), TYPE)]
SECONDS_BAD = [("1", TYPE), (b"1", TYPE), (Opaque(), TYPE), (-1, VALUE), (float("nan"), VALUE)]
STR_BAD = [(1, TYPE), (b"lo", TYPE), (Opaque(), TYPE), ("lo\0x", VALUE)]
PATH_BAD = [(1, TYPE), (1.5, TYPE), (Opaque(), TYPE), (NUL_PATH_STR, VALUE), (NUL_PATH_BYTES, VALUE)]
NAME_BAD = [(1, TYPE), (Opaque(), TYPE)]
BUFFER_BAD = [("x", TYPE), (1, TYPE), (Opaque(), TYPE)]
FD_BAD = [("3", TYPE), (1.5, TYPE), (Opaque(), TYPE), (-1, FD_RANGE), (BIG, RANGE)]
ITER_BAD = [(1, TYPE), (Opaque(), TYPE)]
OBJ_BAD = [(1, TYPE), ("x", TYPE), (Opaque(), TYPE)]
CLASS_BAD = [(1, TYPE), ("Ipv4", TYPE), (int, TYPE), (Opaque(), TYPE)]
ADDR_BAD = [
    ("127.0.0.1:9", TYPE),
    (1, TYPE),
    (Opaque(), TYPE),
    (SocketAddrV4("127.0.0.1", BIG), RANGE),
    (SocketAddrV4("127.0.0.1", -1), RANGE),
    (SocketAddrV4("127.0.0.1", "9"), TYPE),  # type: ignore[arg-type]
    (SocketAddrV4(127, 9), TYPE),  # type: ignore[arg-type]
]
UNIX_ADDR_BAD = [("/tmp/x", TYPE), (1, TYPE), (Opaque(), TYPE), (SocketAddrV4("127.0.0.1", 9), TYPE)]
HOST_PORT_BAD = [
    (1, TYPE),
    ("localhost", TYPE),
    (Opaque(), TYPE),
    (("localhost",), TYPE),
    ((b"localhost", 9), TYPE),
    (("lo\0x", 9), VALUE),
    (("localhost", BIG), RANGE),
    (("localhost", 1.5), TYPE),
]
PORT_BAD = [(1.5, TYPE), (b"9", TYPE), (Opaque(), TYPE), (BIG, RANGE), ("x\0y", VALUE)]
INT_OR_BYTES_BAD = [("1", TYPE), (1.0, TYPE), (Opaque(), TYPE), (BIG, RANGE)]

FD_NAMES = {"fd", "file", "fileobj", "src", "dst", "pipe_in", "pipe_out"}


def kind_of(owner: str, method: str, p: inspect.Parameter) -> tuple[list[tuple[Any, Any]], bool]:
    """The bad values for a parameter, and whether ``None`` is allowed."""
    ann = str(p.annotation).replace(" ", "")
    none_ok = "None" in ann.split("|") or p.default is None and ann == str(inspect.Parameter.empty)
    base = "|".join(part for part in ann.split("|") if part != "None")
    n = p.name
    if (method, n) == ("sendfile", "file"):
        return OBJ_BAD, none_ok  # a file object, as socket.sendfile takes
    if n in FD_NAMES:
        return FD_BAD, none_ok
    if base == "bool":
        return BOOL_BAD, none_ok
    if base == "int":
        return INT_BAD, none_ok
    if base in ("tuple[str,int]", "tuple[str|None,int|str]"):
        return HOST_PORT_BAD, none_ok  # (host, port), as socket.create_connection takes
    if base == "int|str" and n == "port":
        return PORT_BAD, none_ok  # a number or a service name, as getaddrinfo takes
    if base in ("float", "int", "float|_DefaultTimeout") and n in ("timeout", "seconds", "user_timeout"):
        return SECONDS_BAD, none_ok
    if base == "float":
        return SECONDS_BAD, none_ok
    if base == "str":
        return STR_BAD, none_ok
    if base == "str|bytes|os.PathLike[str]|os.PathLike[bytes]":
        return PATH_BAD, none_ok
    if base in ("bytes|str", "bytes"):
        return (NAME_BAD + ([("x", TYPE)] if base == "bytes" else [])), none_ok
    if base == "int|bytes":
        return INT_OR_BYTES_BAD, none_ok
    if n in ("data", "buffer", "b", "payload"):
        return BUFFER_BAD, none_ok
    if base.startswith(("Iterable[", "Sequence[")):
        return ITER_BAD, none_ok
    if base.startswith("type["):
        return CLASS_BAD, none_ok
    if base in ("D", "I", "UnixAddr", "Address", "D|None") or (n in ("address", "peer", "to", "addr") and base == "Any"):
        if owner in ("Connection", "ConnectedDatagram") or owner in kinds_support.SEQPACKET:
            return UNIX_ADDR_BAD, none_ok  # the World's connected sockets are Unix socketpairs
        return ADDR_BAD, none_ok
    if base in (
        "BufferConfig",
        "ReuseConfig",
        "TcpConfig",
        "KeepaliveConfig",
        "CancelToken",
        "Pipe",
        "RecvBatch[D]",
        "SendBatch[D]",
        "socket.socket",
        "SocketBase[Any]",
        "SocketBase[SocketAddrV4]|SocketBase[SocketAddrV6]",
        "_Conn",
        "CbpfProgram",
    ):
        return OBJ_BAD, none_ok
    raise AssertionError(
        f"{owner}.{method}({n}: {p.annotation}): the argument matrix does not know this kind of "
        "parameter: teach kind_of() its bad values"
    )


# Classes whose instances the World cannot make, and why their methods
# need none (every method they have with parameters is a constructor,
# classmethod or staticmethod, reached through the class).
DATA_CLASSES = {
    "SocketAddrV4",
    "SocketAddrV6",
    "UnixAddr",
    "BufferConfig",
    "ReuseConfig",
    "TcpConfig",
    "KeepaliveConfig",
    "Credentials",
    "GroRecv",
    "RecvMsg",
    "SegmentedSend",
    "TcpInfo",
    "ZerocopyCompletion",
    "Stream",
    "Datagram",
    "EchoReply",
}

# Public callables not walked, each with its reason.
NOT_WALKED = {
    "SocketAddrV4.__init__": "a NamedTuple, as the stdlib's address tuples: checked where used (ADDR_BAD)",
    "SocketAddrV6.__init__": "a NamedTuple, as the stdlib's address tuples: checked where used (ADDR_BAD)",
    "Stream.__init__": "a type marker: always raises TypeError",
    "Datagram.__init__": "a type marker: always raises TypeError",
    "TcpInfo.__init__": "a ctypes structure the library fills (tcp_info())",
    "TcpConfig.apply": "internal plumbing of the builders (public only for their use); its cfg fields are checked by the builders",
    "BufferConfig.apply": "as TcpConfig.apply",
    "ReuseConfig.apply": "as TcpConfig.apply",
    "KeepaliveConfig.apply": "as TcpConfig.apply",
}

# Parameters that are not checked as their annotation's plain kind, each
# with the reason.
SPECIAL: dict[str, str] = {
    "*.setblocking(flag)": "socket.setblocking takes any object by truth value (the stdlib's rule)",
}


def special(owner: str, method: str, param: str) -> bool:
    return f"{owner}.{method}({param})" in SPECIAL or f"*.{method}({param})" in SPECIAL


def public_classes() -> list[tuple[str, type]]:
    out = []
    seen: set[int] = set()
    for name in wirelane.__all__:
        obj = getattr(wirelane, name)
        if inspect.isclass(obj) and not issubclass(obj, BaseException) and id(obj) not in seen:
            seen.add(id(obj))  # Ipv4 is SocketAddrV4: walked once
            out.append((obj.__name__, obj))
    return out


def own_methods(cls: type) -> list[tuple[str, Callable[..., Any], str]]:
    """(name, function, kind) of every public method of ``cls`` this
    package defines (not tuple's, object's or io's); kind is "instance",
    "class" (classmethod/staticmethod) or "init"."""
    out: list[tuple[str, Callable[..., Any], str]] = []
    seen = set()
    for klass in cls.__mro__:
        if not (klass.__module__ or "").startswith("wirelane"):
            continue
        for mname, raw in vars(klass).items():
            if mname in seen or (mname.startswith("_") and mname != "__init__"):
                continue
            seen.add(mname)
            if isinstance(raw, (staticmethod, classmethod)):
                out.append((mname, getattr(cls, mname), "class"))
            elif mname == "__init__" and callable(raw):
                out.append((mname, raw, "init"))
            elif inspect.isfunction(raw):
                out.append((mname, raw, "instance"))
    return out


def params(fn: Callable[..., Any]) -> list[inspect.Parameter]:
    return [
        p
        for p in inspect.signature(fn).parameters.values()
        if p.name not in ("self", "cls") and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]


class ArgWorld(World):
    """The None matrix's World, plus what this matrix also needs."""

    def make(self, name: str) -> Any:
        if name == "GroRecv":
            return wirelane.GroRecv(4, 2, False, SocketAddrV4("127.0.0.1", 9))
        if name == "SocketIO":
            a, b = wirelane.socketpair()
            self.keep(b)
            self.keep(a)
            return self.keep(a.makefile("rwb", buffering=0))
        return super().make(name)

    def value(self, owner: str, method: str, param: inspect.Parameter) -> Any:
        n = param.name
        if n == "sock":
            if owner in ("Connection", "Listener", "BoundDatagram", "ConnectedDatagram", "RawSocket", "BoundSocket", "PendingConnect"):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                self.owned.append(s)
                return s
            return self.make("BoundSocket")
        if (method, n) == ("sendfile", "file"):
            f = open(os.devnull, "rb")  # noqa: SIM115 - closed with the world
            self.owned.append(f)
            return f
        if n == "conn":
            return self.make("Connection")
        if n == "path":
            return f"/tmp/wl-py-argcheck-{os.getpid()}-ok"
        if n in ("b",):
            return bytearray(4)
        if n == "via":
            return self.keep(wirelane.Pipe())
        if n == "cancel":
            return None
        if n == "capacity":
            return 4
        if n in ("slot_size",):
            return 64
        if n == "kind" and owner != "module":
            return wirelane.Stream
        if n in ("send", "recv", "idle", "interval") and "int" in str(param.annotation):
            return 65536 if n in ("send", "recv") else 10
        if n in ("addr", "port") and str(param.annotation) == "bool":
            return True
        if n in ("nodelay",):
            return True
        if n in ("src_offset", "dst_offset", "buffering", "encoding", "errors", "newline", "keepalive", "congestion", "user_timeout"):
            return None
        if n == "mode":
            return "rwb"
        return super().value(owner, method, param)


def call_matrix() -> tuple[int, list[str]]:
    world = ArgWorld()
    misses: list[str] = []
    calls = 0
    walked: set[str] = set()

    def attempt(label: str, target: Callable[..., Any], args: dict[str, Any], bad: Any, allowed: Any, obj: Any) -> None:
        nonlocal calls
        calls += 1
        try:
            result = target(**args)
        except allowed as e:
            if not str(e):
                misses.append(f"{label} = {bad!r}: {type(e).__name__} with an empty message")
            if obj is not None and hasattr(obj, "closed") and obj.closed:
                misses.append(f"{label} = {bad!r}: refused, but the call consumed the object")
            return
        except Exception as e:  # noqa: BLE001 - the wrong kind of error is a miss
            misses.append(f"{label} = {bad!r}: {type(e).__name__} ({e}), expected {'/'.join(a.__name__ for a in allowed)}")
            return
        misses.append(f"{label} = {bad!r}: accepted, expected {'/'.join(a.__name__ for a in allowed)}")
        if hasattr(result, "close"):
            try:
                result.close()
            except Exception:  # noqa: BLE001
                pass

    def walk(owner: str, mname: str, fn: Callable[..., Any], make: Callable[[], Callable[..., Any]], obj_of: Callable[[Callable[..., Any]], Any]) -> None:
        ps = params(fn)
        walked.add(f"{owner}.{mname}")
        for target in ps:
            if special(owner, mname, target.name):
                continue
            bads, none_ok = kind_of(owner, mname, target)
            cases = list(bads) + ([] if none_ok else [(None, TYPE)])
            for bad, allowed in cases:
                bound = make()
                args: dict[str, Any] = {}
                for p in ps:
                    if p is target:
                        args[p.name] = bad
                    elif p.default is not inspect.Parameter.empty and p.name in ("timeout", "seconds"):
                        args[p.name] = 0  # a bad value let through must fail, not wait
                    elif p.default is not inspect.Parameter.empty and p.name not in ("interface",):
                        continue
                    else:
                        args[p.name] = world.value(owner, mname, p)
                attempt(f"{owner}.{mname}({target.name})", bound, args, bad, allowed, obj_of(bound))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        before = open_fds()
        for cname, cls in public_classes():
            for mname, fn, kind in own_methods(cls):
                key = f"{cname}.{mname}"
                if key in NOT_WALKED:
                    continue
                if kind == "init":
                    if cname not in DATA_CLASSES and cname not in ("SendBatch", "RecvBatch", "Pipe", "CancelToken", "ListenerBuilder", "ConnectorBuilder", "DatagramBuilder", "SocketIO"):
                        continue  # the state classes: constructed by the package only (a private key)
                    walk(cname, mname, fn, lambda c=cls: c, lambda b: None)
                elif kind == "class":
                    walk(cname, mname, fn, lambda c=cls, m=mname: getattr(c, m), lambda b: None)
                else:
                    if not params(fn):
                        continue
                    if cname in DATA_CLASSES and cname != "GroRecv":
                        raise AssertionError(f"{key} takes parameters but the matrix cannot make a {cname}: teach ArgWorld.make")

                    def make(c: str = cname, m: str = mname) -> Callable[..., Any]:
                        return getattr(world.make(c), m)

                    walk(cname, mname, fn, make, lambda b: getattr(b, "__self__", None))
                # Close what this method's calls opened (descriptors stay bounded).
                keep = world.owned[:1]
                for o in world.owned[1:]:
                    try:
                        o.close()
                    except Exception:  # noqa: BLE001
                        pass
                world.owned = keep
        for fname in wirelane.__all__:
            fn = getattr(wirelane, fname)
            if inspect.isclass(fn) or not callable(fn):
                continue
            walk("module", fname, fn, lambda f=fn: f, lambda b: None)
        world.close()
        gc.collect()
        leaked = open_fds() - before
    if leaked:
        misses.append(f"leaked descriptors: {sorted(leaked)}")
    for key in NOT_WALKED:
        owner, _, m = key.partition(".")
        assert hasattr(getattr(wirelane, owner), m), f"NOT_WALKED lists {key}, which no longer exists"
    assert len(walked) > 250, f"only {len(walked)} callables walked: the matrix lost its methods"
    return calls, misses


def test_bad_arguments_over_every_public_method() -> None:
    calls, misses = call_matrix()
    assert not misses, f"{len(misses)} of {calls} bad-argument calls were not refused as the stdlib would:\n" + "\n".join(misses)
    print(f"python argument matrix: {calls} bad-argument calls, all refused with the stdlib's error kinds")


def test_unix_paths_with_nul_are_refused_not_cut() -> None:
    cut = f"/tmp/wl-py-argcheck-{os.getpid()}"
    for bad in (cut + "\0x", (cut + "\0x").encode()):
        try:
            UnixAddr(bad)
        except ValueError as e:
            assert "null" in str(e)
        else:
            raise AssertionError(f"UnixAddr({bad!r}) was accepted")
    # The abstract namespace is exact: NUL bytes are data there.
    assert UnixAddr.abstract(b"a\0b").abstract_name == b"a\0b"
    assert UnixAddr(b"\0a\0b").abstract_name == b"a\0b"
    assert not os.path.exists(cut)


def test_no_silent_integer_wrap() -> None:
    a, b = wirelane.socketpair()
    try:
        for call in (
            lambda: a.send(b"x", 2**40),
            lambda: a.shutdown(2**40),
            lambda: a.set_mark(2**40),
            lambda: a.set_send_buffer_size(2**70),
            lambda: a.recv(2**70),
        ):
            try:
                call()
            except (OverflowError, ValueError):
                continue
            raise AssertionError("an out-of-range integer was accepted (wrapped)")
        # Valid values still work after the refusals.
        a.sendall(b"ok")
        assert b.recv(2) == b"ok"
    finally:
        a.close()
        b.close()


def test_ipv6_and_v4_addresses_checked_where_used() -> None:
    raw = wirelane.RawSocket.tcp6()
    for bad in (SocketAddrV6("::1", 0, flowinfo=2**40), SocketAddrV6("::1", 0, scope_id=-1), SocketAddrV6("::1", 0, flowinfo="1")):  # type: ignore[arg-type]
        try:
            raw.bind(bad)
        except (TypeError, ValueError, OverflowError):
            continue
        raise AssertionError(f"bind({bad!r}) was accepted")
    raw.bind(SocketAddrV6("::1", 0)).close()
    raw4 = wirelane.RawSocket.tcp4()
    try:
        raw4.bind(SocketAddrV4("127.0.0.1\0", 0))
    except ValueError:
        pass
    else:
        raise AssertionError("an IPv4 host with a NUL was accepted")
    raw4.close()
    _ = Ipv4
