"""Datagram states: :class:`BoundDatagram` and :class:`ConnectedDatagram`."""

from __future__ import annotations

import ctypes
import select
import socket
from typing import Any, Iterable, final, overload

from . import _check, _ffi
from . import _batch
from ._addr import _ADDR_POOL, D, SocketAddrV4, SocketAddrV6, UnixAddr, _PooledAddr, coerce, from_wl, give_addr, take_addr, to_wl
from ._batch import GroRecv, RecvBatch, SegmentedSend, SendBatch
from ._base import _CLOSED_EOF, _NOT_YET, _OPEN, _ZERO, TimeoutSocket, pair_of
from ._buffers import _POOL, _SMALL_COPY, SCRATCH_SIZE, new_scratch, small_bytes, IovecArray, give_scratch, int_arg, readable, size_arg, take_scratch, writable
from ._fdpass import DGRAM_CONN_FNS, FdPassing
from ._loop_compat import UnconnectedPeer
from ._stream import _adopted, _family_of, _hot_recv, _hot_recv_into, _hot_send, _take_over

_IN = select.POLLIN
_OUT = select.POLLOUT
_DGRAM = _ffi.DGRAM
_DGRAM_CONN = _ffi.DGRAM_CONN
_send_to = _ffi.unchecked("wl_dgram_send_to")
_recv_from = _ffi.unchecked("wl_dgram_recv_from")
# The same functions without argtypes, for the fast paths (see _ffi.fast).
_send_to_fast = _ffi.fast("wl_dgram_send_to")
_recv_from_fast = _ffi.fast("wl_dgram_recv_from")
_FAST_MAX = _ffi.FAST_INT_MAX
_IMMUTABLE_ADDRS = (SocketAddrV4, SocketAddrV6, UnixAddr, tuple)


@final
class BoundDatagram(UnconnectedPeer, TimeoutSocket[D]):
    """A bound datagram socket (UDP, Unix datagram): it sends to and
    receives from anyone. From :meth:`RawSocket.bind` on a datagram
    socket; :meth:`connect` fixes one peer."""

    __slots__ = ()
    _TYPE = socket.SOCK_DGRAM

    @staticmethod
    def from_fd(fd: int, domain: type[D]) -> BoundDatagram[D]:
        """Adopts a bound, unconnected datagram socket's descriptor (checked
        by the library); on failure the caller still owns ``fd``."""
        return _adopted(BoundDatagram, _ffi.DGRAM, fd, _family_of(domain))

    @staticmethod
    def from_socket(sock: socket.socket, domain: type[D]) -> BoundDatagram[D]:
        """Takes over a bound ``socket.socket`` (detached on success)."""
        return _take_over(sock, lambda fd: BoundDatagram.from_fd(fd, domain))

    def _to(self, address: Any) -> tuple[Any, int, Any, Any]:
        """``(address, address of its wl_addr, the wl_addr, its byref)``:
        hold the tuple while C uses the address. The last one is kept per
        object (one tuple, so threads never see half an update)."""
        last = self._last_to
        if last is not None and last[0] is address:
            return last
        wl = to_wl(coerce(self._family, address))
        entry = (address, ctypes.addressof(wl), wl, ctypes.byref(wl))
        if type(address) in _IMMUTABLE_ADDRS:
            self._last_to = entry
        return entry

    def sendto(self, data: Any, address: D, flags: int = 0) -> int:
        """Sends one datagram to ``address`` (``sendto(2)``); returns its size."""
        if type(data) is not bytes:
            data = small_bytes(data)
        if type(data) is bytes and flags is _ZERO and self._fns is _DGRAM and len(data) <= _FAST_MAX:
            to = self._to(address)
            wl = to[1]
            users = self._users
            users.append(None)
            if self._state is _OPEN:
                r: int = _send_to_fast(self._hb, data, len(data), to[3], 0)
                users.pop()
                if self._state is not _OPEN:
                    self._settle()
                if r >= 0:
                    return r
                return self._retry(
                    "sendto()", _OUT, lambda hv: _send_to(hv, data, len(data), wl, 0), r, "wl_dgram_send_to"
                )
            users.pop()
            self._settle()
            raise self._unusable()
        return BoundDatagram._sendto_slow(self, data, address, flags)

    def _sendto_slow(self, data: Any, address: Any, flags: Any) -> int:
        self._expect(_DGRAM, "sendto")
        fl = int_arg(flags, "flags", "sendto")
        to = self._to(address)
        wl = to[1]
        ptr, n, pin = readable(data)
        try:
            return self._retry("sendto()", _OUT, lambda hv: _send_to(hv, ptr, n, wl, fl), _NOT_YET, "wl_dgram_send_to")
        finally:
            if pin is not None:
                pin.release()

    def recvfrom(self, bufsize: int, flags: int = 0) -> tuple[bytes, D]:
        """Receives one datagram (truncated to ``bufsize``) and its sender."""
        if type(bufsize) is int and 0 <= bufsize <= SCRATCH_SIZE and flags is _ZERO and self._fns is _DGRAM:
            try:
                buf = _POOL.pop()
            except IndexError:
                buf = new_scratch()
            try:
                peer = _ADDR_POOL.pop()
            except IndexError:
                peer = _PooledAddr()
            users = self._users
            users.append(None)
            if self._state is _OPEN:
                r: int = _recv_from_fast(self._hb, buf.ref, bufsize, peer.ref, 0)
                users.pop()
                if self._state is not _OPEN:
                    self._settle()
                    if r == 0:
                        r = _CLOSED_EOF
                if r < 0:
                    r = self._retry(
                        "recvfrom()", _IN, lambda hv: _recv_from(hv, buf.addr, bufsize, peer.addr, 0), r, "wl_dgram_recv_from",
                        eof_is_zero=True, give_back=(buf, peer),
                    )
                data: bytes = buf[:r]  # flags 0: no MSG_TRUNC, r <= bufsize
                _POOL.append(buf)
                return data, give_addr(peer)  # type: ignore[return-value]
            users.pop()
            self._settle()
            raise self._unusable()
        return BoundDatagram._recvfrom_slow(self, bufsize, flags)

    def _recvfrom_slow(self, bufsize: Any, flags: Any) -> tuple[bytes, D]:
        self._expect(_DGRAM, "recvfrom")
        size = size_arg(bufsize, "bufsize", "recvfrom")
        fl = int_arg(flags, "flags", "recvfrom")
        buf: Any = take_scratch() if size <= SCRATCH_SIZE else ctypes.create_string_buffer(size)
        peer = take_addr()
        n = self._retry(
            "recvfrom()", _IN, lambda hv: _recv_from(hv, buf, size, peer.addr, fl), _NOT_YET, "wl_dgram_recv_from", eof_is_zero=True
        )
        data: bytes = buf[: min(n, size)]
        if size <= SCRATCH_SIZE:
            give_scratch(buf)
        return data, give_addr(peer)  # type: ignore[return-value]

    def recvfrom_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> tuple[int, D]:
        """Receives one datagram into a writable buffer and returns its size
        and sender. It arrives in a pooled buffer and is copied (one small
        ``memcpy``, cheaper than pinning the caller's buffer)."""
        if (
            (
                type(buffer) is bytearray
                or (type(buffer) is memoryview and buffer.format == "B" and buffer.ndim == 1 and not buffer.readonly)
            )
            and type(nbytes) is int
            and flags is _ZERO
            and self._fns is _DGRAM
            and 0 <= nbytes <= (size := len(buffer)) <= SCRATCH_SIZE
        ):
            if nbytes:
                size = nbytes
            try:
                buf = _POOL.pop()
            except IndexError:
                buf = new_scratch()
            try:
                peer = _ADDR_POOL.pop()
            except IndexError:
                peer = _PooledAddr()
            users = self._users
            users.append(None)
            if self._state is _OPEN:
                r: int = _recv_from_fast(self._hb, buf.ref, size, peer.ref, 0)
                users.pop()
                if self._state is not _OPEN:
                    self._settle()
                    if r == 0:
                        r = _CLOSED_EOF
                if r < 0:
                    r = self._retry(
                        "recvfrom_into()", _IN, lambda hv: _recv_from(hv, buf.addr, size, peer.addr, 0), r, "wl_dgram_recv_from",
                        eof_is_zero=True, give_back=(buf, peer),
                    )
                buffer[:r] = buf.ba[:r]  # from a bytearray: see Scratch
                _POOL.append(buf)
                return r, give_addr(peer)  # type: ignore[return-value]
            users.pop()
            self._settle()
            raise self._unusable()
        return BoundDatagram._recvfrom_into_slow(self, buffer, nbytes, flags)

    def _recvfrom_into_slow(self, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, D]:
        self._expect(_DGRAM, "recvfrom_into")
        arr, n = writable(buffer, nbytes, "recvfrom_into")
        fl = int_arg(flags, "flags", "recvfrom_into")
        peer = take_addr()
        got = self._retry(
            "recvfrom_into()",
            _IN,
            lambda hv: _recv_from(hv, arr, n, peer.addr, fl),
            _NOT_YET,
            "wl_dgram_recv_from",
            eof_is_zero=True,
        )
        return got, give_addr(peer)  # type: ignore[return-value]

    # --- batches and GSO/GRO -------------------------------------------------

    def send_batch(self, batch: SendBatch[D], flags: int = 0) -> int:
        """Sends every queued message of ``batch`` in one ``sendmmsg(2)``;
        returns how many were sent (fewer when the kernel took a prefix:
        ``batch.remove_sent()`` keeps the rest for a retry)."""
        h = _check.instance(batch, SendBatch, "batch", "send_batch")._live()
        fl = _check.integer(flags, "flags", "send_batch")
        return self._io("send_batch()", _OUT, lambda s: _batch.dgram_send_batch(s, h, fl))

    def sendmmsg(self, messages: Iterable[tuple[Any, D]]) -> list[int]:
        """Sends each ``(data, address)`` as its own datagram in one
        ``sendmmsg(2)`` (at most 1024); returns the bytes sent for each
        message sent (fewer entries when the kernel sent only a prefix)."""
        arr, n, pins, addrs = _batch.mmsg_array(self._family, messages)
        lens = (ctypes.c_size_t * max(n, 1))()
        try:
            sent = self._io("sendmmsg()", _OUT, lambda h: _batch.dgram_sendmmsg(h, arr, n, lens)) if n else 0
        finally:
            for p in pins:
                p.release()
            del addrs
        return list(lens[:sent])

    def recv_batch(self, batch: RecvBatch[D], flags: int = _batch.MSG_WAITFORONE) -> int:
        """Receives up to ``batch.capacity`` datagrams in one ``recvmmsg(2)``
        and returns how many arrived (read them from ``batch``). The default
        ``MSG_WAITFORONE`` waits for one, then takes what else is queued;
        ``flags=0`` waits for the whole batch (in blocking mode)."""
        h = _check.instance(batch, RecvBatch, "batch", "recv_batch")._live()
        fl = _check.integer(flags, "flags", "recv_batch")
        return self._io("recv_batch()", _IN, lambda s: _batch.dgram_recv_batch(s, h, fl))

    @overload
    def sendto_segmented(
        self: BoundDatagram[SocketAddrV4], data: Any, segment_size: int, address: SocketAddrV4
    ) -> SegmentedSend: ...

    @overload
    def sendto_segmented(
        self: BoundDatagram[SocketAddrV6], data: Any, segment_size: int, address: SocketAddrV6
    ) -> SegmentedSend: ...

    def sendto_segmented(self, data: Any, segment_size: int, address: Any) -> SegmentedSend:
        """Sends ``data`` to ``address`` as datagrams of ``segment_size``
        bytes (the last may be shorter) in one ``sendmsg(2)`` with
        ``UDP_SEGMENT`` (GSO); if the kernel refuses GSO the segments go out
        in one ``sendmmsg``. UDP only."""
        seg = _check.uint(segment_size, 16, "segment_size", "sendto_segmented")
        addr = to_wl(coerce(self._family, address))
        out = _batch.wl_segmented_send()
        self._send_buffer(
            "sendto_segmented()",
            data,
            lambda h, ptr, n: _batch.dgram_send_to_segmented(h, ptr, n, seg, ctypes.byref(addr), ctypes.byref(out)),
        )
        return SegmentedSend(out.bytes, out.datagrams, bool(out.offloaded), out.fallback_errno)

    @overload
    def recv_gro(self: BoundDatagram[SocketAddrV4], buffer: Any) -> GroRecv[SocketAddrV4]: ...

    @overload
    def recv_gro(self: BoundDatagram[SocketAddrV6], buffer: Any) -> GroRecv[SocketAddrV6]: ...

    def recv_gro(self, buffer: Any) -> Any:
        """Receives one datagram, or with ``set_udp_gro(True)`` possibly
        several coalesced ones, into ``buffer`` (use 65536 bytes; no copy);
        ``result.segments(buffer)`` splits them. UDP only."""
        arr, n = writable(buffer, 0, "recv_gro")
        out = _batch.wl_gro_recv()
        self._io("recv_gro()", _IN, lambda h: _batch.dgram_recv_gro(h, arr, n, ctypes.byref(out)), eof_is_zero=True)
        return GroRecv(out.len, out.segment_size, bool(out.truncated), from_wl(out.source))

    def dup(self) -> BoundDatagram[D]:
        """A second object for the same socket (``F_DUPFD_CLOEXEC``)."""
        return self._clone(BoundDatagram, _ffi.wl_dgram_try_clone)

    def connect(self, address: D) -> ConnectedDatagram[D]:
        """Fixes the peer (``connect(2)``; nothing is sent) and returns the
        :class:`ConnectedDatagram`; this object is consumed. On failure it
        stays usable."""
        addr = ctypes.byref(to_wl(coerce(self._family, address)))
        return self._into("connect()", _ffi.DGRAM_CONN, ConnectedDatagram, _ffi.wl_dgram_connect, addr)


@final
class ConnectedDatagram(FdPassing[D]):
    """A datagram socket locked to one peer: sends and receives take no
    address and the kernel drops datagrams from anyone else."""

    __slots__ = ()
    _TYPE = socket.SOCK_DGRAM
    _FDP = DGRAM_CONN_FNS

    @staticmethod
    def pair() -> tuple[ConnectedDatagram[UnixAddr], ConnectedDatagram[UnixAddr]]:
        """A pair of connected Unix datagram sockets (``socketpair(2)``)."""
        a, b = _ffi.DgramConnP(), _ffi.DgramConnP()
        _ffi.wl_dgram_conn_pair(ctypes.byref(a), ctypes.byref(b))
        return pair_of(ConnectedDatagram, _ffi.DGRAM_CONN, a, b)

    @staticmethod
    def from_fd(fd: int, domain: type[D]) -> ConnectedDatagram[D]:
        """Adopts a connected datagram socket's descriptor (checked by the
        library); on failure the caller still owns ``fd``."""
        return _adopted(ConnectedDatagram, _ffi.DGRAM_CONN, fd, _family_of(domain))

    @staticmethod
    def from_socket(sock: socket.socket, domain: type[D]) -> ConnectedDatagram[D]:
        """Takes over a connected datagram ``socket.socket`` (detached on success)."""
        return _take_over(sock, lambda fd: ConnectedDatagram.from_fd(fd, domain))

    @_hot_send(_DGRAM_CONN, "wl_dgram_conn_send")
    def send(self, data: Any, flags: int = 0) -> int:
        """Sends one datagram to the peer; returns its size."""
        raise AssertionError("made by _hot_send")

    @_hot_recv(_DGRAM_CONN, "wl_dgram_conn_recv")
    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        """Receives one datagram from the peer, truncated to ``bufsize``."""
        raise AssertionError("made by _hot_recv")

    @_hot_recv_into(_DGRAM_CONN, "wl_dgram_conn_recv", SCRATCH_SIZE)
    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        """Receives one datagram into a writable buffer; returns its size.
        It arrives in a pooled buffer and is copied (one small ``memcpy``,
        cheaper than pinning the caller's buffer)."""
        raise AssertionError("made by _hot_recv_into")

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
        return self._address(_ffi.wl_dgram_conn_peer_addr)  # type: ignore[no-any-return]

    # --- batches and GSO/GRO -------------------------------------------------

    def send_batch(self, batch: SendBatch[D], flags: int = 0) -> int:
        """Sends every queued message of ``batch`` (pushed without an
        address) to the peer in one ``sendmmsg(2)``; returns how many were
        sent."""
        h = _check.instance(batch, SendBatch, "batch", "send_batch")._live()
        fl = _check.integer(flags, "flags", "send_batch")
        return self._io("send_batch()", _OUT, lambda s: _batch.dgram_conn_send_batch(s, h, fl))

    def sendmmsg(self, buffers: Iterable[Any]) -> list[int]:
        """Sends each buffer as its own datagram to the peer in one
        ``sendmmsg(2)`` (at most 1024); returns the bytes sent for each
        datagram sent."""
        iov = IovecArray(buffers, False, "sendmmsg")
        if iov.count > _batch.MAX_BATCH:
            iov.release()
            raise ValueError(f"at most {_batch.MAX_BATCH} messages per call, got {iov.count}")
        lens = (ctypes.c_size_t * max(iov.count, 1))()
        try:
            sent = (
                self._io("sendmmsg()", _OUT, lambda h: _batch.dgram_conn_sendmmsg(h, iov.array, iov.count, lens))
                if iov.count
                else 0
            )
        finally:
            iov.release()
        return list(lens[:sent])

    def recv_batch(self, batch: RecvBatch[D], flags: int = _batch.MSG_WAITFORONE) -> int:
        """Receives up to ``batch.capacity`` datagrams from the peer in one
        ``recvmmsg(2)``; see :meth:`BoundDatagram.recv_batch`."""
        h = _check.instance(batch, RecvBatch, "batch", "recv_batch")._live()
        fl = _check.integer(flags, "flags", "recv_batch")
        return self._io("recv_batch()", _IN, lambda s: _batch.dgram_conn_recv_batch(s, h, fl))

    def send_segmented(
        self: ConnectedDatagram[SocketAddrV4] | ConnectedDatagram[SocketAddrV6], data: Any, segment_size: int
    ) -> SegmentedSend:
        """Sends ``data`` to the peer as datagrams of ``segment_size`` bytes
        in one GSO ``sendmsg(2)`` (``sendmmsg`` if the kernel refuses). UDP only."""
        seg = _check.uint(segment_size, 16, "segment_size", "send_segmented")
        out = _batch.wl_segmented_send()
        self._send_buffer(
            "send_segmented()", data, lambda h, ptr, n: _batch.dgram_conn_send_segmented(h, ptr, n, seg, ctypes.byref(out))
        )
        return SegmentedSend(out.bytes, out.datagrams, bool(out.offloaded), out.fallback_errno)

    @overload
    def recv_gro(self: ConnectedDatagram[SocketAddrV4], buffer: Any) -> GroRecv[SocketAddrV4]: ...

    @overload
    def recv_gro(self: ConnectedDatagram[SocketAddrV6], buffer: Any) -> GroRecv[SocketAddrV6]: ...

    def recv_gro(self, buffer: Any) -> Any:
        """:meth:`BoundDatagram.recv_gro` from the peer. UDP only."""
        arr, n = writable(buffer, 0, "recv_gro")
        out = _batch.wl_gro_recv()
        self._io("recv_gro()", _IN, lambda h: _batch.dgram_conn_recv_gro(h, arr, n, ctypes.byref(out)), eof_is_zero=True)
        return GroRecv(out.len, out.segment_size, bool(out.truncated), from_wl(out.source))

    def dup(self) -> ConnectedDatagram[D]:
        """A second object for the same socket (``F_DUPFD_CLOEXEC``)."""
        return self._clone(ConnectedDatagram, _ffi.wl_dgram_conn_try_clone)
