"""Builders: create, configure and bind/listen/connect in one call, over
``wl_listener_build``, ``wl_connector_connect[_nonblocking]`` and
``wl_datagram_bind``/``wl_datagram_connect``.

The configuration pieces are frozen dataclasses, defined once and reused
across builders (as the Rust ``ReuseConfig``/``TcpConfig``/``BufferConfig``).
Domain-only settings are typed on the domain: ``tcp`` and ``fastopen`` on
IPv4/IPv6 builders, ``only_v6`` on IPv6, ``broadcast`` on IPv4.
"""

from __future__ import annotations

import ctypes
import errno
import math
import time
from ctypes import POINTER, Structure, c_bool, c_char_p, c_int, c_size_t, c_uint32, c_uint64
from dataclasses import dataclass
from typing import Any, Callable, Generic, Self, TypeVar, Union

from . import _check, _ffi
from . import _prototypes as _p
from ._addr import FAMILY_OF, D, SocketAddrV4, SocketAddrV6, UnixAddr, coerce, to_wl
from ._base import KEY, SocketBase, TimeoutSocket, check_signals
from ._dgram import BoundDatagram, ConnectedDatagram
from ._base import default_timeout, sync_mode
from ._stream import Connection, Listener, PendingConnect

# --- C structures -------------------------------------------------------------


wl_reuse_config = _p.wl_reuse_config


wl_buffer_config = _p.wl_buffer_config


wl_keepalive_config = _p.wl_keepalive_config


wl_tcp_config = _p.wl_tcp_config


wl_listener_config = _p.wl_listener_config


wl_connector_config = _p.wl_connector_config


wl_datagram_config = _p.wl_datagram_config


_A = _ffi.AddrP



def _apply_on(sock: SocketBase[Any], apply: Callable[..., int], ctype: Any, cfg: Any) -> None:
    """Runs ``apply(&c, fd)`` with ``cfg`` filled into a new ``ctype``
    while ``sock`` is kept open."""
    c = ctype()
    cfg._fill(c)
    sock._call(lambda h: apply(ctypes.byref(c), sock._fd))


# --- reusable configuration ------------------------------------------------------


@dataclass(frozen=True)
class ReuseConfig:
    """Address reuse, set before ``bind`` (``socket(7)``). IPv4/IPv6 only."""

    addr: bool = False
    """``SO_REUSEADDR``: rebind a port still in ``TIME_WAIT``."""
    port: bool = False
    """``SO_REUSEPORT``: several sockets share one address and port."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "addr", _check.flag(self.addr, "addr", "ReuseConfig"))
        object.__setattr__(self, "port", _check.flag(self.port, "port", "ReuseConfig"))

    @classmethod
    def both(cls) -> ReuseConfig:
        """``SO_REUSEADDR`` and ``SO_REUSEPORT`` (load balancing)."""
        return cls(True, True)

    def _fill(self, c: wl_reuse_config) -> None:
        c.addr, c.port = self.addr, self.port

    def apply(self, sock: SocketBase[SocketAddrV4] | SocketBase[SocketAddrV6]) -> None:
        """Sets the options on any socket (before ``bind``); options left
        False are not touched."""
        _apply_on(sock, _p.wl_reuse_config_apply, wl_reuse_config, self)


@dataclass(frozen=True)
class BufferConfig:
    """Kernel buffer sizes in bytes (``SO_SNDBUF``/``SO_RCVBUF``); 0 keeps
    the default (and TCP autotuning)."""

    send: int = 0
    recv: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "send", _check.size(self.send, "send", "BufferConfig", _INT_MAX))
        object.__setattr__(self, "recv", _check.size(self.recv, "recv", "BufferConfig", _INT_MAX))

    @classmethod
    def both(cls, size: int) -> BufferConfig:
        """The same size for sending and receiving."""
        return cls(size, size)

    def _fill(self, c: wl_buffer_config) -> None:
        c.send, c.recv = _nonneg(self.send, "send"), _nonneg(self.recv, "recv")

    def apply(self, sock: SocketBase[Any]) -> None:
        """Sets the sizes on any socket (zero sizes are not touched); for
        TCP before ``listen``/``connect``."""
        _apply_on(sock, _p.wl_buffer_config_apply, wl_buffer_config, self)


@dataclass(frozen=True)
class KeepaliveConfig:
    """TCP keepalive (``tcp(7)``): turns ``SO_KEEPALIVE`` on; zero parts
    keep the ``net.ipv4.tcp_keepalive_*`` defaults."""

    idle: int = 0
    """Idle seconds before the first probe (``TCP_KEEPIDLE``)."""
    interval: int = 0
    """Seconds between probes (``TCP_KEEPINTVL``)."""
    count: int = 0
    """Unanswered probes before the connection drops (``TCP_KEEPCNT``)."""

    def __post_init__(self) -> None:
        for name in ("idle", "interval", "count"):
            object.__setattr__(self, name, _check.size(getattr(self, name), name, "KeepaliveConfig", _INT_MAX))

    def _fill(self, c: wl_keepalive_config) -> None:
        c.enable = True
        c.idle_secs = _nonneg(self.idle, "idle")
        c.interval_secs = _nonneg(self.interval, "interval")
        c.count = _nonneg(self.count, "count")

    def apply(self, sock: SocketBase[SocketAddrV4] | SocketBase[SocketAddrV6]) -> None:
        """Turns keepalive on for a TCP socket with these settings."""
        _apply_on(sock, _p.wl_keepalive_config_apply, wl_keepalive_config, self)


@dataclass(frozen=True)
class TcpConfig:
    """TCP settings (``tcp(7)``). On a listener Linux copies them to every
    accepted connection."""

    nodelay: bool = False
    """``TCP_NODELAY``: no Nagle delay."""
    keepalive: KeepaliveConfig | None = None
    """Keepalive, or ``None`` to leave it off."""
    user_timeout: float | None = None
    """``TCP_USER_TIMEOUT`` in seconds (millisecond precision), ``None`` for the default."""
    congestion: str | None = None
    """``TCP_CONGESTION`` algorithm (``"cubic"``, ``"bbr"`` ...), ``None`` for the default."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "nodelay", _check.flag(self.nodelay, "nodelay", "TcpConfig"))
        if self.keepalive is not None:
            _check.instance(self.keepalive, KeepaliveConfig, "keepalive", "TcpConfig")
        t = _check.seconds(self.user_timeout, "user_timeout", "TcpConfig")
        if t is not None and t * 1000 > _check.UINT32_MAX:
            raise OverflowError(f"TcpConfig() argument 'user_timeout' out of range: {self.user_timeout}")
        object.__setattr__(self, "user_timeout", t)
        if self.congestion is not None:
            _check.text(self.congestion, "congestion", "TcpConfig")

    def _fill(self, c: wl_tcp_config) -> None:
        c.nodelay = self.nodelay
        if self.keepalive is not None:
            self.keepalive._fill(c.keepalive)
        c.user_timeout_ms = _ms(self.user_timeout) if self.user_timeout else 0
        # ctypes keeps the bytes object alive with the structure.
        c.congestion = None if self.congestion is None else self.congestion.encode()

    def apply(self, sock: SocketBase[SocketAddrV4] | SocketBase[SocketAddrV6]) -> None:
        """Sets these TCP settings on a TCP socket; the first failure is
        raised (settings before it stay set)."""
        _apply_on(sock, _p.wl_tcp_config_apply, wl_tcp_config, self)


_INT_MAX = _check.INT_MAX
_DOMAINS = (SocketAddrV4, SocketAddrV6, UnixAddr)


def _nonneg(value: int, what: str) -> int:
    """A config count already checked by the dataclass (kept for the
    ``_fill`` calls)."""
    return value


def _uint32(value: Any, name: str, what: str) -> int:
    return _check.size(value, name, what, _check.UINT32_MAX)


def _cfg(cfg: Any, cls: type, name: str, what: str) -> Any:
    return _check.instance(cfg, cls, name, what)


def _ms(seconds: float) -> int:
    if seconds < 0:
        raise ValueError(f"a timeout must not be negative, got {seconds}")
    return max(1, math.ceil(seconds * 1000))


def _check_domain(domain: type, addr: object) -> Any:
    family = FAMILY_OF[domain]
    if addr is None:
        raise TypeError(f"expected a {domain.__name__} address, not None")
    a = coerce(family, addr)
    if not isinstance(a, domain):
        raise OSError(errno.EAFNOSUPPORT, f"{a!r} is not a {domain.__name__}")
    return to_wl(a)


_TS = TypeVar("_TS", bound=TimeoutSocket[Any])


def _built(cls: type[_TS], fns: _ffi.StateFns, out: Any, nonblocking: bool) -> _TS:
    """A built socket as ``cls``: non-blocking as configured, else in
    ``socket.getdefaulttimeout()``'s mode (closed if applying it fails)."""
    if nonblocking:
        return cls(KEY, fns, out, 0.0)
    return sync_mode(cls(KEY, fns, out, None), default_timeout())


# --- builders -------------------------------------------------------------------

# IP-only settings are typed on these (a TypeVar bound to a union is what
# mypy enforces on an explicit self type; a constrained one it does not).
_LB = TypeVar("_LB", bound=Union["ListenerBuilder[SocketAddrV4]", "ListenerBuilder[SocketAddrV6]"])
_CB = TypeVar("_CB", bound=Union["ConnectorBuilder[SocketAddrV4]", "ConnectorBuilder[SocketAddrV6]"])
_DB = TypeVar("_DB", bound=Union["DatagramBuilder[SocketAddrV4]", "DatagramBuilder[SocketAddrV6]"])


class _Builder(Generic[D]):
    """The settings every builder has (not public: use the builders)."""

    _c: Any
    """The C configuration (``wl_<kind>_config``) the builder fills in."""

    def reuse(self, cfg: ReuseConfig) -> Self:
        """Address reuse (IPv4/IPv6; for a connector, useful with
        :meth:`ConnectorBuilder.local_addr`)."""
        _cfg(cfg, ReuseConfig, "cfg", "reuse")._fill(self._c.reuse)
        return self

    def reuse_addr(self, enable: bool) -> Self:
        """``SO_REUSEADDR`` (a restarting server rebinds its port at once)."""
        self._c.reuse.addr = _check.flag(enable, "enable", "reuse_addr")
        return self

    def reuse_port(self, enable: bool) -> Self:
        """``SO_REUSEPORT`` (several listeners or receivers share the port)."""
        self._c.reuse.port = _check.flag(enable, "enable", "reuse_port")
        return self

    def buffers(self, cfg: BufferConfig) -> Self:
        """Buffer sizes (a listener's are inherited by accepted connections)."""
        _cfg(cfg, BufferConfig, "cfg", "buffers")._fill(self._c.buffers)
        return self


class ListenerBuilder(_Builder[D]):
    """Creates, configures, binds and listens in one call::

        listener = (ListenerBuilder(Ipv4).reuse_addr(True)
                    .tcp(TcpConfig(nodelay=True)).backlog(4096)
                    .bind(SocketAddrV4("0.0.0.0", 8080)))
    """

    def __init__(self, domain: type[D]) -> None:
        _check.one_of(domain, _DOMAINS, "domain", "ListenerBuilder")
        self._domain: type[D] = domain
        self._c = wl_listener_config()

    def backlog(self, backlog: int) -> Self:
        """The ``listen(2)`` backlog (default 128)."""
        self._c.backlog = _check.size(backlog, "backlog", "backlog", _INT_MAX)
        return self

    def nonblocking(self, enable: bool) -> Self:
        """A non-blocking listener (``accept`` raises ``BlockingIOError``
        when nobody is waiting)."""
        self._c.nonblocking = _check.flag(enable, "enable", "nonblocking")
        return self

    def tcp(self: _LB, cfg: TcpConfig) -> _LB:
        """TCP settings, inherited by accepted connections."""
        _cfg(cfg, TcpConfig, "cfg", "tcp")._fill(self._c.tcp)
        return self

    def fastopen(self: _LB, qlen: int) -> _LB:
        """The ``TCP_FASTOPEN`` queue length (0 leaves Fast Open off)."""
        self._c.fastopen_qlen = _uint32(qlen, "qlen", "fastopen")
        return self

    def only_v6(self: ListenerBuilder[SocketAddrV6], enable: bool) -> ListenerBuilder[SocketAddrV6]:
        """``IPV6_V6ONLY``: refuse IPv4-mapped clients."""
        self._c.only_v6 = _check.flag(enable, "enable", "only_v6")
        return self

    def bind(self, address: D) -> Listener[D]:
        """Creates the socket, applies the settings, binds and listens. On
        failure the socket is closed and ``OSError`` says which step failed."""
        addr = _check_domain(self._domain, address)
        out = _ffi.ListenerP()
        _p.wl_listener_build(ctypes.byref(self._c), ctypes.byref(addr), ctypes.byref(out))
        return _built(Listener, _ffi.LISTENER, out, self._c.nonblocking)


class ConnectorBuilder(_Builder[D]):
    """Creates, configures, optionally binds, and connects in one call::

        conn = ConnectorBuilder(Ipv4).tcp(TcpConfig(nodelay=True)).timeout(2.0).connect(peer)
    """

    def __init__(self, domain: type[D]) -> None:
        _check.one_of(domain, _DOMAINS, "domain", "ConnectorBuilder")
        self._domain: type[D] = domain
        self._c = wl_connector_config()
        self._local: Any = None
        self._timeout: float | None = None

    def tcp(self: _CB, cfg: TcpConfig) -> _CB:
        """TCP settings."""
        _cfg(cfg, TcpConfig, "cfg", "tcp")._fill(self._c.tcp)
        return self

    def local_addr(self, address: D) -> Self:
        """Binds to this local address (source port or interface) first."""
        self._local = _check_domain(self._domain, address)
        self._c.local_addr = ctypes.pointer(self._local)
        return self

    def timeout(self, seconds: float | None) -> Self:
        """Bounds a blocking :meth:`connect` (``TimeoutError`` after it)."""
        seconds = _check.seconds(seconds, "seconds", "timeout")
        if seconds is not None and seconds <= 0:
            raise ValueError("the connect timeout must be positive (or None)")
        self._timeout = seconds
        return self

    def nonblocking(self, enable: bool) -> Self:
        """Makes the connection non-blocking once connected (timeout 0.0)."""
        self._c.nonblocking = _check.flag(enable, "enable", "nonblocking")
        return self

    def connect(self, peer: D) -> Connection[D]:
        """Connects, blocking until the handshake completes or the timeout
        passes (``TimeoutError``). A signal runs Python's handlers (Ctrl-C
        raises ``KeyboardInterrupt``); otherwise the connect is retried
        with the time left (PEP 475)."""
        addr = _check_domain(self._domain, peer)
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        out = _ffi.ConnP()
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise TimeoutError("timed out")
            self._c.timeout_ms = 0 if left is None else _ms(left)
            try:
                _p.wl_connector_connect(ctypes.byref(self._c), ctypes.byref(addr), ctypes.byref(out))
                break
            except InterruptedError:
                check_signals()
        return _built(Connection, _ffi.CONN, out, self._c.nonblocking)

    def connect_nonblocking(self, peer: D) -> PendingConnect[D]:
        """Starts connecting without waiting; see :class:`PendingConnect`."""
        addr = _check_domain(self._domain, peer)
        out = _ffi.PendingP()
        _p.wl_connector_connect_nonblocking(ctypes.byref(self._c), ctypes.byref(addr), ctypes.byref(out))
        p: PendingConnect[D] = PendingConnect(KEY, _ffi.PENDING, out, 0.0)
        return p


class DatagramBuilder(_Builder[D]):
    """Creates, configures and binds or connects a datagram socket::

        sock = DatagramBuilder(Ipv4).bind(SocketAddrV4("0.0.0.0", 9000))
    """

    def __init__(self, domain: type[D]) -> None:
        _check.one_of(domain, _DOMAINS, "domain", "DatagramBuilder")
        self._domain: type[D] = domain
        self._c = wl_datagram_config()

    def nonblocking(self, enable: bool) -> Self:
        """A non-blocking socket (timeout 0.0)."""
        self._c.nonblocking = _check.flag(enable, "enable", "nonblocking")
        return self

    def ttl(self: _DB, ttl: int) -> _DB:
        """``IP_TTL`` / ``IPV6_UNICAST_HOPS`` (0 keeps the default)."""
        self._c.ttl = _uint32(ttl, "ttl", "ttl")
        return self

    def broadcast(self: DatagramBuilder[SocketAddrV4], enable: bool) -> DatagramBuilder[SocketAddrV4]:
        """``SO_BROADCAST``: allow sending to broadcast addresses."""
        self._c.broadcast = _check.flag(enable, "enable", "broadcast")
        return self

    def only_v6(self: DatagramBuilder[SocketAddrV6], enable: bool) -> DatagramBuilder[SocketAddrV6]:
        """``IPV6_V6ONLY``."""
        self._c.only_v6 = _check.flag(enable, "enable", "only_v6")
        return self

    def bind(self, address: D) -> BoundDatagram[D]:
        """Creates, configures and binds; it can then send to and receive
        from anyone."""
        addr = _check_domain(self._domain, address)
        out = _ffi.DgramP()
        _p.wl_datagram_bind(ctypes.byref(self._c), ctypes.byref(addr), ctypes.byref(out))
        return _built(BoundDatagram, _ffi.DGRAM, out, self._c.nonblocking)

    def connect(self, peer: D) -> ConnectedDatagram[D]:
        """Creates, configures and fixes the peer (nothing is sent)."""
        addr = _check_domain(self._domain, peer)
        out = _ffi.DgramConnP()
        _p.wl_datagram_connect(ctypes.byref(self._c), ctypes.byref(addr), ctypes.byref(out))
        return _built(ConnectedDatagram, _ffi.DGRAM_CONN, out, self._c.nonblocking)
