"""Connect by name: :func:`create_connection` (the stdlib's, with RFC 8305
Happy Eyeballs) and :func:`resolve` (every address of a name).

Resolution is the stdlib's ``socket.getaddrinfo`` (so errors are the same
``socket.gaierror``); the race runs in the library (``wl_connector``):
both families interleaved, a new attempt every ``happy_eyeballs_delay`` or
as soon as one fails, the first handshake wins and every other attempt is
closed.
"""

from __future__ import annotations

import ctypes
import errno
import math
import os
import socket
from ctypes import POINTER, Structure, c_char_p, c_int, c_size_t, c_uint8, c_uint16, c_uint32
from typing import Any, Final, Sequence, Union

from . import _check, _ffi
from . import _prototypes as _p
from ._addr import SocketAddrV4, SocketAddrV6, from_wl, to_wl
from ._base import KEY, check_signals, parse_timeout
from ._dgram import ConnectedDatagram
from ._raw import RawSocket
from ._stream import Connection

InetAddress = Union[SocketAddrV4, SocketAddrV6]
"""An IPv4 or IPv6 socket address."""

DEFAULT_HAPPY_EYEBALLS_DELAY: Final = 0.25
"""RFC 8305's Connection Attempt Delay, in seconds."""


# --- the C ABI --------------------------------------------------------------


wl_connect_opts = _p.wl_connect_opts


wl_connect_failure = _p.wl_connect_failure


wl_connector = _p.wl_connector


_I = c_int
ConnectorP: Final = POINTER(wl_connector)
OptsP: Final = POINTER(wl_connect_opts)

wl_connect_by_name = _p.wl_connect_by_name
wl_dgram_connect_by_name = _p.wl_dgram_connect_by_name
wl_connector_start = _p.wl_connector_start
wl_connector_start_addrs = _p.wl_connector_start_addrs
wl_connector_fds = _p.wl_connector_fds
wl_connector_timeout_ms = _p.wl_connector_timeout_ms
wl_connector_step = _p.wl_connector_step
wl_connector_wait = _p.wl_connector_wait
wl_connector_failures = _p.wl_connector_failures
wl_connector_free = _p.wl_connector_free


# --- resolution -------------------------------------------------------------


def resolve(host: str | None, port: int | str | None, type: int = socket.SOCK_STREAM) -> list[InetAddress]:
    """Every address of ``host`` (``socket.getaddrinfo``, so /etc/hosts,
    DNS and search domains behave as in the stdlib), typed by family, in
    the resolver's order (RFC 6724), duplicates removed. Raises
    ``socket.gaierror`` as the stdlib does."""
    if host is not None:
        host = _check.text(host, "host", "resolve")
    if port is not None:
        port = _port(port, "port", "resolve")
    return _typed(socket.getaddrinfo(host, port, 0, type))


def _typed(infos: list[tuple[Any, ...]]) -> list[InetAddress]:
    """``getaddrinfo`` results as typed addresses, in order, without
    duplicates (other families are skipped)."""
    out: list[InetAddress] = []
    for family, _, _, _, sa in infos:
        addr: InetAddress
        if family == socket.AF_INET:
            addr = SocketAddrV4(str(sa[0]), int(sa[1]))
        elif family == socket.AF_INET6:
            addr = SocketAddrV6(str(sa[0]), int(sa[1]), int(sa[2]), int(sa[3]))
        else:
            continue
        if addr not in out:
            out.append(addr)
    return out


def _source(source_address: tuple[str, int] | None) -> InetAddress | None:
    """The typed source address (``('', 0)`` or ``None``: none)."""
    if source_address is None:
        return None
    host, port = source_address
    if not host:
        if port == 0:
            return None
        raise ValueError(
            "source_address: give the source host too (a connect by name binds one family, "
            "so '' cannot mean both wildcards)"
        )
    addrs = resolve(host, port)
    if not addrs:
        raise OSError(errno.EADDRNOTAVAIL, f"source_address {source_address!r} has no address")
    return addrs[0]


# --- the race ---------------------------------------------------------------


_DEFAULT_OPTS: Final = wl_connect_opts()
"""All defaults (250 ms attempt delay, no attempt timeout, no source)."""


class _Race:
    """One ``wl_connector``: fds, timeout, step, failures; closes every
    attempt in flight when closed. ``timeout`` bounds each attempt
    (``attempt_timeout_ms``), as the stdlib's ``create_connection`` does."""

    __slots__ = ("_h", "_keep")

    def __init__(
        self,
        host: str,
        addrs: Sequence[InetAddress],
        timeout: float | None,
        source: InetAddress | None,
        delay: float,
    ) -> None:
        # One address (the common case): its cached wl_addr, no array.
        arr: Any = (
            ctypes.byref(to_wl(addrs[0]))
            if len(addrs) == 1
            else (_ffi.wl_addr * len(addrs))(*(to_wl(a) for a in addrs))
        )
        src = None
        if timeout is None and source is None and delay == DEFAULT_HAPPY_EYEBALLS_DELAY:
            opts = _DEFAULT_OPTS  # read-only in the library
        else:
            opts = wl_connect_opts()
            opts.attempt_delay_ms = max(1, min(math.ceil(delay * 1000), 0xFFFFFFFF))
            if timeout is not None:
                opts.attempt_timeout_ms = max(1, min(math.ceil(timeout * 1000), 0xFFFFFFFF))
            if source is not None:
                src = _ffi.wl_addr.from_buffer_copy(to_wl(source))
                opts.source = ctypes.pointer(src)
        self._keep = (arr, src, opts)
        self._h = ConnectorP()
        wl_connector_start_addrs(
            host.encode(), arr, len(addrs), ctypes.byref(opts), ctypes.byref(self._h)
        )

    def fds(self) -> list[int]:
        """The attempts in flight: wait until one is writable."""
        buf = (c_int * 8)()
        n = wl_connector_fds(self._h, buf, 8)
        if n > 8:
            buf = (c_int * n)()
            n = wl_connector_fds(self._h, buf, n)
        return list(buf[:n])

    def timeout(self) -> float | None:
        """Seconds until the next step is due at the latest (None: none)."""
        ms = c_int()
        wl_connector_timeout_ms(self._h, ctypes.byref(ms))
        return None if ms.value < 0 else ms.value / 1000

    def step(self) -> Any:
        """The winning ``wl_conn`` handle, or ``None`` while the race goes
        on; raises the final ``OSError`` once it is lost."""
        out = _ffi.ConnP()
        try:
            wl_connector_step(self._h, ctypes.byref(out))
        except BlockingIOError:
            return None
        self._h = ConnectorP()  # consumed by the successful step
        return out

    def wait(self) -> Any:
        """Blocks in the library until the race is won (the ``wl_conn``
        handle) or lost (raises); a signal runs the Python handlers (which
        may raise) and the wait resumes, as PEP 475 asks."""
        out = _ffi.ConnP()
        while True:
            try:
                wl_connector_wait(self._h, ctypes.byref(out))
            except InterruptedError:
                check_signals()
                continue
            self._h = ConnectorP()  # consumed by the win
            return out

    def failures(self) -> list[OSError]:
        """Each failed attempt as an ``OSError`` naming its address."""
        n = wl_connector_failures(self._h, None, 0)
        buf = (wl_connect_failure * max(n, 1))()
        n = wl_connector_failures(self._h, buf, n)
        out = []
        for f in buf[:n]:
            addr = from_wl(f.addr)
            out.append(OSError(f.error, f"{addr}: {errno_text(f.error)}"))
        return out

    def close(self) -> None:
        """Closes every attempt in flight (a no-op after a win)."""
        if self._h:
            wl_connector_free(self._h)
            self._h = ConnectorP()


def errno_text(code: int) -> str:
    """``os.strerror``, e.g. ``"Connection refused"``."""
    return os.strerror(code)


def _lost(race: _Race, error: OSError, all_errors: bool) -> BaseException:
    """What a lost race raises: the final error (its message names every
    attempt), or with ``all_errors`` an ``ExceptionGroup`` of each."""
    if all_errors:
        return ExceptionGroup("create_connection failed", race.failures() or [error])
    return error


class _DefaultTimeout:
    """The stdlib's ``socket._GLOBAL_DEFAULT_TIMEOUT``: "use
    ``socket.getdefaulttimeout()``"."""

    def __repr__(self) -> str:
        return "<default timeout>"


GLOBAL_DEFAULT_TIMEOUT: Final = _DefaultTimeout()


def _host_port(address: object, name: str, what: str, host_may_be_none: bool = True) -> tuple[str | None, int | str]:
    """``address`` checked as the stdlib's ``(host, port)`` pair: a tuple
    of two, the host a ``str`` (or ``None``), the port an ``int`` in range
    or a service name."""
    if not isinstance(address, tuple) or len(address) != 2:
        raise TypeError(f"{what}() argument '{name}' must be a (host, port) tuple, not {_check._tname(address)}")
    host, port = address
    if not (host is None and host_may_be_none):
        host = _check.text(host, f"{name}[0]", what)
    return host, _port(port, f"{name}[1]", what)


def _port(port: object, name: str, what: str) -> int | str:
    """A port number (0..65535) or a service name, as getaddrinfo takes."""
    if isinstance(port, str):
        return _check.text(port, name, what)
    return _check.uint(port, 16, name, what)


def _prepare(
    address: tuple[str | None, int | str],
    timeout: object,
    source_address: tuple[str, int] | None,
    what: str = "create_connection",
) -> tuple[str, list[InetAddress], float | None, InetAddress | None]:
    host, port = _host_port(address, "address", what)
    if source_address is not None:
        _host_port(source_address, "source_address", what, host_may_be_none=False)
    t = socket.getdefaulttimeout() if isinstance(timeout, _DefaultTimeout) else _check.seconds(timeout, "timeout", what)
    addrs = resolve(host, port)
    source = _source(source_address)
    if not addrs:
        raise OSError(errno.ENOENT, f"getaddrinfo returns an empty list for {host!r}")
    return str(host), addrs, t, source


def create_connection(
    address: tuple[str | None, int | str],
    timeout: float | None | _DefaultTimeout = GLOBAL_DEFAULT_TIMEOUT,
    source_address: tuple[str, int] | None = None,
    *,
    all_errors: bool = False,
    happy_eyeballs_delay: float = DEFAULT_HAPPY_EYEBALLS_DELAY,
) -> Connection[Any]:
    """Connects to ``address`` (a ``(host, port)`` pair), as
    ``socket.create_connection`` does, and returns a
    :class:`~wirelane.Connection` (``Connection[Ipv4]`` or
    ``Connection[Ipv6]``: check ``family`` or ``getpeername()``).

    As in the stdlib: the name is resolved with ``getaddrinfo``
    (``socket.gaierror`` if that fails; ``timeout`` does not bound it);
    ``timeout`` (default ``socket.getdefaulttimeout()``) bounds *each
    connection attempt* -- an address with no answer within it fails with
    ``TimeoutError``, its socket is closed and the next address is tried
    -- and is then set on the returned connection (``settimeout``), so a
    name with n silent addresses fails after about n times ``timeout``,
    as ``socket.create_connection`` does; ``source_address`` is bound first
    (only addresses of its family are tried); when every address fails the
    last error is raised -- its message lists every address and its error
    -- or, with ``all_errors=True``, an ``ExceptionGroup`` of each.

    Unlike the stdlib, the addresses are raced following RFC 8305 (Happy
    Eyeballs): both families interleaved, a new attempt every
    ``happy_eyeballs_delay`` seconds (as asyncio's ``happy_eyeballs_delay``)
    or as soon as one fails (a timed-out attempt included), the first
    handshake wins, every other attempt is closed. Each attempt keeps its
    own ``timeout`` while later ones start beside it, so a silent first
    address costs one ``happy_eyeballs_delay`` (when it is shorter than
    ``timeout``), not one ``timeout`` as in the stdlib.
    """
    all_errors = _check.flag(all_errors, "all_errors", "create_connection")
    happy_eyeballs_delay = _check.seconds(happy_eyeballs_delay, "happy_eyeballs_delay", "create_connection", allow_none=False)  # type: ignore[assignment]
    host, addrs, t, source = _prepare(address, timeout, source_address)
    if t == 0.0:
        raise BlockingIOError(errno.EINPROGRESS, "timeout=0: a non-blocking connect is still in progress")
    race = _Race(host, addrs, t, source, happy_eyeballs_delay)
    try:
        try:
            handle = race.wait()
        except OSError as e:
            raise _lost(race, e, all_errors) from None
        return _connection(handle, t)
    finally:
        race.close()


def _connection(handle: Any, timeout: float | None) -> Connection[Any]:
    """Wraps the (non-blocking) winner in the mode ``timeout`` asks for."""
    conn: Connection[Any] = Connection(KEY, _ffi.CONN, handle, 0.0)
    if timeout != 0.0:
        try:
            conn.settimeout(timeout)
        except BaseException:
            conn.close()
            raise
    return conn


def connect_datagram(
    address: tuple[str | None, int | str],
    source_address: tuple[str, int] | None = None,
    *,
    all_errors: bool = False,
) -> ConnectedDatagram[Any]:
    """"Connects" a UDP socket by name: resolves ``address`` like
    :func:`create_connection` (``socket.gaierror``) and returns a
    :class:`~wirelane.ConnectedDatagram` locked to the first address the
    kernel accepts. A datagram ``connect(2)`` sends nothing, so there is
    no handshake to race; an address without a route (``ENETUNREACH``) is
    skipped and its socket closed. ``source_address`` is bound first (only
    its family is tried); when every address fails the last error is
    raised, or with ``all_errors=True`` an ``ExceptionGroup`` of each."""
    host, port = _host_port(address, "address", "connect_datagram")
    if source_address is not None:
        _host_port(source_address, "source_address", "connect_datagram", host_may_be_none=False)
    all_errors = _check.flag(all_errors, "all_errors", "connect_datagram")
    addrs = resolve(host, port, socket.SOCK_DGRAM)
    source = _source(source_address)
    if source is not None:
        addrs = [a for a in addrs if isinstance(a, type(source))]
    if not addrs:
        raise OSError(errno.ENOENT, f"getaddrinfo returns no usable address for {host!r}")
    errors: list[OSError] = []
    for addr in addrs:
        raw: Any = RawSocket.udp4() if isinstance(addr, SocketAddrV4) else RawSocket.udp6()
        try:
            if source is not None:
                raw = raw.bind(source)
            conn: ConnectedDatagram[Any] = raw.connect(addr)
            return conn
        except OSError as e:
            raw.close()
            errors.append(OSError(e.errno, f"{addr}: {e.strerror}"))
    if all_errors:
        raise ExceptionGroup("connect_datagram failed", errors)
    last = errors[-1]
    raise OSError(last.errno, f"could not connect to {host}:{port}: " + "; ".join(str(e.strerror) for e in errors))


__all__ = [
    "DEFAULT_HAPPY_EYEBALLS_DELAY",
    "InetAddress",
    "connect_datagram",
    "create_connection",
    "resolve",
]
