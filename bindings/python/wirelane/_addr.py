"""Socket addresses, one type per address family, and the domain markers.

Python's type system has no associated types (no way to say "the address
type of domain D"), so Wirelane identifies a domain with its address type:
``RawSocket[Ipv4, Stream]`` is ``RawSocket[SocketAddrV4, Stream]``, and its
``bind`` takes exactly a :class:`SocketAddrV4`. The names :data:`Ipv4`,
:data:`Ipv6` and :data:`Unix` are aliases of the address classes, meant for
annotations; a type checker rejects an IPv6 address given to an IPv4 socket
because the two classes are unrelated.
"""

from __future__ import annotations

import ctypes
import functools
import os
import socket
import sys
from typing import Any, Final, NamedTuple, TypeAlias, TypeVar, Union, final

from . import _check, _ffi


class SocketAddrV4(NamedTuple):
    """An IPv4 socket address: a numeric host and a port.

    A tuple, so it compares equal to (and unpacks like) the ``(host, port)``
    tuples of the :mod:`socket` module and can be handed to it directly.
    The host is a dotted-quad literal; use :meth:`resolve` for names.
    """

    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> SocketAddrV4:
        """Parses ``"a.b.c.d:port"``; raises :class:`ValueError` otherwise."""
        addr = parse_address(text)
        if not isinstance(addr, SocketAddrV4):
            raise ValueError(f"{text!r} is not an IPv4 socket address")
        return addr

    @classmethod
    def resolve(cls, host: str, port: int) -> SocketAddrV4:
        """The first IPv4 address of ``host`` (``getaddrinfo(3)``); every
        one: :meth:`resolve_all`."""
        return cls.resolve_all(host, port)[0]

    @classmethod
    def resolve_all(cls, host: str, port: int) -> list[SocketAddrV4]:
        """Every IPv4 address of ``host`` (``getaddrinfo(3)``), in the
        resolver's order, without duplicates. Raises ``socket.gaierror``."""
        out: list[SocketAddrV4] = []
        for *_, sa in socket.getaddrinfo(
            _check.text(host, "host", "resolve_all"), _check.uint(port, 16, "port", "resolve_all"), socket.AF_INET, socket.SOCK_STREAM):
            addr = cls(str(sa[0]), int(sa[1]))
            if addr not in out:
                out.append(addr)
        return out

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


class SocketAddrV6(NamedTuple):
    """An IPv6 socket address: numeric host, port, flow label and scope id.

    Compares equal to the 4-tuples of the :mod:`socket` module. A scope may
    also be written in the host as ``"fe80::1%eth0"`` or ``"fe80::1%2"``.
    """

    host: str
    port: int
    flowinfo: int = 0
    scope_id: int = 0

    @classmethod
    def parse(cls, text: str) -> SocketAddrV6:
        """Parses ``"[addr]:port"``; raises :class:`ValueError` otherwise."""
        addr = parse_address(text)
        if not isinstance(addr, SocketAddrV6):
            raise ValueError(f"{text!r} is not an IPv6 socket address")
        return addr

    @classmethod
    def resolve(cls, host: str, port: int) -> SocketAddrV6:
        """The first IPv6 address of ``host`` (``getaddrinfo(3)``); every
        one: :meth:`resolve_all`."""
        return cls.resolve_all(host, port)[0]

    @classmethod
    def resolve_all(cls, host: str, port: int) -> list[SocketAddrV6]:
        """Every IPv6 address of ``host`` (``getaddrinfo(3)``), in the
        resolver's order, without duplicates. Raises ``socket.gaierror``."""
        out: list[SocketAddrV6] = []
        for *_, sa in socket.getaddrinfo(
            _check.text(host, "host", "resolve_all"), _check.uint(port, 16, "port", "resolve_all"), socket.AF_INET6, socket.SOCK_STREAM):
            addr = cls(str(sa[0]), int(sa[1]), int(sa[2]), int(sa[3]))  # type: ignore[misc]
            if addr not in out:
                out.append(addr)
        return out

    def __str__(self) -> str:
        scope = f"%{self.scope_id}" if self.scope_id else ""
        return f"[{self.host}{scope}]:{self.port}"


@final
class UnixAddr:
    """A Unix-domain socket address: a filesystem path, a Linux abstract
    name, or unnamed (see ``unix(7)``).

    ``UnixAddr("/run/app.sock")`` (a ``str`` or path-like) names a file;
    ``UnixAddr(b"\\0name")`` or :meth:`UnixAddr.abstract` names an abstract
    socket, the :mod:`socket` module's convention; :meth:`unnamed` is what
    an unbound peer reports.
    """

    __slots__ = ("_kind", "_name")

    _kind: str
    _name: bytes

    def __init__(self, path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> None:
        try:
            raw = os.fsencode(path)
        except TypeError:
            raise TypeError(f"UnixAddr() argument 'path' must be str, bytes or os.PathLike, not {type(path).__name__}") from None
        if raw.startswith(b"\0"):
            self._kind, self._name = "abstract", raw[1:]  # NUL bytes are data in an abstract name
        elif raw:
            _check.no_nul(raw, "path", "UnixAddr")
            self._kind, self._name = "path", raw
        else:
            raise ValueError("empty Unix socket path (use UnixAddr.unnamed())")

    @classmethod
    def abstract(cls, name: bytes | str) -> UnixAddr:
        """A Linux abstract-namespace address (no file, no permissions)."""
        return cls(b"\0" + _check.name_bytes(name, "name", "abstract"))

    @classmethod
    def unnamed(cls) -> UnixAddr:
        """The unnamed address (an unbound or ``socketpair`` socket)."""
        addr = cls.__new__(cls)
        addr._kind, addr._name = "unnamed", b""
        return addr

    @property
    def path(self) -> str | None:
        """The filesystem path, or ``None`` for abstract and unnamed."""
        return os.fsdecode(self._name) if self._kind == "path" else None

    @property
    def abstract_name(self) -> bytes | None:
        """The abstract name (without the leading NUL), or ``None``."""
        return self._name if self._kind == "abstract" else None

    @property
    def is_unnamed(self) -> bool:
        """Whether this is the unnamed address."""
        return self._kind == "unnamed"

    def to_stdlib(self) -> str | bytes:
        """The :mod:`socket` module's form: a ``str`` path, ``b"\\0name"``
        for an abstract name, ``""`` when unnamed."""
        if self._kind == "path":
            return os.fsdecode(self._name)
        if self._kind == "abstract":
            return b"\0" + self._name
        return ""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, UnixAddr):
            return NotImplemented
        return (self._kind, self._name) == (other._kind, other._name)

    def __hash__(self) -> int:
        return hash((UnixAddr, self._kind, self._name))

    def __repr__(self) -> str:
        if self._kind == "unnamed":
            return "UnixAddr.unnamed()"
        if self._kind == "abstract":
            return f"UnixAddr.abstract({self._name!r})"
        return f"UnixAddr({os.fsdecode(self._name)!r})"

    def __str__(self) -> str:
        if self._kind == "unnamed":
            return "(unnamed)"
        if self._kind == "abstract":
            return "@" + self._name.decode("utf-8", "backslashreplace")
        return os.fsdecode(self._name)


# --- domain and kind markers ------------------------------------------------

Ipv4: TypeAlias = SocketAddrV4
"""The IPv4 domain (``AF_INET``): sockets of it take :class:`SocketAddrV4`."""
Ipv6: TypeAlias = SocketAddrV6
"""The IPv6 domain (``AF_INET6``): sockets of it take :class:`SocketAddrV6`."""
Unix: TypeAlias = UnixAddr
"""The Unix domain (``AF_UNIX``): sockets of it take :class:`UnixAddr`."""


@final
class Stream:
    """Marker: a stream socket (``SOCK_STREAM``: TCP, Unix stream)."""

    def __init__(self) -> None:
        raise TypeError("Stream is a type marker; it has no instances")


@final
class Datagram:
    """Marker: a datagram socket (``SOCK_DGRAM``: UDP, Unix datagram)."""

    def __init__(self) -> None:
        raise TypeError("Datagram is a type marker; it has no instances")


Address: TypeAlias = Union[SocketAddrV4, SocketAddrV6, UnixAddr]
"""Any Wirelane socket address."""

D = TypeVar("D", SocketAddrV4, SocketAddrV6, UnixAddr)
"""The domain of a socket, identified with its address type."""
K = TypeVar("K", Stream, Datagram)
"""The socket kind: :class:`Stream` or :class:`Datagram`."""

FAMILY_OF: Final[dict[type, int]] = {
    SocketAddrV4: socket.AF_INET,
    SocketAddrV6: socket.AF_INET6,
    UnixAddr: socket.AF_UNIX,
}
KIND_OF: Final[dict[type, int]] = {Stream: socket.SOCK_STREAM, Datagram: socket.SOCK_DGRAM}

# --- conversion to and from wl_addr -----------------------------------------

_U8x4 = ctypes.c_uint8 * 4
_U8x16 = ctypes.c_uint8 * 16


def _check_port(port: object) -> int:
    if not isinstance(port, int) or isinstance(port, bool):
        raise TypeError(f"port must be an int, not {type(port).__name__}")
    if not 0 <= port <= 65535:
        raise OverflowError(f"port must be 0-65535, got {port}")
    return port


def _ip_bytes(family: int, host: object) -> bytes:
    if not isinstance(host, str):
        raise TypeError(f"host must be a str, not {type(host).__name__}")
    try:
        return socket.inet_pton(family, host)
    except OSError:
        kind = "IPv4" if family == socket.AF_INET else "IPv6"
        raise ValueError(
            f"{host!r} is not a numeric {kind} address (resolve names with "
            f"SocketAddrV{4 if family == socket.AF_INET else 6}.resolve)"
        ) from None


def _scope(host: str, scope_id: int) -> tuple[str, int]:
    if "%" not in host:
        return host, scope_id
    host, _, scope = host.partition("%")
    sid = int(scope) if scope.isdigit() else socket.if_nametoindex(scope)
    if scope_id and scope_id != sid:
        raise ValueError(f"conflicting scope ids {sid} and {scope_id}")
    return host, sid


@functools.lru_cache(maxsize=1024)
def to_wl(addr: Address) -> _ffi.wl_addr:
    """The C form of ``addr`` (cached: callers must not modify the result)."""
    out = _ffi.wl_addr()
    if isinstance(addr, SocketAddrV4):
        ip = _ip_bytes(socket.AF_INET, addr.host)
        _ffi.wl_addr_ipv4(_U8x4.from_buffer_copy(ip), _check_port(addr.port), ctypes.byref(out))
    elif isinstance(addr, SocketAddrV6):
        host, scope_id = _scope(addr.host, addr.scope_id)
        ip = _ip_bytes(socket.AF_INET6, host)
        flowinfo = _check.uint(addr.flowinfo, 32, "flowinfo", "SocketAddrV6")
        scope_id = _check.uint(scope_id, 32, "scope_id", "SocketAddrV6")
        _ffi.wl_addr_ipv6(
            _U8x16.from_buffer_copy(ip),
            _check_port(addr.port),
            flowinfo,
            scope_id,
            ctypes.byref(out),
        )
    elif isinstance(addr, UnixAddr):
        if addr.is_unnamed:
            raise ValueError("the unnamed Unix address cannot be bound or connected to")
        name = addr.abstract_name
        if name is not None:
            buf = (ctypes.c_uint8 * max(len(name), 1)).from_buffer_copy(name.ljust(1, b"\0"))
            _ffi.wl_addr_unix_abstract(buf, len(name), ctypes.byref(out))
        else:
            _ffi.wl_addr_unix(addr._name, ctypes.byref(out))
    else:
        raise TypeError(f"expected a Wirelane address, got {type(addr).__name__}")
    return out


def coerce(family: int, addr: object) -> Address:
    """Accepts the typed address, or, for untyped callers, the
    :mod:`socket` module's form for ``family`` (a tuple or a path)."""
    if isinstance(addr, (SocketAddrV4, SocketAddrV6, UnixAddr)):
        return addr
    if family == socket.AF_INET and isinstance(addr, tuple) and len(addr) == 2:
        return SocketAddrV4(*addr)
    if family == socket.AF_INET6 and isinstance(addr, tuple) and 2 <= len(addr) <= 4:
        return SocketAddrV6(*addr)
    if family == socket.AF_UNIX and isinstance(addr, (str, bytes, os.PathLike)):
        return UnixAddr(addr)
    raise TypeError(
        f"expected a {_FAMILY_NAMES.get(family, family)} address, got {addr!r}"
    )


_FAMILY_NAMES: Final[dict[int, str]] = {
    socket.AF_INET: "SocketAddrV4",
    socket.AF_INET6: "SocketAddrV6",
    socket.AF_UNIX: "UnixAddr",
}


def from_wl(a: _ffi.wl_addr) -> Address:
    """The Python form of a ``wl_addr`` the library wrote."""
    raw = ctypes.string_at(ctypes.addressof(a), a.len)
    family = a.storage.ss_family
    if family == socket.AF_INET:
        return SocketAddrV4(socket.inet_ntop(socket.AF_INET, raw[4:8]), int.from_bytes(raw[2:4], "big"))
    if family == socket.AF_INET6:
        return SocketAddrV6(
            socket.inet_ntop(socket.AF_INET6, raw[8:24]),
            int.from_bytes(raw[2:4], "big"),
            int.from_bytes(raw[4:8], "big"),
            int.from_bytes(raw[24:28], sys.byteorder),
        )
    if family == socket.AF_UNIX:
        path = raw[2:]
        if not path:
            return UnixAddr.unnamed()
        if path[0] == 0:
            return UnixAddr(path)
        return UnixAddr(path.split(b"\0", 1)[0])
    raise OSError(f"unexpected address family {family} from the library")


def parse_address(text: str) -> Address:
    """Parses ``"127.0.0.1:80"``, ``"[::1]:80"``, a Unix path starting with
    ``/`` or ``.``, or ``"@name"`` (abstract); raises :class:`ValueError`."""
    out = _ffi.wl_addr()
    raw = _check.c_string(text, "text", "parse_address")
    try:
        _ffi.wl_addr_parse(raw, ctypes.byref(out))
    except OSError as e:
        raise ValueError(f"cannot parse socket address {text!r}: {e.strerror}") from None
    return from_wl(out)


def format_address(addr: Address) -> str:
    """The library's text form of ``addr`` (``wl_addr_format``)."""
    _check.instance(addr, (SocketAddrV4, SocketAddrV6, UnixAddr), "addr", "format_address")
    buf = ctypes.create_string_buffer(512)
    n = _ffi.wl_addr_format(ctypes.byref(to_wl(addr)), buf, len(buf))
    return buf.raw[:n].decode("utf-8", "replace")


# --- the receive paths' address buffers ------------------------------------


class _PooledAddr(_ffi.wl_addr):
    """A ``wl_addr`` with a byte view of itself, reused across receives."""

    __slots__ = ("raw", "addr", "ref", "views")

    def __init__(self) -> None:
        super().__init__()
        self.raw = memoryview(self).cast("B")
        self.addr: int = ctypes.addressof(self)
        # The argument of a _ffi.fast function. Not ctypes.byref(self): that
        # refers back to self invisibly to the cyclic collector (see Scratch).
        self.ref: Any = ctypes.c_void_p(self.addr)
        # Views of the first n bytes by n, made once: slicing a memoryview
        # per receive cost more than the rest of the address lookup.
        self.views: dict[int, memoryview] = {}


_ADDR_POOL: list[_PooledAddr] = []
_FROM_CACHE: dict[bytes, Address] = {}
_FROM_CACHE_MAX = 4096


def take_addr() -> _PooledAddr:
    """A ``wl_addr`` for a receive to write the sender into (from a pool
    shared by all threads: list ``pop``/``append`` are atomic)."""
    try:
        return _ADDR_POOL.pop()
    except IndexError:
        return _PooledAddr()


def give_addr(a: _PooledAddr) -> Address:
    """The Python form of what the library wrote into ``a`` (cached by its
    bytes: the address types are immutable), giving ``a`` back to the pool."""
    n = a.len
    view = a.views.get(n)
    if view is None:
        view = a.views[n] = a.raw[:n]
    key = view.tobytes()
    addr = _FROM_CACHE.get(key)
    if addr is None:
        addr = from_wl(a)
        if len(_FROM_CACHE) >= _FROM_CACHE_MAX:
            _FROM_CACHE.clear()
        _FROM_CACHE[key] = addr
    if len(_ADDR_POOL) < 32:
        _ADDR_POOL.append(a)
    return addr
