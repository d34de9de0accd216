"""Per-datagram UDP metadata (``wirelane::meta`` through the C ABI's
``wl_dgram_set_recv_meta`` / ``wl_dgram_send_meta`` / ``wl_dgram_recv_meta``
and their ``wl_dgram_conn_*`` and batch forms): ECN, TTL / hop limit,
destination address and interface, receive timestamp, GRO segment size, and
control-data truncation, for :class:`BoundDatagram` and
:class:`ConnectedDatagram` of IPv4 or IPv6, and per slot of a
:class:`SendBatch` / :class:`RecvBatch`::

    from wirelane import udp_meta
    udp_meta.set_recv_meta(rx, ecn=True, ttl=True)
    udp_meta.send_meta(tx, b"hi", rx.getsockname(), ecn=udp_meta.CE, ttl=7)
    m = udp_meta.recv_meta(rx, bytearray(64))
    assert (m.ecn, m.ttl) == (udp_meta.CE, 7)

On a connected socket ``send_meta(conn, b"hi", ecn=udp_meta.CE)`` takes no
address. The error queue and path MTU are in :mod:`wirelane.udp_errors`,
raw control messages in :mod:`wirelane.cmsg`.
"""

from __future__ import annotations

import ctypes
import select
from typing import Any, Callable, NamedTuple, Union, overload

from . import _check
from . import _prototypes as _p
from ._addr import Address, SocketAddrV4, SocketAddrV6, coerce, from_wl, to_wl
from ._batch import RecvBatch, SendBatch
from ._buffers import readable, writable
from ._dgram import BoundDatagram, ConnectedDatagram

__all__ = [
    "NOT_ECT",
    "ECT1",
    "ECT0",
    "CE",
    "RecvMeta",
    "set_recv_meta",
    "send_meta",
    "recv_meta",
    "push_meta",
    "batch_meta",
]

NOT_ECT, ECT1, ECT0, CE = 0, 1, 2, 3
"""The ECN codepoints (RFC 3168)."""

_ECN, _ADDR, _TTL, _TIMESTAMP, _SEGMENT, _CTRUNC, _ERRORS = 1, 2, 4, 8, 16, 32, 64
_SOFTWARE_TIMESTAMP = 128


wl_udp_recv_meta = _p.wl_udp_recv_meta


wl_udp_send_meta = _p.wl_udp_send_meta


_Fn = Callable[..., int]
_set: _Fn = _p.wl_dgram_set_recv_meta
_send: _Fn = _p.wl_dgram_send_meta
_recv: _Fn = _p.wl_dgram_recv_meta
_conn_set: _Fn = _p.wl_dgram_conn_set_recv_meta
_conn_send: _Fn = _p.wl_dgram_conn_send_meta
_conn_recv: _Fn = _p.wl_dgram_conn_recv_meta
_push_meta: _Fn = _p.wl_send_batch_push_meta
_batch_meta: _Fn = _p.wl_recv_batch_meta

AnyDatagram = Union[BoundDatagram[Any], ConnectedDatagram[Any]]
"""A UDP socket of either datagram state."""


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


def _is_conn(sock: Any, what: str) -> bool:
    """Whether ``sock`` is connected; ``TypeError`` for anything but a
    datagram state."""
    if isinstance(sock, ConnectedDatagram):
        return True
    if isinstance(sock, BoundDatagram):
        return False
    raise TypeError(f"{what} expects a BoundDatagram or ConnectedDatagram, not {type(sock).__name__}")


def set_recv_meta(
    sock: AnyDatagram,
    *,
    ecn: bool = False,
    addr: bool = False,
    ttl: bool = False,
    timestamp: bool = False,
    errors: bool = False,
    software_timestamp: bool = False,
    on: bool = True,
) -> None:
    """Turns the chosen receive-side metadata on (or, with ``on=False``,
    off): ``IP_RECVTOS``/``IPV6_RECVTCLASS``, pktinfo, ``IP_RECVTTL``/
    ``IPV6_RECVHOPLIMIT``, ``SO_TIMESTAMPNS``, with ``errors`` the
    error queue (``IP_RECVERR``/``IPV6_RECVERR``, read with
    :func:`wirelane.udp_errors.recv_error`), and with
    ``software_timestamp`` software receive stamps through
    ``SO_TIMESTAMPING`` (reported as ``timestamp_ns``)."""
    what = (
        (_ECN if ecn else 0)
        | (_ADDR if addr else 0)
        | (_TTL if ttl else 0)
        | (_TIMESTAMP if timestamp else 0)
        | (_ERRORS if errors else 0)
        | (_SOFTWARE_TIMESTAMP if software_timestamp else 0)
    )
    fn = _conn_set if _is_conn(sock, "set_recv_meta") else _set
    sock._call(lambda h: fn(h, what, on))


def _send_struct(
    family: int, ecn: int | None, ttl: int | None, src: Any, ifindex: int, segment_size: int | None
) -> Any:
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
            m.src = to_wl(coerce(family, src))
    return m


@overload
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
) -> int: ...
@overload
def send_meta(
    sock: ConnectedDatagram[Any],
    data: Any,
    *,
    ecn: int | None = None,
    ttl: int | None = None,
    src: Any = None,
    ifindex: int = 0,
    segment_size: int | None = None,
) -> int: ...


def send_meta(
    sock: Any,
    data: Any,
    address: Any = None,
    *,
    ecn: int | None = None,
    ttl: int | None = None,
    src: Any = None,
    ifindex: int = 0,
    segment_size: int | None = None,
) -> int:
    """Sends ``data`` to ``address`` (a bound socket) or to the peer (a
    connected one, no address) with per-datagram metadata: an ECN
    codepoint, a TTL / hop limit, a source address (``src``, an address of
    the socket's family; its port is ignored) and interface, a GSO segment
    size. Returns the bytes sent."""
    conn = _is_conn(sock, "send_meta")
    if conn and address is not None:
        raise TypeError("send_meta on a ConnectedDatagram takes no address (it sends to the peer)")
    if not conn and address is None:
        raise TypeError("send_meta on a BoundDatagram needs the destination address")
    m = _send_struct(sock._family, ecn, ttl, src, ifindex, segment_size)
    ptr, n, pin = readable(data)
    try:
        sent: int
        if conn:
            sent = sock._io("send_meta()", select.POLLOUT, lambda h: _conn_send(h, ptr, n, ctypes.byref(m)))
        else:
            to = to_wl(coerce(sock._family, address))
            sent = sock._io(
                "send_meta()", select.POLLOUT, lambda h: _send(h, ptr, n, ctypes.byref(to), ctypes.byref(m))
            )
        return sent
    finally:
        if pin is not None:
            pin.release()


def _recv_meta_of(out: Any) -> RecvMeta:
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


def recv_meta(sock: AnyDatagram, buffer: Any) -> RecvMeta:
    """Receives one datagram into ``buffer`` (no copy) with its metadata
    (on a connected socket, from the peer)."""
    fn = _conn_recv if _is_conn(sock, "recv_meta") else _recv
    arr, n = writable(buffer, 0, "recv_meta")
    out = wl_udp_recv_meta()
    sock._io("recv_meta()", select.POLLIN, lambda h: fn(h, arr, n, ctypes.byref(out)), eof_is_zero=True)
    return _recv_meta_of(out)


def push_meta(
    batch: SendBatch[Any],
    data: Any,
    to: Any = None,
    *,
    ecn: int | None = None,
    ttl: int | None = None,
    src: Any = None,
    ifindex: int = 0,
    segment_size: int | None = None,
) -> None:
    """Queues ``data`` for ``to`` (``None``: a connected socket's peer) in
    ``batch`` with its own metadata (``SendBatch::push_with_meta``): every
    message of one ``sendmmsg`` may carry a different ECN mark, TTL,
    source or GSO segment size. Raises ``OSError(ENOBUFS)`` when the batch
    is full and ``OSError(EINVAL)`` for bad metadata (nothing queued)."""
    if not isinstance(batch, SendBatch):
        raise TypeError(f"push_meta expects a SendBatch, not {type(batch).__name__}")
    batch._live()  # a closed batch is refused before the metadata is checked
    m = _send_struct(batch._family, ecn, ttl, src, ifindex, segment_size)
    batch._push(data, to, _push_meta, ctypes.byref(m))


def batch_meta(batch: RecvBatch[Any], index: int) -> RecvMeta:
    """The metadata of datagram ``index`` of the last receive into
    ``batch``, from that slot's own control data (slots never mix their
    metadata); ``nbytes`` is what the slot holds."""
    if not isinstance(batch, RecvBatch):
        raise TypeError(f"batch_meta expects a RecvBatch, not {type(batch).__name__}")
    h = batch._live()
    index = _check.index(index, len(batch), "RecvBatch")
    out = wl_udp_recv_meta()
    _batch_meta(h, index, ctypes.byref(out))
    return _recv_meta_of(out)
