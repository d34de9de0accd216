"""Raw IP sockets (``SOCK_RAW``, see ``raw(7)``), one class per state,
generic over the internet domain: :class:`RawIpSocket` → :class:`BoundRawIp`
(any host) → :class:`ConnectedRawIp` (one host).

They need ``CAP_NET_RAW`` in the user namespace owning the current network
namespace (without it: ``PermissionError`` saying so; an unprivileged
process can get it in namespaces of its own, ``unshare -Urn``). A socket
carries one IP protocol; it receives every packet of that protocol, IPv4
ones with the IP header in front, IPv6 ones without. Ports mean nothing.
"""

from __future__ import annotations

import ctypes
import select
import socket
from ctypes import POINTER
from typing import Any, Final, Generic, final

from . import _check, _ffi
from . import _prototypes as _p
from ._addr import SocketAddrV4, SocketAddrV6, coerce, from_wl, to_wl
from ._base import TimeoutSocket
from ._buffers import int_arg, size_arg
from ._icmp import I, I2, _family
from ._seqpacket import new_socket
from ._stream import _adopted

__all__ = ["BoundRawIp", "ConnectedRawIp", "RawIpSocket"]

_IN = select.POLLIN

RAWIP_RAW: Final = _ffi._state("wl_rawip_raw", POINTER(_p.wl_rawip_raw))
RAWIP_BOUND: Final = _ffi._state("wl_rawip", POINTER(_p.wl_rawip))
RAWIP_CONN: Final = _ffi._state("wl_rawip_conn", POINTER(_p.wl_rawip_conn))

_PACKET: Final = 65535


class _RawIp(TimeoutSocket[I]):
    """What the three raw IP states share."""

    __slots__ = ()
    _TYPE = socket.SOCK_RAW

    @property
    def proto(self) -> int:
        """The IP protocol number (``SO_PROTOCOL``)."""
        with socket.socket(fileno=self._fd) as s:
            try:
                return s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL)
            finally:
                s.detach()


@final
class RawIpSocket(_RawIp[I], Generic[I]):
    """A fresh raw IP socket of one protocol: :meth:`bind` or
    :meth:`connect`. A transition consumes this object; a failed one raises
    ``OSError`` and leaves it usable."""

    __slots__ = ()

    @staticmethod
    def new(domain: type[I2], protocol: int) -> RawIpSocket[I2]:
        """Creates a raw socket of ``domain`` (``Ipv4``, ``Ipv6``) for IP
        protocol ``protocol`` (1..255, e.g. ``socket.IPPROTO_UDP``)."""
        family = _family(domain)
        p = _check.integer(protocol, "protocol", "RawIpSocket.new")
        return new_socket(RawIpSocket, RAWIP_RAW, _p.wl_rawip_raw_new, family, p)

    @staticmethod
    def v4(protocol: int) -> RawIpSocket[SocketAddrV4]:
        """A raw IPv4 socket for ``protocol``."""
        return RawIpSocket.new(SocketAddrV4, protocol)

    @staticmethod
    def v6(protocol: int) -> RawIpSocket[SocketAddrV6]:
        """A raw IPv6 socket for ``protocol``."""
        return RawIpSocket.new(SocketAddrV6, protocol)

    @staticmethod
    def from_fd(fd: int, domain: type[I2]) -> RawIpSocket[I2]:
        """Adopts a fresh raw IP socket's descriptor, checked by the library."""
        return _adopted(RawIpSocket, RAWIP_RAW, fd, _family(domain))

    def bind(self, address: I) -> BoundRawIp[I]:
        """Binds to a local address (``bind(2)``; the port is ignored) and
        returns the :class:`BoundRawIp`; consumes this."""
        addr = ctypes.byref(to_wl(coerce(self._family, address)))
        return self._into("bind()", RAWIP_BOUND, BoundRawIp, _p.wl_rawip_raw_bind, addr)

    def connect(self, address: I) -> ConnectedRawIp[I]:
        """Fixes the peer host (``connect(2)``; nothing is sent) and returns
        the :class:`ConnectedRawIp`; consumes this."""
        addr = ctypes.byref(to_wl(coerce(self._family, address)))
        return self._into("connect()", RAWIP_CONN, ConnectedRawIp, _p.wl_rawip_raw_connect, addr)


@final
class BoundRawIp(_RawIp[I], Generic[I]):
    """A bound raw IP socket: :meth:`sendto` any host, :meth:`recvfrom`
    every packet of its protocol."""

    __slots__ = ()

    @staticmethod
    def from_fd(fd: int, domain: type[I2]) -> BoundRawIp[I2]:
        """Adopts a bound, unconnected raw IP socket's descriptor."""
        return _adopted(BoundRawIp, RAWIP_BOUND, fd, _family(domain))

    def sendto(self, data: Any, address: I, flags: int = 0) -> int:
        """Sends one packet payload to ``address`` (``sendto(2)``; the kernel
        writes the IP header); returns its size."""
        to = to_wl(coerce(self._family, address))
        fl = int_arg(flags, "flags", "sendto")
        return self._send_buffer("sendto()", data, lambda h, ptr, n: _p.wl_rawip_send_to(h, ptr, n, ctypes.byref(to), fl))

    def recvfrom(self, bufsize: int = _PACKET, flags: int = 0) -> tuple[bytes, I]:
        """Receives one packet (truncated to ``bufsize``; IPv4 ones start
        with their IP header) and its sender."""
        size = size_arg(bufsize, "bufsize", "recvfrom")
        fl = int_arg(flags, "flags", "recvfrom")
        buf = ctypes.create_string_buffer(size)
        peer = _ffi.wl_addr()
        n = self._io("recvfrom()", _IN, lambda h: _p.wl_rawip_recv_from(h, buf, size, ctypes.byref(peer), fl))
        addr: I = from_wl(peer)  # type: ignore[assignment]
        return buf.raw[: min(n, size)], addr

    def connect(self, address: I) -> ConnectedRawIp[I]:
        """Fixes the peer host (``connect(2)``) and returns the
        :class:`ConnectedRawIp`; consumes this."""
        addr = ctypes.byref(to_wl(coerce(self._family, address)))
        return self._into("connect()", RAWIP_CONN, ConnectedRawIp, _p.wl_rawip_connect, addr)


@final
class ConnectedRawIp(_RawIp[I], Generic[I]):
    """A raw IP socket locked to one host: :meth:`send` and :meth:`recv`
    take no address."""

    __slots__ = ()

    @staticmethod
    def from_fd(fd: int, domain: type[I2]) -> ConnectedRawIp[I2]:
        """Adopts a connected raw IP socket's descriptor."""
        return _adopted(ConnectedRawIp, RAWIP_CONN, fd, _family(domain))

    def send(self, data: Any, flags: int = 0) -> int:
        """Sends one packet payload to the connected host; returns its size."""
        fl = int_arg(flags, "flags", "send")
        return self._send_buffer("send()", data, lambda h, ptr, n: _p.wl_rawip_conn_send(h, ptr, n, fl))

    def recv(self, bufsize: int = _PACKET, flags: int = 0) -> bytes:
        """Receives one packet from the connected host (truncated to
        ``bufsize``; IPv4 ones start with their IP header)."""
        size = size_arg(bufsize, "bufsize", "recv")
        fl = int_arg(flags, "flags", "recv")
        buf = ctypes.create_string_buffer(size)
        n = self._io("recv()", _IN, lambda h: _p.wl_rawip_conn_recv(h, buf, size, fl))
        return buf.raw[: min(n, size)]
