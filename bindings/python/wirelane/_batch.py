"""Batched datagrams (``sendmmsg``/``recvmmsg``, one syscall per batch) and
UDP GSO/GRO, over ``wl_send_batch``, ``wl_recv_batch``,
``wl_dgram[_conn]_sendmmsg`` and the segmented send / GRO receive calls.

The socket methods that use these live on :class:`~wirelane.BoundDatagram`
and :class:`~wirelane.ConnectedDatagram`.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, Structure, c_bool, c_int, c_size_t, c_ssize_t, c_uint8, c_uint16, c_void_p
from typing import Any, Callable, Generic, Iterator, NamedTuple, TypeVar, Union, final

from . import _check, _ffi
from . import _prototypes as _p
from ._addr import FAMILY_OF, D, SocketAddrV4, SocketAddrV6, UnixAddr, coerce, from_wl, to_wl
from ._buffers import Pinned
from ._owned import Owned

MAX_BATCH: int = 1024
"""``WL_MAX_BATCH``: the most messages one batch call handles."""
MSG_WAITFORONE: int = 65536
"""``WL_MSG_WAITFORONE``: a batch receive waits for one datagram, then takes
what else is queued without waiting."""
MAX_UDP_SEGMENTS: int = 64
"""``WL_MAX_UDP_SEGMENTS``: the most segments one GSO send may carry."""


wl_mmsg = _p.wl_mmsg


wl_recv_msg = _p.wl_recv_msg


wl_segmented_send = _p.wl_segmented_send


wl_gro_recv = _p.wl_gro_recv


wl_send_batch = _p.wl_send_batch


wl_recv_batch = _p.wl_recv_batch


SendBatchP = POINTER(wl_send_batch)
RecvBatchP = POINTER(wl_recv_batch)
_Fn = Callable[..., int]
_I, _S, _Z = c_int, c_ssize_t, c_size_t
_A = _ffi.AddrP

send_batch_new: _Fn = _p.wl_send_batch_new
send_batch_free: Callable[[Any], None] = _p.wl_send_batch_free
send_batch_push: _Fn = _p.wl_send_batch_push
send_batch_len: _Fn = _p.wl_send_batch_len
send_batch_capacity: _Fn = _p.wl_send_batch_capacity
send_batch_clear: _Fn = _p.wl_send_batch_clear
send_batch_remove_sent: _Fn = _p.wl_send_batch_remove_sent
send_batch_sent: _Fn = _p.wl_send_batch_sent
send_batch_sent_len: _Fn = _p.wl_send_batch_sent_len
dgram_send_batch: _Fn = _p.wl_dgram_send_batch
dgram_conn_send_batch: _Fn = _p.wl_dgram_conn_send_batch
dgram_sendmmsg: _Fn = _p.wl_dgram_sendmmsg
dgram_conn_sendmmsg: _Fn = _p.wl_dgram_conn_sendmmsg
recv_batch_new: _Fn = _p.wl_recv_batch_new
recv_batch_free: Callable[[Any], None] = _p.wl_recv_batch_free
recv_batch_len: _Fn = _p.wl_recv_batch_len
recv_batch_capacity: _Fn = _p.wl_recv_batch_capacity
recv_batch_slot_size: _Fn = _p.wl_recv_batch_slot_size
recv_batch_get: _Fn = _p.wl_recv_batch_get
dgram_recv_batch: _Fn = _p.wl_dgram_recv_batch
dgram_conn_recv_batch: _Fn = _p.wl_dgram_conn_recv_batch
max_udp_payload_c: _Fn = _p.wl_max_udp_payload
dgram_conn_send_segmented: _Fn = _p.wl_dgram_conn_send_segmented
dgram_send_to_segmented: _Fn = _p.wl_dgram_send_to_segmented
dgram_recv_gro: _Fn = _p.wl_dgram_recv_gro
dgram_conn_recv_gro: _Fn = _p.wl_dgram_conn_recv_gro


def max_udp_payload(domain: type[D]) -> int:
    """The largest UDP payload one send may carry (65507 over IPv4, 65527
    over IPv6): the bound on a whole GSO buffer."""
    _check.one_of(domain, _DOMAINS, "domain", "max_udp_payload")
    return max_udp_payload_c(FAMILY_OF[domain])


_DOMAINS = (SocketAddrV4, SocketAddrV6, UnixAddr)

A = TypeVar("A", bound=Union[SocketAddrV4, SocketAddrV6, UnixAddr])
"""The sender's address type in a result."""


class SegmentedSend(NamedTuple):
    """What a GSO send did."""

    bytes: int
    """Payload bytes sent, over all datagrams."""
    datagrams: int
    """Datagrams sent."""
    offloaded: bool
    """True when the kernel segmented one send (GSO); False when it refused
    and the segments went out through ``sendmmsg``."""
    fallback_errno: int
    """The kernel's error for the refused GSO send, 0 when offloaded."""


class GroRecv(NamedTuple, Generic[A]):
    """One receive with GRO information (from ``recv_gro``)."""

    len: int
    """Bytes received into the buffer."""
    segment_size: int
    """The coalesced datagrams' size: split the buffer every
    ``segment_size`` bytes (the last piece may be shorter); 0 for one
    datagram."""
    truncated: bool
    """The data was longer than the buffer."""
    source: A
    """The sender."""

    def segments(self, buffer: Any) -> list[memoryview]:
        """The datagrams in ``buffer`` (views, no copies)."""
        view = memoryview(buffer).cast("B")[: self.len]
        step = self.segment_size or self.len or 1
        return [view[i : i + step] for i in range(0, self.len, step)]


class RecvMsg(NamedTuple, Generic[A]):
    """One datagram of a :class:`RecvBatch` (a copy of its bytes)."""

    data: bytes
    """The bytes received (at most the slot size)."""
    len: int
    """The bytes received, or with ``MSG_TRUNC`` the datagram's real length."""
    flags: int
    """The kernel's ``msg_flags``."""
    truncated: bool
    """The datagram was longer than its slot and was cut."""
    gro_segment: int
    """The ``UDP_GRO`` segment size when several datagrams were coalesced
    into this one (split ``data`` every ``gro_segment`` bytes), else 0."""
    source: A
    """The sender."""


@final
class SendBatch(Owned, Generic[D]):
    """A reusable batch of outgoing datagrams for one ``sendmmsg(2)``.

    ``push`` queues a payload (not copied: the batch pins it until it is
    sent, cleared or removed); ``send_batch`` on a datagram socket sends
    every queued message in one syscall. Not thread-safe.
    """

    __slots__ = ("_h", "_family", "_pins")
    _free = send_batch_free
    _CLOSED = "this SendBatch is closed"

    def __init__(self, domain: type[D], capacity: int = 64) -> None:
        self._h: Any = None
        self._pins: list[Any] = []
        _check.one_of(domain, _DOMAINS, "domain", "SendBatch")
        cap = _check.size(capacity, "capacity", "SendBatch")
        self._family = FAMILY_OF[domain]
        out = SendBatchP()
        send_batch_new(self._family, cap, ctypes.byref(out))
        self._h = out

    def push(self, data: Any, to: D | None = None) -> None:
        """Queues ``data`` (any bytes-like object) for ``to``, or for a
        connected socket's peer when ``to`` is ``None``. Raises
        ``OSError(ENOBUFS)`` when the batch is full (nothing queued)."""
        self._push(data, to, send_batch_push)

    def _push(self, data: Any, to: Any, push: Callable[..., int], *meta: Any) -> None:
        """``push(h, ptr, n, &to or NULL, *meta)``; ``data`` stays pinned
        (or referenced) until the batch is cleared or freed."""
        h = self._live()
        addr = None if to is None else ctypes.byref(to_wl(coerce(self._family, to)))
        ptr: Any
        keep: Any
        if type(data) is bytes:
            keep = data
            ptr, n = data, len(data)
        else:
            keep = Pinned(data)
            ptr, n = c_void_p(keep.address), keep.nbytes
        try:
            push(h, ptr, n, addr, *meta)
        except BaseException:
            if isinstance(keep, Pinned):
                keep.release()
            raise
        self._pins.append(keep)

    def __len__(self) -> int:
        return send_batch_len(self._live())

    @property
    def capacity(self) -> int:
        """How many messages the batch holds."""
        return send_batch_capacity(self._live())

    @property
    def sent(self) -> int:
        """How many messages the last send sent (the first ones)."""
        return send_batch_sent(self._live())

    def sent_lens(self) -> list[int]:
        """The bytes sent for each message the last send sent."""
        h = self._live()
        out = c_size_t()
        lens = []
        for i in range(send_batch_sent(h)):
            send_batch_sent_len(h, i, ctypes.byref(out))
            lens.append(out.value)
        return lens

    def remove_sent(self) -> None:
        """Drops the messages the last send sent, keeping the rest queued
        for a retry."""
        h = self._live()
        n = send_batch_sent(h)
        send_batch_remove_sent(h)
        self._unpin(self._pins[:n])
        del self._pins[:n]

    def clear(self) -> None:
        """Empties the batch (the payloads are released)."""
        send_batch_clear(self._live())
        self._unpin(self._pins)
        self._pins.clear()

    @staticmethod
    def _unpin(pins: list[Any]) -> None:
        for p in pins:
            if isinstance(p, Pinned):
                p.release()

    def close(self) -> None:
        """Frees the batch and releases the payloads (idempotent)."""
        super().close()
        self._unpin(self._pins)
        self._pins.clear()


@final
class RecvBatch(Owned, Generic[D]):
    """A reusable batch of receive slots for one ``recvmmsg(2)``: ``count``
    slots of ``slot_size`` bytes (65536 for UDP GRO), allocated once.
    After ``recv_batch`` on a datagram socket, index or iterate it for the
    datagrams of that receive. Not thread-safe."""

    __slots__ = ("_h",)
    _free = recv_batch_free
    _CLOSED = "this RecvBatch is closed"

    def __init__(self, domain: type[D], count: int = 64, slot_size: int = 2048) -> None:
        self._h: Any = None
        _check.one_of(domain, _DOMAINS, "domain", "RecvBatch")
        n = _check.size(count, "count", "RecvBatch")
        slot = _check.size(slot_size, "slot_size", "RecvBatch")
        out = RecvBatchP()
        recv_batch_new(FAMILY_OF[domain], n, slot, ctypes.byref(out))
        self._h = out

    def __len__(self) -> int:
        """How many datagrams the last receive delivered."""
        return recv_batch_len(self._live())

    @property
    def capacity(self) -> int:
        """The number of slots."""
        return recv_batch_capacity(self._live())

    @property
    def slot_size(self) -> int:
        """Each slot's size in bytes."""
        out = c_size_t()
        recv_batch_slot_size(self._live(), ctypes.byref(out))
        return out.value

    def __getitem__(self, index: int) -> RecvMsg[D]:
        h = self._live()
        index = _check.index(index, recv_batch_len(h), "RecvBatch")
        m = wl_recv_msg()
        recv_batch_get(h, index, ctypes.byref(m))
        data = ctypes.string_at(m.data, m.data_len) if m.data_len else b""
        src: D = from_wl(m.source)  # type: ignore[assignment]
        return RecvMsg(data, m.len, m.flags, bool(m.truncated), m.gro_segment, src)

    def __iter__(self) -> Iterator[RecvMsg[D]]:
        for i in range(len(self)):
            yield self[i]



def mmsg_array(family: int, messages: Any) -> tuple[Any, int, list[Pinned], list[Any]]:
    """A ``wl_mmsg`` array for ``(data, address)`` pairs, with the pins and
    addresses it borrows."""
    items = list(messages)
    if len(items) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} messages per call, got {len(items)}")
    arr = (wl_mmsg * max(len(items), 1))()
    pins: list[Pinned] = []
    addrs: list[Any] = []
    try:
        for i, (data, to) in enumerate(items):
            pin = Pinned(data)
            pins.append(pin)
            addr = to_wl(coerce(family, to))
            addrs.append(addr)
            arr[i].buf = pin.address
            arr[i].len = pin.nbytes
            arr[i].to = ctypes.pointer(addr)
    except BaseException:
        for p in pins:
            p.release()
        raise
    return arr, len(items), pins, addrs
