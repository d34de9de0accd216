"""The UDP error queue and path MTU discovery (``wirelane::meta`` through
``wl_dgram_recv_error`` / ``wl_dgram_conn_recv_error``,
``wl_dgram[_conn]_set_mtu_discover`` / ``_mtu_discover`` and
``wl_dgram_conn_path_mtu``), for :class:`BoundDatagram` and
:class:`ConnectedDatagram` of IPv4 or IPv6::

    from wirelane import udp_errors
    udp_errors.set_recv_errors(conn)
    conn.send(b"ping")              # to a closed port
    e = udp_errors.recv_error(conn)  # once the ICMP error arrived
    assert e.errno == errno.ECONNREFUSED and e.offender == "127.0.0.1"

With ``IP_RECVERR`` / ``IPV6_RECVERR`` on, the kernel queues each ICMP (and
local) error with its details instead of only failing the next call; a
queued error makes the socket readable (``POLLERR``).
"""

from __future__ import annotations

import ctypes
import errno as _errno
from ctypes import c_int, c_uint32
from typing import Any, Callable, NamedTuple

from . import _prototypes as _p
from ._addr import Address, SocketAddrV4, SocketAddrV6, from_wl
from ._buffers import writable
from ._dgram import BoundDatagram, ConnectedDatagram
from .udp_meta import AnyDatagram, _is_conn, set_recv_meta

__all__ = [
    "ORIGIN_NONE",
    "ORIGIN_LOCAL",
    "ORIGIN_ICMP",
    "ORIGIN_ICMP6",
    "PMTUDISC_DONT",
    "PMTUDISC_WANT",
    "PMTUDISC_DO",
    "PMTUDISC_PROBE",
    "PMTUDISC_INTERFACE",
    "PMTUDISC_OMIT",
    "QueuedError",
    "set_recv_errors",
    "recv_error",
    "set_mtu_discover",
    "mtu_discover",
    "path_mtu",
]

ORIGIN_NONE, ORIGIN_LOCAL, ORIGIN_ICMP, ORIGIN_ICMP6 = 0, 1, 2, 3
"""Where a queued error came from (``SO_EE_ORIGIN_*``)."""

PMTUDISC_DONT, PMTUDISC_WANT, PMTUDISC_DO, PMTUDISC_PROBE, PMTUDISC_INTERFACE, PMTUDISC_OMIT = 0, 1, 2, 3, 4, 5
"""The path MTU discovery modes (``IP_PMTUDISC_*``, ``ip(7)``): ``DO`` sets
DF and fails sends above the path MTU with ``EMSGSIZE``; ``PROBE`` sets DF
and ignores the path MTU (QUIC's own probing)."""

_Fn = Callable[..., int]
_recv_error: _Fn = _p.wl_dgram_recv_error
_set_mode: _Fn = _p.wl_dgram_set_mtu_discover


class QueuedError(NamedTuple):
    """One error from the error queue (the kernel's ``sock_extended_err``)."""

    errno: int
    """``ee_errno``: ``ECONNREFUSED`` for ICMP port unreachable,
    ``EMSGSIZE`` for "fragmentation needed", ..."""
    origin: int
    """``ORIGIN_LOCAL``, ``ORIGIN_ICMP``, ``ORIGIN_ICMP6``, ..."""
    icmp_type: int
    """The ICMP type for ICMP origins."""
    icmp_code: int
    """The ICMP code for ICMP origins."""
    info: int
    """``ee_info``: for ``EMSGSIZE``, the path MTU the router reported."""
    data: int
    """``ee_data``."""
    offender: str | None
    """The address of the node that reported the error (``SO_EE_OFFENDER``);
    ``None`` for local errors."""
    destination: Address | None
    """Where the offending datagram was going, when the kernel said."""
    nbytes: int
    """Bytes of the offending datagram's payload copied into the buffer."""

    def as_oserror(self) -> OSError:
        """The error as the stdlib's ``OSError`` subclass
        (``ConnectionRefusedError`` ...), naming the offender."""
        text = _errno.errorcode.get(self.errno, str(self.errno))
        by = f" reported by {self.offender}" if self.offender else ""
        return OSError(self.errno, f"queued {text}{by}")


def set_recv_errors(sock: AnyDatagram, on: bool = True) -> None:
    """Queues ICMP and local errors with their details (``IP_RECVERR`` /
    ``IPV6_RECVERR``); read them with :func:`recv_error`."""
    set_recv_meta(sock, errors=True, on=on)


def _host(addr: Any) -> str | None:
    if addr.len == 0:
        return None
    a = from_wl(addr)
    return a.host if isinstance(a, (SocketAddrV4, SocketAddrV6)) else None


def recv_error(sock: AnyDatagram, buffer: Any = None) -> QueuedError:
    """Reads one queued error (``MSG_ERRQUEUE``); the offending datagram's
    payload goes into ``buffer`` when given. Never waits: an empty queue
    raises ``BlockingIOError`` (wait for readability, as
    :meth:`wirelane.aio.AsyncBoundDatagram.recv_error` does)."""
    fn = _p.wl_dgram_conn_recv_error if _is_conn(sock, "recv_error") else _recv_error
    arr: Any
    if buffer is None:
        arr, n = None, 0
    else:
        arr, n = writable(buffer, 0, "recv_error")
    out = _p.wl_udp_queued_error()
    sock._call(lambda h: fn(h, arr, n, ctypes.byref(out)))
    return _queued_of(out)


def _queued_of(out: Any) -> QueuedError:
    """The Python form of a ``wl_udp_queued_error``."""
    dest = from_wl(out.destination) if out.destination.len else None
    return QueuedError(
        out.error,
        out.origin,
        out.icmp_type,
        out.icmp_code,
        out.info,
        out.data,
        _host(out.offender),
        dest,
        out.len,
    )


def set_mtu_discover(sock: AnyDatagram, mode: int) -> None:
    """Sets the path MTU discovery mode (``IP_MTU_DISCOVER`` /
    ``IPV6_MTU_DISCOVER``) to one of ``PMTUDISC_*``; ``OSError(EINVAL)``
    for another value."""
    fn = _p.wl_dgram_conn_set_mtu_discover if _is_conn(sock, "set_mtu_discover") else _set_mode
    sock._call(lambda h: fn(h, int(mode)))


def mtu_discover(sock: AnyDatagram) -> int:
    """The path MTU discovery mode (one of ``PMTUDISC_*``)."""
    fn = _p.wl_dgram_conn_mtu_discover if _is_conn(sock, "mtu_discover") else _p.wl_dgram_mtu_discover
    out = c_int()
    sock._call(lambda h: fn(h, ctypes.byref(out)))
    return out.value


def path_mtu(sock: ConnectedDatagram[Any]) -> int:
    """The path MTU the kernel knows towards the peer (``IP_MTU`` /
    ``IPV6_MTU``): a connected socket only."""
    if not isinstance(sock, ConnectedDatagram):
        if isinstance(sock, BoundDatagram):
            raise TypeError("path_mtu needs a ConnectedDatagram: the path MTU is known towards one peer")
        raise TypeError(f"path_mtu expects a ConnectedDatagram, not {type(sock).__name__}")
    out = c_uint32()
    sock._call(lambda h: _p.wl_dgram_conn_path_mtu(h, ctypes.byref(out)))
    return out.value
