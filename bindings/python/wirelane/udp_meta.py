"""Per-datagram UDP metadata (``wirelane::meta`` through the C ABI's
``wl_dgram_set_recv_meta`` / ``wl_dgram_send_meta`` / ``wl_dgram_recv_meta``):
ECN, TTL / hop limit, destination address and interface, receive timestamp,
GRO segment size, and control-data truncation, for :class:`BoundDatagram`
of IPv4 or IPv6::

    from wirelane import udp_meta
    udp_meta.set_recv_meta(rx, ecn=True, ttl=True)
    udp_meta.send_meta(tx, b"hi", rx.getsockname(), ecn=udp_meta.CE, ttl=7)
    m = udp_meta.recv_meta(rx, bytearray(64))
    assert (m.ecn, m.ttl) == (udp_meta.CE, 7)
"""

from __future__ import annotations

import ctypes
import select
from ctypes import POINTER, Structure, c_bool, c_int, c_int64, c_size_t, c_ssize_t, c_uint8, c_uint16, c_uint32, c_void_p
from typing import Any, Callable, NamedTuple

from . import _ffi
from . import _prototypes as _p
from ._addr import Address, SocketAddrV4, SocketAddrV6, coerce, from_wl, to_wl
from ._buffers import readable, writable
from ._dgram import BoundDatagram

__all__ = ["NOT_ECT", "ECT1", "ECT0", "CE", "RecvMeta", "set_recv_meta", "send_meta", "recv_meta"]

NOT_ECT, ECT1, ECT0, CE = 0, 1, 2, 3
"""The ECN codepoints (RFC 3168)."""

_ECN, _ADDR, _TTL, _TIMESTAMP, _SEGMENT, _CTRUNC = 1, 2, 4, 8, 16, 32


wl_udp_recv_meta = _p.wl_udp_recv_meta


wl_udp_send_meta = _p.wl_udp_send_meta


_Fn = Callable[..., int]
_set: _Fn = _p.wl_dgram_set_recv_meta
_send: _Fn = _p.wl_dgram_send_meta
_recv: _Fn = _p.wl_dgram_recv_meta


class RecvMeta(NamedTuple):
    """One received datagram and its metadata (``None``: not received)."""

    nbytes: int
    """Bytes received into the buffer."""
    source: Address
    """The sender."""
    ecn: int | None
    """The ECN codepoint (0 to 3)."""
    ttl: int | None
    """The TTL / hop limit."""
    dst: str | None
    """The destination IP address in the IP header (which local address
    the peer sent to)."""
    ifindex: int | None
    """The interface the datagram arrived on."""
    timestamp_ns: int | None
    """The kernel's receive time, nanoseconds since the epoch."""
    gro_segment: int | None
    """The GRO segment size when several datagrams were coalesced."""
    control_truncated: bool
    """The control data was cut (``MSG_CTRUNC``): some metadata is missing."""


def set_recv_meta(
    sock: BoundDatagram[Any], *, ecn: bool = False, addr: bool = False, ttl: bool = False, timestamp: bool = False, on: bool = True
) -> None:
    """Turns the chosen receive-side metadata on (or, with ``on=False``,
    off): ``IP_RECVTOS``/``IPV6_RECVTCLASS``, pktinfo, ``IP_RECVTTL``/
    ``IPV6_RECVHOPLIMIT``, ``SO_TIMESTAMPNS``."""
    what = (_ECN if ecn else 0) | (_ADDR if addr else 0) | (_TTL if ttl else 0) | (_TIMESTAMP if timestamp else 0)
    sock._call(lambda h: _set(h, what, on))


def send_meta(
    sock: BoundDatagram[Any],
    data: Any,
    address: Any,
    *,
    ecn: int | None = None,
    ttl: int | None = None,
    src: Any = None,
    ifindex: int = 0,
    segment_size: int | None = None,
) -> int:
    """Sends ``data`` to ``address`` with per-datagram metadata: an ECN
    codepoint, a TTL / hop limit, a source address (``src``, an address of
    the socket's family; its port is ignored) and interface, a GSO segment
    size. Returns the bytes sent."""
    to = to_wl(coerce(sock._family, address))
    m = wl_udp_send_meta()
    if ecn is not None:
        m.present |= _ECN
        m.ecn = ecn
    if ttl is not None:
        m.present |= _TTL
        m.ttl = ttl
    if segment_size is not None:
        m.present |= _SEGMENT
        m.segment_size = segment_size
    if src is not None or ifindex:
        m.present |= _ADDR
        m.ifindex = ifindex
        if src is not None:
            m.src = to_wl(coerce(sock._family, src))
    ptr, n, pin = readable(data)
    try:
        return sock._io("send_meta()", select.POLLOUT, lambda h: _send(h, ptr, n, ctypes.byref(to), ctypes.byref(m)))
    finally:
        if pin is not None:
            pin.release()


def recv_meta(sock: BoundDatagram[Any], buffer: Any) -> RecvMeta:
    """Receives one datagram into ``buffer`` (no copy) with its metadata."""
    arr, n = writable(buffer, 0, "recv_meta")
    out = wl_udp_recv_meta()
    sock._io("recv_meta()", select.POLLIN, lambda h: _recv(h, arr, n, ctypes.byref(out)), eof_is_zero=True)
    p = out.present
    dst = None
    if p & _ADDR:
        d = from_wl(out.dst)
        dst = d.host if isinstance(d, (SocketAddrV4, SocketAddrV6)) else None
    return RecvMeta(
        out.len,
        from_wl(out.source),
        out.ecn if p & _ECN else None,
        out.ttl if p & _TTL else None,
        dst,
        out.ifindex if p & _ADDR else None,
        out.ts_sec * 1_000_000_000 + out.ts_nsec if p & _TIMESTAMP else None,
        out.gro_segment if p & _SEGMENT else None,
        bool(p & _CTRUNC),
    )
