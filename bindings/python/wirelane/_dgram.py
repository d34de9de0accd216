"""Datagram states: :class:`BoundDatagram` and :class:`ConnectedDatagram`."""

from __future__ import annotations

import ctypes
import select
import socket
from typing import Any, Iterable, final

from . import _ffi
from ._addr import D, UnixAddr, coerce, from_wl, to_wl
from ._base import KEY, TimeoutSocket
from ._buffers import IovecArray, readable, writable
from ._stream import _adopt, _blocking_timeout, _family_of, default_timeout

_IN = select.POLLIN
_OUT = select.POLLOUT


@final
class BoundDatagram(TimeoutSocket[D]):
    """A bound datagram socket (UDP, Unix datagram): it sends to and
    receives from anyone. From :meth:`RawSocket.bind` on a datagram
    socket; :meth:`connect` fixes one peer."""

    __slots__ = ()
    _TYPE = socket.SOCK_DGRAM

    @staticmethod
    def from_fd(fd: int, domain: type[D]) -> BoundDatagram[D]:
        """Adopts a bound, unconnected datagram socket's descriptor (checked
        by the library); on failure the caller still owns ``fd``."""
        h = _adopt(_ffi.DGRAM, fd, _family_of(domain))
        return BoundDatagram(KEY, _ffi.DGRAM, h, _blocking_timeout(_ffi.DGRAM, h))

    @staticmethod
    def from_socket(sock: socket.socket, domain: type[D]) -> BoundDatagram[D]:
        """Takes over a bound ``socket.socket`` (detached on success)."""
        timeout = sock.gettimeout()
        d = BoundDatagram.from_fd(sock.fileno(), domain)
        sock.detach()
        d._timeout = timeout
        return d

    def sendto(self, data: Any, address: D, flags: int = 0) -> int:
        """Sends one datagram to ``address`` (``sendto(2)``); returns its size."""
        addr = to_wl(coerce(self._family, address))
        ptr, n, pin = readable(data)
        try:
            return self._io(
                "sendto()", _OUT, lambda h: _ffi.wl_dgram_send_to(h, ptr, n, ctypes.byref(addr), flags)
            )
        finally:
            if pin is not None:
                pin.release()

    def recvfrom(self, bufsize: int, flags: int = 0) -> tuple[bytes, D]:
        """Receives one datagram (truncated to ``bufsize``) and its sender."""
        if bufsize < 0:
            raise ValueError("negative buffersize in recvfrom")
        buf = (ctypes.c_char * bufsize)()
        peer = _ffi.wl_addr()
        n = self._io(
            "recvfrom()",
            _IN,
            lambda h: _ffi.wl_dgram_recv_from(h, buf, bufsize, ctypes.byref(peer), flags),
            eof_is_zero=True,
        )
        return ctypes.string_at(buf, min(n, bufsize)), from_wl(peer)  # type: ignore[return-value]

    def recvfrom_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> tuple[int, D]:
        """Receives one datagram into a writable buffer without copying;
        returns its size and sender."""
        arr, n = writable(buffer, nbytes, "recvfrom_into")
        peer = _ffi.wl_addr()
        got = self._io(
            "recvfrom_into()",
            _IN,
            lambda h: _ffi.wl_dgram_recv_from(h, arr, n, ctypes.byref(peer), flags),
            eof_is_zero=True,
        )
        return got, from_wl(peer)  # type: ignore[return-value]

    def dup(self) -> BoundDatagram[D]:
        """A second object for the same socket (``F_DUPFD_CLOEXEC``)."""
        out = _ffi.DgramP()
        self._call(lambda h: _ffi.wl_dgram_try_clone(h, ctypes.byref(out)))
        d: BoundDatagram[D] = BoundDatagram(KEY, _ffi.DGRAM, out, self._timeout)
        return d

    def connect(self, address: D) -> ConnectedDatagram[D]:
        """Fixes the peer (``connect(2)``; nothing is sent) and returns the
        :class:`ConnectedDatagram`; this object is consumed. On failure it
        stays usable."""
        addr = to_wl(coerce(self._family, address))

        def call(h: Any) -> Any:
            out = _ffi.DgramConnP()
            _ffi.wl_dgram_connect(h, ctypes.byref(addr), ctypes.byref(out))
            return out

        new = self._transition("connect()", call, _ffi.DGRAM_CONN.free)
        c: ConnectedDatagram[D] = ConnectedDatagram(KEY, _ffi.DGRAM_CONN, new, self._timeout)
        return c


@final
class ConnectedDatagram(TimeoutSocket[D]):
    """A datagram socket locked to one peer: sends and receives take no
    address and the kernel drops datagrams from anyone else."""

    __slots__ = ()
    _TYPE = socket.SOCK_DGRAM

    @staticmethod
    def pair() -> tuple[ConnectedDatagram[UnixAddr], ConnectedDatagram[UnixAddr]]:
        """A pair of connected Unix datagram sockets (``socketpair(2)``)."""
        a, b = _ffi.DgramConnP(), _ffi.DgramConnP()
        _ffi.wl_dgram_conn_pair(ctypes.byref(a), ctypes.byref(b))
        t = default_timeout()
        first: ConnectedDatagram[UnixAddr] = ConnectedDatagram(KEY, _ffi.DGRAM_CONN, a, t)
        second: ConnectedDatagram[UnixAddr] = ConnectedDatagram(KEY, _ffi.DGRAM_CONN, b, t)
        if t is not None:
            try:
                first._set_mode(t)
                second._set_mode(t)
            except BaseException:
                first.close()
                second.close()
                raise
        return first, second

    @staticmethod
    def from_fd(fd: int, domain: type[D]) -> ConnectedDatagram[D]:
        """Adopts a connected datagram socket's descriptor (checked by the
        library); on failure the caller still owns ``fd``."""
        h = _adopt(_ffi.DGRAM_CONN, fd, _family_of(domain))
        return ConnectedDatagram(KEY, _ffi.DGRAM_CONN, h, _blocking_timeout(_ffi.DGRAM_CONN, h))

    @staticmethod
    def from_socket(sock: socket.socket, domain: type[D]) -> ConnectedDatagram[D]:
        """Takes over a connected datagram ``socket.socket`` (detached on success)."""
        timeout = sock.gettimeout()
        d = ConnectedDatagram.from_fd(sock.fileno(), domain)
        sock.detach()
        d._timeout = timeout
        return d

    def send(self, data: Any, flags: int = 0) -> int:
        """Sends one datagram to the peer; returns its size."""
        ptr, n, pin = readable(data)
        try:
            return self._io("send()", _OUT, lambda h: _ffi.wl_dgram_conn_send(h, ptr, n, flags))
        finally:
            if pin is not None:
                pin.release()

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        """Receives one datagram from the peer, truncated to ``bufsize``."""
        if bufsize < 0:
            raise ValueError("negative buffersize in recv")
        buf = (ctypes.c_char * bufsize)()
        n = self._io("recv()", _IN, lambda h: _ffi.wl_dgram_conn_recv(h, buf, bufsize, flags), eof_is_zero=True)
        return ctypes.string_at(buf, min(n, bufsize))

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        """Receives one datagram into a writable buffer without copying."""
        arr, n = writable(buffer, nbytes, "recv_into")
        return self._io("recv_into()", _IN, lambda h: _ffi.wl_dgram_conn_recv(h, arr, n, flags), eof_is_zero=True)

    def send_vectored(self, buffers: Iterable[Any]) -> int:
        """Sends one datagram gathered from several buffers (``sendmsg(2)``)."""
        iov = IovecArray(buffers, False, "send_vectored")
        try:
            return self._io(
                "send_vectored()", _OUT, lambda h: _ffi.wl_dgram_conn_send_vectored(h, iov.array, iov.count)
            )
        finally:
            iov.release()

    def recv_vectored(self, buffers: Iterable[Any]) -> int:
        """Receives one datagram scattered into several writable buffers."""
        iov = IovecArray(buffers, True, "recv_vectored")
        try:
            return self._io(
                "recv_vectored()",
                _IN,
                lambda h: _ffi.wl_dgram_conn_recv_vectored(h, iov.array, iov.count),
                eof_is_zero=True,
            )
        finally:
            iov.release()

    def getpeername(self) -> D:
        """The peer's address."""
        out = _ffi.wl_addr()
        self._call(lambda h: _ffi.wl_dgram_conn_peer_addr(h, ctypes.byref(out)))
        return from_wl(out)  # type: ignore[return-value]

    def dup(self) -> ConnectedDatagram[D]:
        """A second object for the same socket (``F_DUPFD_CLOEXEC``)."""
        out = _ffi.DgramConnP()
        self._call(lambda h: _ffi.wl_dgram_conn_try_clone(h, ctypes.byref(out)))
        d: ConnectedDatagram[D] = ConnectedDatagram(KEY, _ffi.DGRAM_CONN, out, self._timeout)
        return d
