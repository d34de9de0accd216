"""``recvmmsg(2)`` straight into your own buffers, with per-slot sender and
metadata (``wirelane::meta::RecvSlots`` through ``wl_recv_slots``): the
zero-copy batch receive, for :class:`BoundDatagram` and
:class:`ConnectedDatagram` of IPv4 or IPv6::

    from wirelane import SocketAddrV4, udp_meta, udp_slots
    bufs = [bytearray(1500) for _ in range(32)]
    with udp_slots.RecvSlots(SocketAddrV4, 32) as slots:
        n = udp_slots.recv_slots(sock, slots, bufs)
        for i in range(n):
            m = slots.meta(i)            # udp_meta.RecvMeta: nbytes, source, ecn, ttl, ...
            packet = memoryview(bufs[i])[: m.nbytes]

Each slot has its own control space, so slots never mix their metadata.
"""

from __future__ import annotations

import ctypes
import select
from ctypes import POINTER, c_int, c_size_t, c_uint8
from typing import Any, Callable, Generic, Sequence, final

from . import _check
from . import _prototypes as _p
from ._addr import FAMILY_OF, D, SocketAddrV4, SocketAddrV6
from ._buffers import IovecArray
from ._owned import Owned
from .cmsg import ControlMessage, parse
from .udp_meta import AnyDatagram, RecvMeta, _is_conn, _recv_meta_of, wl_udp_recv_meta

__all__ = ["RecvSlots", "recv_slots"]

_Fn = Callable[..., int]
_new: _Fn = _p.wl_recv_slots_new
_free: Callable[..., None] = _p.wl_recv_slots_free
_len: _Fn = _p.wl_recv_slots_len
_meta: _Fn = _p.wl_recv_slots_meta
_flags: _Fn = _p.wl_recv_slots_flags
_control: _Fn = _p.wl_recv_slots_control
_recv: _Fn = _p.wl_dgram_recv_slots
_conn_recv: _Fn = _p.wl_dgram_conn_recv_slots


@final
class RecvSlots(Owned, Generic[D]):
    """Per-datagram storage (sender, control space, kernel header) for
    :func:`recv_slots`, for ``SocketAddrV4`` or ``SocketAddrV6``,
    allocated once. After a receive, ``len(slots)`` datagrams arrived;
    read each one's metadata with :meth:`meta`. Not thread-safe."""

    __slots__ = ("_h", "_family")
    _free = _free
    _CLOSED = "these RecvSlots are closed"

    def __init__(self, domain: type[D], count: int = 64) -> None:
        self._h: Any = None
        _check.one_of(domain, (SocketAddrV4, SocketAddrV6), "domain", "RecvSlots")
        n = _check.size(count, "count", "RecvSlots")
        self._family = FAMILY_OF[domain]
        out = POINTER(_p.wl_recv_slots)()
        _new(self._family, n, ctypes.byref(out))
        self._h = out

    def __len__(self) -> int:
        """How many datagrams the last receive filled."""
        return _len(self._live())

    def _index(self, index: int) -> int:
        return _check.index(index, len(self), "RecvSlots")

    def meta(self, index: int) -> RecvMeta:
        """Datagram ``index``'s length in its buffer, sender and metadata."""
        i = self._index(index)
        out = wl_udp_recv_meta()
        _meta(self._live(), i, ctypes.byref(out))
        return _recv_meta_of(out)

    def flags(self, index: int) -> int:
        """Datagram ``index``'s ``msg_flags`` (``socket.MSG_TRUNC``: cut to
        its buffer)."""
        i = self._index(index)
        out = c_int()
        _flags(self._live(), i, ctypes.byref(out))
        return out.value

    def control(self, index: int) -> list[ControlMessage]:
        """Datagram ``index``'s raw control messages."""
        i = self._index(index)
        ptr = POINTER(c_uint8)()
        n = c_size_t()
        _control(self._live(), i, ctypes.byref(ptr), ctypes.byref(n))
        return parse(ctypes.string_at(ptr, n.value) if n.value else b"")



def recv_slots(sock: AnyDatagram, slots: RecvSlots[Any], buffers: Sequence[Any], flags: int = 0) -> int:
    """Receives up to ``min(len(buffers), slots capacity)`` datagrams in one
    ``recvmmsg(2)``, datagram ``i`` into ``buffers[i]`` (writable
    bytes-like objects, not copied) and its sender and metadata into slot
    ``i``; returns how many arrived. ``flags``: 0 or ``MSG_*`` bits
    (``MSG_DONTWAIT``, ``wirelane.MSG_WAITFORONE``). The socket's
    timeout applies as for ``recv``."""
    fn = _conn_recv if _is_conn(sock, "recv_slots") else _recv
    if not isinstance(slots, RecvSlots):
        raise TypeError(f"recv_slots expects RecvSlots, not {type(slots).__name__}")
    if len(buffers) == 0:
        raise ValueError("recv_slots needs at least one buffer")
    h = slots._live()
    iov = IovecArray(buffers, True, "recv_slots")
    try:
        n: int = sock._io(
            "recv_slots()", select.POLLIN, lambda s: fn(s, h, iov.array, iov.count, flags)
        )
        return n
    finally:
        iov.release()
