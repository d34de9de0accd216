"""The starting state: :class:`RawSocket`."""

from __future__ import annotations

import ctypes
import errno
import os
import select
import socket
import time
from typing import Any, Generic, TypeVar, final, overload

from . import _check, _ffi
from ._addr import (
    FAMILY_OF,
    KIND_OF,
    D,
    Datagram,
    K,
    SocketAddrV4,
    SocketAddrV6,
    Stream,
    UnixAddr,
    coerce,
    to_wl,
)
from ._base import _CLOSED, _CLOSING, IPPROTO_MPTCP, KEY, TimeoutSocket, check_signals, default_timeout, sync_mode, wait_fd
from ._dgram import BoundDatagram, ConnectedDatagram
from ._stream import BoundSocket, Connection, PendingConnect, _adopt, _take_over

D2 = TypeVar("D2", SocketAddrV4, SocketAddrV6, UnixAddr)
K2 = TypeVar("K2", Stream, Datagram)


@final
class RawSocket(TimeoutSocket[D], Generic[D, K]):
    """A freshly created socket: not bound, not connected.

    ``RawSocket[Ipv4, Stream]`` (from :meth:`tcp4`) can :meth:`bind` (then
    listen), :meth:`connect` or :meth:`connect_nonblocking`;
    ``RawSocket[Ipv4, Datagram]`` (from :meth:`udp4`) can :meth:`bind` or
    :meth:`connect` to a fixed peer. A transition returns the next state's
    object and consumes this one; if it fails, this one stays usable.
    """

    __slots__ = ("_kind",)

    _kind: int

    # --- construction -------------------------------------------------------

    @staticmethod
    def new(domain: type[D2], kind: type[K2], protocol: int = 0) -> RawSocket[D2, K2]:
        """Creates a socket (``socket(2)``, close-on-exec) of ``domain``
        (``Ipv4``, ``Ipv6``, ``Unix``) and ``kind`` (``Stream``,
        ``Datagram``). It starts with ``socket.getdefaulttimeout()``.

        ``protocol`` is ``socket.socket``'s ``proto``: 0 picks the default;
        an internet stream also takes ``IPPROTO_TCP`` or ``IPPROTO_MPTCP``
        (Multipath TCP, see :meth:`mptcp4`), an internet datagram socket
        ``IPPROTO_UDP``; any other is ``OSError`` (``EPROTONOSUPPORT``)
        naming the ones accepted."""
        try:
            family, ty = FAMILY_OF[domain], KIND_OF[kind]
        except (KeyError, TypeError):
            raise TypeError("RawSocket.new(domain, kind): domain is Ipv4, Ipv6 or Unix; kind is Stream or Datagram") from None
        proto = _check.integer(protocol, "protocol", "RawSocket.new")
        out = _ffi.RawP()
        if proto == 0:
            _ffi.wl_raw_new(family, ty, ctypes.byref(out))
        else:
            _ffi.wl_raw_open(family, ty, proto, 0, ctypes.byref(out))  # blocking; the timeout is applied after
        sock: RawSocket[D2, K2] = RawSocket._wrap(out, default_timeout(), True)
        return sock

    @staticmethod
    def _wrap(handle: Any, timeout: float | None, sync: bool) -> RawSocket[Any, Any]:
        sock: RawSocket[Any, Any] = RawSocket(KEY, _ffi.RAW, handle, timeout)
        sock._kind = _ffi.wl_raw_type(handle)
        return sync_mode(sock, timeout) if sync else sock

    @staticmethod
    def tcp4() -> RawSocket[SocketAddrV4, Stream]:
        """A TCP/IPv4 socket."""
        return RawSocket.new(SocketAddrV4, Stream)

    @staticmethod
    def tcp6() -> RawSocket[SocketAddrV6, Stream]:
        """A TCP/IPv6 socket."""
        return RawSocket.new(SocketAddrV6, Stream)

    @staticmethod
    def mptcp4() -> RawSocket[SocketAddrV4, Stream]:
        """A Multipath TCP/IPv4 socket (``IPPROTO_MPTCP``, ``mptcp(7)``):
        the TCP states, and the kernel falls back to TCP with a peer that
        does not speak MPTCP. Where the kernel lacks MPTCP it raises
        ``OSError`` naming the cause: ``ENOPROTOOPT`` when
        ``net.mptcp.enabled`` is 0, ``EPROTONOSUPPORT`` without kernel
        support."""
        return RawSocket.new(SocketAddrV4, Stream, IPPROTO_MPTCP)

    @staticmethod
    def mptcp6() -> RawSocket[SocketAddrV6, Stream]:
        """A Multipath TCP/IPv6 socket; see :meth:`mptcp4`."""
        return RawSocket.new(SocketAddrV6, Stream, IPPROTO_MPTCP)

    @staticmethod
    def udp4() -> RawSocket[SocketAddrV4, Datagram]:
        """A UDP/IPv4 socket."""
        return RawSocket.new(SocketAddrV4, Datagram)

    @staticmethod
    def udp6() -> RawSocket[SocketAddrV6, Datagram]:
        """A UDP/IPv6 socket."""
        return RawSocket.new(SocketAddrV6, Datagram)

    @staticmethod
    def unix_stream() -> RawSocket[UnixAddr, Stream]:
        """A Unix stream socket."""
        return RawSocket.new(UnixAddr, Stream)

    @staticmethod
    def unix_datagram() -> RawSocket[UnixAddr, Datagram]:
        """A Unix datagram socket."""
        return RawSocket.new(UnixAddr, Datagram)

    @staticmethod
    def from_fd(fd: int, domain: type[D2], kind: type[K2]) -> RawSocket[D2, K2]:
        """Adopts a fresh (unbound, unconnected) socket's descriptor, checked
        by the library; on failure the caller still owns ``fd``."""
        try:
            family, ty = FAMILY_OF[domain], KIND_OF[kind]
        except (KeyError, TypeError):
            raise TypeError("domain is Ipv4, Ipv6 or Unix; kind is Stream or Datagram") from None
        h = _adopt(_ffi.RAW, fd, family)
        if _ffi.wl_raw_type(h) != ty:
            _ffi.RAW.into_fd(h)
            raise OSError(errno.EPROTOTYPE, f"descriptor {fd} is not a {kind.__name__} socket")
        timeout = 0.0 if _ffi.RAW.is_nonblocking(h) else None
        sock: RawSocket[D2, K2] = RawSocket._wrap(h, timeout, False)
        return sock

    @staticmethod
    def from_socket(sock: socket.socket, domain: type[D2], kind: type[K2]) -> RawSocket[D2, K2]:
        """Takes over a fresh ``socket.socket`` (detached on success)."""
        return _take_over(sock, lambda fd: RawSocket.from_fd(fd, domain, kind))

    @property
    def type(self) -> socket.SocketKind:
        """``SOCK_STREAM`` or ``SOCK_DGRAM``."""
        return socket.SocketKind(self._kind)

    # --- transitions ----------------------------------------------------------

    @overload
    def bind(self: RawSocket[D, Stream], address: D) -> BoundSocket[D]: ...

    @overload
    def bind(self: RawSocket[D, Datagram], address: D) -> BoundDatagram[D]: ...

    def bind(self, address: D) -> BoundSocket[D] | BoundDatagram[D]:
        """Binds to a local address (``bind(2)``; port 0 picks a free port)
        and returns a :class:`BoundSocket` (stream) or :class:`BoundDatagram`;
        this object is consumed. On failure (``OSError``, e.g.
        ``EADDRINUSE``) it stays usable: retry another address or close it."""
        addr = ctypes.byref(to_wl(coerce(self._family, address)))
        if self._kind == socket.SOCK_DGRAM:
            return self._into("bind()", _ffi.DGRAM, BoundDatagram, _ffi.wl_raw_bind_dgram, addr)
        return self._into("bind()", _ffi.BOUND, BoundSocket, _ffi.wl_raw_bind, addr)

    @overload
    def connect(self: RawSocket[D, Stream], address: D) -> Connection[D]: ...

    @overload
    def connect(self: RawSocket[D, Datagram], address: D) -> ConnectedDatagram[D]: ...

    def connect(self, address: D) -> Connection[D] | ConnectedDatagram[D]:
        """Connects and returns a :class:`Connection` (stream) or fixes the
        peer of a datagram socket and returns a :class:`ConnectedDatagram`;
        this object is consumed.

        A stream connect follows ``socket.connect``: blocking mode waits for
        the handshake; with a timeout it raises ``TimeoutError`` when the
        handshake takes longer; non-blocking mode raises
        ``BlockingIOError`` (``EINPROGRESS``), and calling ``connect``
        again once the socket is writable returns the connection. A signal
        runs Python's handlers (Ctrl-C raises ``KeyboardInterrupt``) and
        otherwise the wait continues (PEP 475). On any failure this object
        stays usable.
        """
        addr = to_wl(coerce(self._family, address))
        if self._kind == socket.SOCK_DGRAM:
            return self._into("connect()", _ffi.DGRAM_CONN, ConnectedDatagram, _ffi.wl_raw_connect_dgram, ctypes.byref(addr))
        c: Connection[D] = Connection(
            KEY, _ffi.CONN, self._transition("connect()", lambda h: self._connect_stream(h, addr), _ffi.CONN.free), self._timeout
        )
        return c

    def _connect_stream(self, h: Any, addr: _ffi.wl_addr) -> Any:
        """The stream connect, inside the transition: returns the new
        ``wl_conn`` handle (``h`` consumed) or raises (``h`` still owned)."""
        timeout = self._timeout
        deadline = time.monotonic() + timeout if timeout else None
        out = _ffi.ConnP()
        try:
            _ffi.wl_raw_connect(h, ctypes.byref(addr), ctypes.byref(out))
            return out
        except OSError as e:
            # (An earlier interrupted or non-blocking connect that completed
            # is a success of wl_raw_connect itself, the kernel's EISCONN for
            # the same peer; EISCONN raised here means another peer.)
            if e.errno == errno.EINTR:
                if self._state == _CLOSING:
                    raise
                check_signals()
            elif e.errno != errno.EINPROGRESS or timeout == 0:
                raise
            elif timeout is None:
                # A blocking connect only stops early when SO_SNDTIMEO expires.
                raise TimeoutError(errno.EINPROGRESS, "timed out (SO_SNDTIMEO)") from None
        # The handshake continues in the kernel: wait for it as CPython does
        # (poll for writability, then SO_ERROR).
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left < 0:
                raise TimeoutError("timed out")
            ready = wait_fd(self._fd, select.POLLOUT, left)
            if self._state == _CLOSING:
                raise OSError(errno.EBADF, "socket closed during connect()")
            if not ready:
                raise TimeoutError("timed out")
            err = ctypes.c_int()
            _ffi.RAW.take_error(h, ctypes.byref(err))
            if err.value in (0, errno.EISCONN):
                return self._adopt_connected(h)
            if err.value == errno.EINTR:
                continue
            raise OSError(err.value, os.strerror(err.value))

    def _adopt_connected(self, h: Any) -> Any:
        """Turns the (now connected) raw handle into a ``wl_conn`` through
        its descriptor. If the library refuses (the connection died
        meanwhile), the descriptor is re-adopted as this raw socket."""
        fd = _ffi.RAW.into_fd(h)
        try:
            return _adopt(_ffi.CONN, fd, None)
        except OSError:
            try:
                raw = _adopt(_ffi.RAW, fd, None)
            except OSError:
                os.close(fd)
                with self._lock:
                    self._set_handle(None)
                    self._state = _CLOSED
                raise OSError(errno.ENOTCONN, "connect(): the connection was lost and the socket closed") from None
            with self._lock:
                self._set_handle(raw)
            raise

    def connect_nonblocking(self: RawSocket[D, Stream], address: D) -> PendingConnect[D]:
        """Starts a stream connect without waiting and returns the
        :class:`PendingConnect`; this object is consumed. An immediate
        failure leaves it usable."""
        addr = ctypes.byref(to_wl(coerce(self._family, address)))
        return self._into("connect_nonblocking()", _ffi.PENDING, PendingConnect, _ffi.wl_raw_connect_nonblocking, addr, timeout=0.0)
