"""Raw control messages (``cmsg(3)``) on UDP sockets, through the C ABI's
``wl_dgram[_conn]_send_cmsg`` / ``_recv_cmsg`` and its checked cursor
(``wl_cmsg_first`` / ``wl_cmsg_next``), shaped like the stdlib's
``socket.sendmsg`` / ``socket.recvmsg_into`` ancillary data::

    import socket
    from wirelane import cmsg
    ttl = (7).to_bytes(4, sys.byteorder)
    cmsg.send_cmsg(tx, b"hi", [(socket.IPPROTO_IP, socket.IP_TTL, ttl)], rx.getsockname())
    r = cmsg.recv_cmsg(rx, bytearray(64))
    for level, type_, data in r.ancdata: ...
    if r.control_truncated: ...   # MSG_CTRUNC: offer a larger ancbufsize

Every header the library reads is checked against the bytes that remain (a
malformed buffer is ``OSError(EINVAL)`` naming the offset); a control
buffer too small for what the kernel had is reported, never silently lost.
The typed metadata of the same bytes is :meth:`RecvCmsg.meta`.
"""

from __future__ import annotations

import ctypes
import errno
import select
from ctypes import POINTER, c_size_t, c_uint8
from typing import Any, Callable, Iterable, NamedTuple, Union

from . import _check
from . import _prototypes as _p
from ._addr import Address, coerce, from_wl, to_wl
from ._batch import RecvBatch
from ._buffers import readable, writable
from .udp_errors import QueuedError, _queued_of
from .udp_meta import AnyDatagram, RecvMeta, _is_conn, _recv_meta_of, wl_udp_recv_meta

__all__ = [
    "RECV_CONTROL_SPACE",
    "ControlMessage",
    "Messages",
    "RecvCmsg",
    "space",
    "encode",
    "parse",
    "send_cmsg",
    "recv_cmsg",
    "batch_control",
]

RECV_CONTROL_SPACE = 328
"""Control space that holds every message :mod:`wirelane.udp_meta`
decodes at once (``WL_UDP_RECV_CONTROL_SPACE``)."""

_Fn = Callable[..., int]
_space: _Fn = _p.wl_cmsg_space
_push: _Fn = _p.wl_cmsg_push
_first: _Fn = _p.wl_cmsg_first
_next: _Fn = _p.wl_cmsg_next
_send: _Fn = _p.wl_dgram_send_cmsg
_conn_send: _Fn = _p.wl_dgram_conn_send_cmsg
_recv: _Fn = _p.wl_dgram_recv_cmsg
_conn_recv: _Fn = _p.wl_dgram_conn_recv_cmsg
_recv_meta: _Fn = _p.wl_cmsg_recv_meta
_recv_error: _Fn = _p.wl_cmsg_recv_error
_batch_control: _Fn = _p.wl_recv_batch_control


class ControlMessage(NamedTuple):
    """One control message, as the stdlib's ancillary data tuples."""

    level: int
    """``cmsg_level`` (``socket.IPPROTO_IP``, ``socket.SOL_SOCKET``, ...)."""
    type: int
    """``cmsg_type`` (``socket.IP_TTL``, ...)."""
    data: bytes
    """The data (``CMSG_DATA``, ``cmsg_len - CMSG_LEN(0)`` bytes)."""


Messages = Union[bytes, bytearray, memoryview, Iterable[tuple[int, int, Any]]]
"""Control data to send: bytes in the kernel's layout, or
``(level, type, data)`` tuples."""


def space(data_len: int) -> int:
    """``CMSG_SPACE(data_len)``: the bytes one message with ``data_len``
    bytes of data takes in a control buffer (as ``socket.CMSG_SPACE``)."""
    return _space(data_len)


def encode(messages: Iterable[tuple[int, int, Any]]) -> bytes:
    """The control buffer for ``(level, type, data)`` messages, in the
    kernel's layout (``wl_cmsg_push``)."""
    items = [(int(level), int(type_), bytes(data)) for level, type_, data in messages]
    cap = sum(space(len(d)) for _, _, d in items)
    buf = ctypes.create_string_buffer(cap) if cap else None
    used = c_size_t(0)
    for level, type_, data in items:
        _push(buf, cap, ctypes.byref(used), level, type_, data, len(data))
    return buf.raw[: used.value] if buf is not None else b""


def parse(control: Any, truncated: bool = False) -> list[ControlMessage]:
    """The messages in ``control`` (exactly the bytes a receive reported),
    walked with the library's checked cursor; ``OSError(EINVAL)`` naming
    the offset for a malformed buffer. With ``truncated`` (the receive
    reported ``MSG_CTRUNC``) a last message the kernel cut inside its data
    ends the walk instead: the messages that arrived whole are returned."""
    raw = bytes(control)
    n = len(raw)
    out: list[ControlMessage] = []
    if not n:
        return out
    c = _p.wl_cmsg()
    try:
        r = _first(raw, n, ctypes.byref(c))
        while r == 1:
            data = ctypes.string_at(c.data, c.data_len) if c.data_len else b""
            out.append(ControlMessage(c.cmsg_level, c.cmsg_type, data))
            r = _next(raw, n, ctypes.byref(c))
    except OSError as e:
        if not (truncated and e.errno == errno.EINVAL):
            raise
    return out


class RecvCmsg(NamedTuple):
    """One datagram received with :func:`recv_cmsg`."""

    nbytes: int
    """Bytes received into the buffer (the real length with ``MSG_TRUNC``)."""
    ancdata: list[ControlMessage]
    """The control messages."""
    msg_flags: int
    """The kernel's ``msg_flags`` (``MSG_TRUNC``, ``MSG_CTRUNC``, ...)."""
    address: Address
    """The sender (the peer on a connected socket)."""
    truncated: bool
    """The datagram was longer than the buffer (``MSG_TRUNC``)."""
    control_truncated: bool
    """The control buffer was too small (``MSG_CTRUNC``): messages after
    the cut are lost."""
    control: bytes
    """The raw control bytes (``msg_controllen``)."""

    def _raw(self) -> Any:
        msg = _p.wl_cmsg_recv()
        msg.len = self.nbytes
        msg.flags = self.msg_flags
        msg.truncated = self.truncated
        msg.control_truncated = self.control_truncated
        msg.control_len = len(self.control)
        msg.source = to_wl(self.address)
        return msg

    def queued_error(self) -> QueuedError:
        """The queued error (``IP_RECVERR`` / ``IPV6_RECVERR``: errno,
        origin, ICMP type and code, the offender) of a receive made with
        ``flags=socket.MSG_ERRQUEUE`` (``wl_cmsg_recv_error``); the
        destination is :attr:`address`. ``OSError(ENOMSG)`` when the
        control data holds none, ``OSError(ENOBUFS)`` when it was cut
        (``MSG_CTRUNC``) before one arrived whole."""
        out = _p.wl_udp_queued_error()
        _recv_error(ctypes.byref(self._raw()), self.control or None, ctypes.byref(out))
        return _queued_of(out)

    def meta(self) -> RecvMeta:
        """The typed metadata (ECN, TTL, destination, timestamp, GRO
        segment) decoded from the same bytes (``wl_cmsg_recv_meta``)."""
        msg = _p.wl_cmsg_recv()
        msg.len = self.nbytes
        msg.flags = self.msg_flags
        msg.control_len = len(self.control)
        msg.source = to_wl(self.address)
        out = wl_udp_recv_meta()
        _recv_meta(ctypes.byref(msg), self.control or None, ctypes.byref(out))
        return _recv_meta_of(out)


def _control_bytes(control: Messages) -> bytes:
    if isinstance(control, (bytes, bytearray, memoryview)):
        return bytes(control)
    return encode(control)


def send_cmsg(sock: AnyDatagram, data: Any, control: Messages, address: Any = None, flags: int = 0) -> int:
    """Sends ``data`` with control messages (``sendmsg(2)``): to
    ``address`` on a :class:`BoundDatagram`, to the peer (no address) on a
    :class:`ConnectedDatagram`. ``control`` is ``(level, type, data)``
    tuples or a buffer in the kernel's layout. Returns the bytes sent."""
    conn = _is_conn(sock, "send_cmsg")
    if conn and address is not None:
        raise TypeError("send_cmsg on a ConnectedDatagram takes no address (it sends to the peer)")
    if not conn and address is None:
        raise TypeError("send_cmsg on a BoundDatagram needs the destination address")
    ctl = _control_bytes(control)
    ptr, n, pin = readable(data)
    try:
        if conn:
            return sock._io(
                "send_cmsg()", select.POLLOUT, lambda h: _conn_send(h, ptr, n, ctl, len(ctl), flags)
            )
        to = to_wl(coerce(sock._family, address))
        return sock._io(
            "send_cmsg()", select.POLLOUT, lambda h: _send(h, ptr, n, ctypes.byref(to), ctl, len(ctl), flags)
        )
    finally:
        if pin is not None:
            pin.release()


def recv_cmsg(sock: AnyDatagram, buffer: Any, ancbufsize: int = RECV_CONTROL_SPACE, flags: int = 0) -> RecvCmsg:
    """Receives one datagram into ``buffer`` (no copy) and up to
    ``ancbufsize`` bytes of control messages (``recvmsg(2)``, as
    ``socket.recvmsg_into``)."""
    fn = _conn_recv if _is_conn(sock, "recv_cmsg") else _recv
    if ancbufsize < 0:
        raise ValueError(f"recv_cmsg: ancbufsize must be >= 0, not {ancbufsize}")
    arr, n = writable(buffer, 0, "recv_cmsg")
    ctl = (c_uint8 * ancbufsize)() if ancbufsize else None
    out = _p.wl_cmsg_recv()
    sock._io(
        "recv_cmsg()",
        select.POLLIN,
        lambda h: fn(h, arr, n, ctl, ancbufsize, flags, ctypes.byref(out)),
        eof_is_zero=True,
    )
    raw = bytes(ctl)[: out.control_len] if ctl is not None else b""
    return RecvCmsg(
        out.len,
        parse(raw, bool(out.control_truncated)),
        out.flags,
        from_wl(out.source),
        bool(out.truncated),
        bool(out.control_truncated),
        raw,
    )


def batch_control(batch: RecvBatch[Any], index: int) -> list[ControlMessage]:
    """The control messages of datagram ``index`` of the last receive into
    ``batch`` (that slot's own bytes, ``wl_recv_batch_control``)."""
    if not isinstance(batch, RecvBatch):
        raise TypeError(f"batch_control expects a RecvBatch, not {type(batch).__name__}")
    h = batch._live()
    index = _check.index(index, len(batch), "RecvBatch")
    ptr = POINTER(c_uint8)()
    n = c_size_t()
    _batch_control(h, index, ctypes.byref(ptr), ctypes.byref(n))
    return parse(ctypes.string_at(ptr, n.value) if n.value else b"")


