"""The asyncio twins of the socket states (public through :mod:`wirelane.aio`).

Each twin owns one sync state object, switched to non-blocking mode, and
runs its calls the way CPython's ``loop.sock_recv`` does: try the call at
once; on ``BlockingIOError`` wait for readiness through the running loop's
own ``add_reader``/``add_writer`` (so the default loop and uvloop behave
alike), then retry. The sync class does the system call, so errors,
argument checks and "consumed"/"closed" errors are the sync binding's.

Cancel-safety: every awaiting method may be cancelled while it waits; the
wait happens only *before* the system call, so a cancelled ``recv``,
``recvfrom``, ``accept`` or ``recv_batch`` has consumed nothing and a
cancelled ``send``/``sendto`` has sent nothing. ``sendall``/``sendfile``
are cancel-safe per chunk only: on cancellation an unknown prefix of the
data has been sent (as with ``loop.sock_sendall``).

Closing: ``close()`` from another task wakes every waiter on this socket at
once with ``OSError(EBADF)``, unregisters the descriptor from the loop and
then frees the socket, so no fd leaks and no waiter hangs.
"""

from __future__ import annotations

import asyncio
import errno
import io
import os
import select
import stat
from typing import Any, Callable, Generic, Sequence, TypeVar, overload

from ._addr import D, SocketAddrV4, SocketAddrV6, UnixAddr
from ._base import ConsumedError, SocketBase
from ._batch import GroRecv, RecvBatch, SegmentedSend, SendBatch
from ._dgram import BoundDatagram, ConnectedDatagram
from . import cmsg as _cmsg
from . import udp_errors as _errors
from . import udp_meta as _meta
from . import udp_slots as _slots
from ._stream import Connection, Listener, PendingConnect

R = TypeVar("R")


class _Unwrapped:
    """Stands in for the sync state after ``unwrap()``: any use raises."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        raise ConsumedError(errno.EBADF, f"this {self._name} was unwrapped; use the object unwrap() returned")


def _wake(waiters: list[asyncio.Future[None]]) -> None:
    for fut in waiters:
        if not fut.done():
            fut.set_result(None)
    waiters.clear()


class AsyncSocket(Generic[D]):
    """What every async twin shares: the sync state, the readiness waits,
    ``close``/``unwrap``/``async with`` (not public: use the twins)."""

    __slots__ = ("_s", "_fd", "_loop", "_rwait", "_wwait", "_saved_timeout", "__weakref__")

    def __init__(self, state: SocketBase[D]) -> None:
        self._saved_timeout = state.gettimeout() if hasattr(state, "gettimeout") else 0.0
        if hasattr(state, "settimeout"):
            state.settimeout(0.0)
        self._s: Any = state
        self._fd = state._fd  # not fileno(): the number is not lent out of the binding
        self._loop: asyncio.AbstractEventLoop | None = None
        self._rwait: list[asyncio.Future[None]] = []
        self._wwait: list[asyncio.Future[None]] = []

    # --- readiness -----------------------------------------------------

    async def _wait(self, writable: bool) -> None:
        """Waits once for readability (or writability) on the running loop."""
        if self._s.closed:
            raise self._s._unusable()
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif self._loop is not loop:
            raise RuntimeError(f"this {type(self).__name__} is in use on another event loop")
        waiters = self._wwait if writable else self._rwait
        fut: asyncio.Future[None] = loop.create_future()
        if not waiters:
            if writable:
                loop.add_writer(self._fd, self._ready, True)
            else:
                loop.add_reader(self._fd, self._ready, False)
        waiters.append(fut)
        try:
            await fut
        finally:
            if not fut.done() or fut.cancelled():
                try:
                    waiters.remove(fut)
                except ValueError:
                    pass
                if not waiters and not self._s.closed:
                    self._unregister(writable)

    def _ready(self, writable: bool) -> None:
        self._unregister(writable)
        _wake(self._wwait if writable else self._rwait)

    def _unregister(self, writable: bool) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        if writable:
            loop.remove_writer(self._fd)
        else:
            loop.remove_reader(self._fd)

    async def _read(self, call: Callable[..., R], *args: Any) -> R:
        while True:
            try:
                return call(*args)
            except BlockingIOError:
                pass
            await self._wait(False)

    async def _write(self, call: Callable[..., R], *args: Any) -> R:
        while True:
            try:
                return call(*args)
            except BlockingIOError:
                pass
            await self._wait(True)

    # --- lifecycle -----------------------------------------------------

    def fileno(self) -> int:
        """The descriptor (still owned by this object)."""
        return int(self._s.fileno())

    @property
    def closed(self) -> bool:
        """Whether the socket is closed (or unwrapped)."""
        s = self._s
        return isinstance(s, _Unwrapped) or bool(s.closed)

    def getsockname(self) -> D:
        """The local address."""
        addr: D = self._s.getsockname()
        return addr

    def close(self) -> None:
        """Closes the socket (idempotent, not awaited). Tasks waiting on it
        get ``OSError(EBADF)`` promptly; the descriptor is unregistered from
        the loop before it is freed."""
        if isinstance(self._s, _Unwrapped):
            return
        self._detach_waiters("socket closed")
        self._s.close()

    def _detach_waiters(self, why: str) -> None:
        for writable, waiters in ((False, self._rwait), (True, self._wwait)):
            if not waiters:
                continue
            self._unregister(writable)
            for fut in waiters:
                if not fut.done():
                    fut.set_exception(OSError(errno.EBADF, f"{why} while a task was waiting on it"))
            waiters.clear()

    def _unwrap(self) -> Any:
        if self._rwait or self._wwait:
            raise OSError(errno.EBUSY, f"cannot unwrap: a task is waiting on this {type(self).__name__}")
        s = self._s
        if isinstance(s, _Unwrapped):
            getattr(s, "unwrap")  # raises ConsumedError
        if s.closed:
            raise s._unusable()
        if hasattr(s, "settimeout"):
            s.settimeout(self._saved_timeout)
        self._s = _Unwrapped(type(self).__name__)
        return s

    async def __aenter__(self: _A) -> _A:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<wirelane.aio.{type(self).__name__} {self._s!r}>"


_A = TypeVar("_A", bound=AsyncSocket[Any])


class AsyncListener(AsyncSocket[D]):
    """A listening socket inside the event loop; from :func:`wrap` of a
    :class:`~wirelane.Listener`."""

    __slots__ = ()

    async def accept(self) -> tuple[AsyncConnection[D], D]:
        """Waits for a connection; returns its async twin and the client's
        address. Cancel-safe (a cancelled accept took no connection)."""
        conn, peer = await self._read(self._s.accept)
        try:
            return AsyncConnection(conn), peer
        except BaseException:
            conn.close()
            raise

    def unwrap(self) -> Listener[D]:
        """The sync :class:`~wirelane.Listener` back (its old timeout
        restored); this object is then unusable."""
        lst: Listener[D] = self._unwrap()
        return lst


class AsyncConnection(AsyncSocket[D]):
    """A connected stream inside the event loop; from :func:`connect`,
    :meth:`AsyncListener.accept` or :func:`wrap` of a
    :class:`~wirelane.Connection`."""

    __slots__ = ()

    # The data methods here and in the datagram twins write the _read /
    # _write loop out: awaiting _read costs one more coroutine per call.
    # Measured (issue 17) with bench/bench_aio.py --rounds 5 on the release
    # library, runs interleaved, TCP ping-pong 64 B median us, asyncio /
    # uvloop: written out 8.11/8.07, 7.96/7.95, 8.19/7.83, 7.51/7.58;
    # folded into ``await self._read(...)`` 8.52/8.48, 8.25/8.24; one loop
    # made by a decorator (``*args, **kwargs``) 7.94/8.04, 8.21/8.36. Against
    # the same run's ctypes floor: 1.14-1.17x written out, 1.22-1.23x folded,
    # 1.17-1.22x decorated. So they stay written out.

    async def recv(self, bufsize: int, flags: int = 0) -> bytes:
        """Up to ``bufsize`` bytes (``b""`` at end of stream). Cancel-safe."""
        s = self._s
        while True:
            try:
                data: bytes = s.recv(bufsize, flags)
                return data
            except BlockingIOError:
                pass
            await self._wait(False)

    async def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        """Receives into a writable buffer; the byte count. Cancel-safe."""
        s = self._s  # the loop written out, not _read: one coroutine less per call
        while True:
            try:
                n: int = s.recv_into(buffer, nbytes, flags)
                return n
            except BlockingIOError:
                pass
            await self._wait(False)

    async def send(self, data: Any, flags: int = 0) -> int:
        """Sends some of ``data``; the byte count. Cancel-safe."""
        s = self._s
        while True:
            try:
                n: int = s.send(data, flags)
                return n
            except BlockingIOError:
                pass
            await self._wait(True)

    async def sendall(self, data: Any, flags: int = 0) -> None:
        """Sends all of ``data``. On cancellation a prefix may have been sent."""
        s = self._s
        sent = 0
        if type(data) is bytes:  # the common case first: one send, no view
            try:
                sent = s.send(data, flags)
            except BlockingIOError:
                pass
            if sent == len(data):
                return
            await self._wait(True)
        view = memoryview(data).cast("B")
        try:
            total = len(view)
            while True:
                try:
                    sent += s.send(view[sent:] if sent else view, flags)
                except BlockingIOError:
                    pass
                if sent >= total:
                    return
                await self._wait(True)
        finally:
            view.release()

    async def sendfile(self, file: Any, offset: int = 0, count: int | None = None) -> int:
        """Sends a binary file's bytes (``sendfile(2)`` for regular files,
        else read-and-send); returns the byte count and leaves the file
        position after the last byte sent, as ``loop.sock_sendfile``."""
        from ._zerocopy import conn_sendfile
        import ctypes

        if "b" not in getattr(file, "mode", "b"):
            raise ValueError("file should be opened in binary mode")
        if count is not None and (not isinstance(count, int) or count <= 0):
            raise ValueError(f"count must be a positive integer (got {count!r})")
        try:
            fileno = file.fileno()
            regular = stat.S_ISREG(os.fstat(fileno).st_mode)
        except (AttributeError, io.UnsupportedOperation, OSError):
            regular = False
        total = 0
        if regular:
            size = os.fstat(fileno).st_size
            end = size if count is None else min(size, offset + count)
            pos = ctypes.c_uint64(offset)
            s = self._s
            try:
                while pos.value < end:
                    left: int = end - pos.value

                    def call(h: Any, left: int = left) -> int:
                        return int(conn_sendfile(h, fileno, ctypes.byref(pos), left))

                    try:
                        n = s._io("sendfile()", select.POLLOUT, call)
                    except BlockingIOError:
                        await self._wait(True)
                        continue
                    if n == 0:
                        break
                    total += n
            finally:
                if total:
                    file.seek(offset + total)
            return total
        file.seek(offset)
        while count is None or total < count:
            chunk = file.read(min(65536, count - total) if count else 65536)
            if not chunk:
                break
            await self.sendall(chunk)
            total += len(chunk)
        return total

    async def send_fds(self: AsyncConnection[UnixAddr], data: Any, fds: Sequence[Any]) -> int:
        """Sends ``data`` with descriptors attached (``SCM_RIGHTS``); Unix only."""
        n: int = await self._write(self._s.send_fds, data, fds)
        return n

    async def recv_fds(self: AsyncConnection[UnixAddr], bufsize: int, maxfds: int) -> tuple[bytes, list[int]]:
        """Receives bytes and up to ``maxfds`` descriptors (close-on-exec;
        the caller owns them). Unix only. Cancel-safe."""
        r: tuple[bytes, list[int]] = await self._read(self._s.recv_fds, bufsize, maxfds)
        return r

    def shutdown(self, how: int) -> None:
        """``shutdown(2)`` (``SHUT_RD``, ``SHUT_WR``, ``SHUT_RDWR``); not awaited."""
        self._s.shutdown(how)

    def getpeername(self) -> D:
        """The peer's address."""
        addr: D = self._s.getpeername()
        return addr

    def unwrap(self) -> Connection[D]:
        """The sync :class:`~wirelane.Connection` back (old timeout restored)."""
        c: Connection[D] = self._unwrap()
        return c


class AsyncPendingConnect(AsyncSocket[D]):
    """A stream connect in flight; ``await finish()`` gives the
    :class:`AsyncConnection`. From :func:`wrap` of a
    :class:`~wirelane.PendingConnect`."""

    __slots__ = ()

    async def finish(self) -> AsyncConnection[D]:
        """Waits for the handshake and returns the connection (this object
        is consumed); raises the connect's error (``ConnectionRefusedError``
        ...), after which this object stays open (close it). Cancel-safe:
        a cancelled ``finish`` leaves the connect pending."""
        conn = await self._write(self._s.finish)
        self._s = _Unwrapped(type(self).__name__)
        try:
            return AsyncConnection(conn)
        except BaseException:
            conn.close()
            raise

    def unwrap(self) -> PendingConnect[D]:
        """The sync :class:`~wirelane.PendingConnect` back."""
        p: PendingConnect[D] = self._unwrap()
        return p


class _AsyncDatagram(AsyncSocket[D]):
    """What both datagram twins share."""

    __slots__ = ()

    async def recvfrom(self, bufsize: int, flags: int = 0) -> tuple[bytes, D]:
        """One datagram and its source. Cancel-safe."""
        s = self._s
        while True:
            try:
                r: tuple[bytes, D] = s.recvfrom(bufsize, flags)
                return r
            except BlockingIOError:
                pass
            await self._wait(False)

    async def recvfrom_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> tuple[int, D]:
        """One datagram into ``buffer``; its length and source. Cancel-safe."""
        s = self._s  # the loop written out, not _read: one coroutine less per call
        while True:
            try:
                r: tuple[int, D] = s.recvfrom_into(buffer, nbytes, flags)
                return r
            except BlockingIOError:
                pass
            await self._wait(False)

    async def send_batch(self, batch: SendBatch[D], flags: int = 0) -> int:
        """Sends a :class:`~wirelane.SendBatch` with ``sendmmsg(2)``; returns
        how many datagrams went (``batch.remove_sent()`` drops them)."""
        n: int = await self._write(self._s.send_batch, batch, flags)
        return n

    async def recv_batch(self, batch: RecvBatch[D], flags: int = 0) -> int:
        """Fills a :class:`~wirelane.RecvBatch` with one ``recvmmsg(2)`` of
        whatever is queued (at least one datagram); returns the count.
        Cancel-safe."""
        n: int = await self._read(self._s.recv_batch, batch, flags)
        return n

    async def recv_gro(self: _AsyncDatagram[SocketAddrV4] | _AsyncDatagram[SocketAddrV6], buffer: Any) -> GroRecv[D]:
        """One (with ``set_udp_gro(True)`` possibly coalesced) receive into
        ``buffer``; see ``BoundDatagram.recv_gro``. UDP only. Cancel-safe."""
        r: GroRecv[D] = await self._read(self._s.recv_gro, buffer)
        return r

    def set_udp_gro(self: _AsyncDatagram[SocketAddrV4] | _AsyncDatagram[SocketAddrV6], value: bool) -> None:
        """``UDP_GRO`` on the socket (``udp(7)``)."""
        self._s.set_udp_gro(value)

    async def recv_error(
        self: _AsyncDatagram[SocketAddrV4] | _AsyncDatagram[SocketAddrV6], buffer: Any = None
    ) -> _errors.QueuedError:
        """Waits for and reads one queued error (after
        ``set_recv_meta(errors=True)``; a queued error makes the socket
        readable); see :func:`wirelane.udp_errors.recv_error`. UDP only.
        Cancel-safe: a cancelled call has dequeued nothing."""
        r: _errors.QueuedError = await self._read(_errors.recv_error, self._s, buffer)
        return r

    def set_mtu_discover(self: _AsyncDatagram[SocketAddrV4] | _AsyncDatagram[SocketAddrV6], mode: int) -> None:
        """The path MTU discovery mode (``udp_errors.PMTUDISC_*``); see
        :func:`wirelane.udp_errors.set_mtu_discover`. UDP only."""
        _errors.set_mtu_discover(self._s, mode)

    def mtu_discover(self: _AsyncDatagram[SocketAddrV4] | _AsyncDatagram[SocketAddrV6]) -> int:
        """The path MTU discovery mode (``udp_errors.PMTUDISC_*``). UDP only."""
        return _errors.mtu_discover(self._s)

    async def recv_slots(
        self: _AsyncDatagram[SocketAddrV4] | _AsyncDatagram[SocketAddrV6],
        slots: _slots.RecvSlots[Any],
        buffers: Sequence[Any],
        flags: int = 0,
    ) -> int:
        """One ``recvmmsg(2)`` of whatever is queued (at least one datagram)
        straight into ``buffers``, senders and metadata into ``slots``; see
        :func:`wirelane.udp_slots.recv_slots`. UDP only. Cancel-safe: a
        cancelled call has received nothing."""
        n: int = await self._read(_slots.recv_slots, self._s, slots, buffers, flags)
        return n

    def set_recv_meta(
        self: _AsyncDatagram[SocketAddrV4] | _AsyncDatagram[SocketAddrV6],
        *,
        ecn: bool = False,
        addr: bool = False,
        ttl: bool = False,
        timestamp: bool = False,
        errors: bool = False,
        software_timestamp: bool = False,
        on: bool = True,
    ) -> None:
        """Turns receive-side metadata on or off; see
        :func:`wirelane.udp_meta.set_recv_meta`. UDP only."""
        _meta.set_recv_meta(
            self._s,
            ecn=ecn,
            addr=addr,
            ttl=ttl,
            timestamp=timestamp,
            errors=errors,
            software_timestamp=software_timestamp,
            on=on,
        )

    async def recv_meta(self: _AsyncDatagram[SocketAddrV4] | _AsyncDatagram[SocketAddrV6], buffer: Any) -> _meta.RecvMeta:
        """One datagram (on a connected twin, from the peer) into ``buffer``
        (no copy) with its metadata; see :func:`wirelane.udp_meta.recv_meta`.
        UDP only. Cancel-safe: a cancelled call has received nothing."""
        r: _meta.RecvMeta = await self._read(_meta.recv_meta, self._s, buffer)
        return r

    async def recv_cmsg(
        self: _AsyncDatagram[SocketAddrV4] | _AsyncDatagram[SocketAddrV6],
        buffer: Any,
        ancbufsize: int = _cmsg.RECV_CONTROL_SPACE,
        flags: int = 0,
    ) -> _cmsg.RecvCmsg:
        """One datagram into ``buffer`` with its raw control messages; see
        :func:`wirelane.cmsg.recv_cmsg`. UDP only. Cancel-safe: a cancelled
        call has received nothing."""
        r: _cmsg.RecvCmsg = await self._read(_cmsg.recv_cmsg, self._s, buffer, ancbufsize, flags)
        return r


class AsyncBoundDatagram(_AsyncDatagram[D]):
    """An unconnected datagram socket inside the event loop; from
    :func:`wrap` of a :class:`~wirelane.BoundDatagram`."""

    __slots__ = ()

    async def sendto(self, data: Any, address: D, flags: int = 0) -> int:
        """Sends one datagram to ``address``. Cancel-safe."""
        s = self._s
        while True:
            try:
                n: int = s.sendto(data, address, flags)
                return n
            except BlockingIOError:
                pass
            await self._wait(True)

    @overload
    async def sendto_segmented(
        self: AsyncBoundDatagram[SocketAddrV4], data: Any, segment_size: int, address: SocketAddrV4
    ) -> SegmentedSend: ...

    @overload
    async def sendto_segmented(
        self: AsyncBoundDatagram[SocketAddrV6], data: Any, segment_size: int, address: SocketAddrV6
    ) -> SegmentedSend: ...

    async def sendto_segmented(self, data: Any, segment_size: int, address: Any) -> SegmentedSend:
        """``data`` as ``segment_size``-byte datagrams in one GSO send (see
        ``BoundDatagram.sendto_segmented``). UDP only."""
        r: SegmentedSend = await self._write(self._s.sendto_segmented, data, segment_size, address)
        return r

    async def send_meta(
        self: AsyncBoundDatagram[SocketAddrV4] | AsyncBoundDatagram[SocketAddrV6],
        data: Any,
        address: Any,
        *,
        ecn: int | None = None,
        ttl: int | None = None,
        src: Any = None,
        ifindex: int = 0,
        segment_size: int | None = None,
    ) -> int:
        """Sends one datagram to ``address`` with per-datagram metadata; see
        :func:`wirelane.udp_meta.send_meta`. Returns the bytes sent. UDP
        only. Cancel-safe: a cancelled call has sent nothing."""
        s = self._s
        while True:
            try:
                return _meta.send_meta(
                    s, data, address, ecn=ecn, ttl=ttl, src=src, ifindex=ifindex, segment_size=segment_size
                )
            except BlockingIOError:
                pass
            await self._wait(True)

    async def send_cmsg(
        self: AsyncBoundDatagram[SocketAddrV4] | AsyncBoundDatagram[SocketAddrV6],
        data: Any,
        control: _cmsg.Messages,
        address: Any,
        flags: int = 0,
    ) -> int:
        """Sends one datagram to ``address`` with control messages; see
        :func:`wirelane.cmsg.send_cmsg`. UDP only. Cancel-safe: a cancelled
        call has sent nothing."""
        n: int = await self._write(_cmsg.send_cmsg, self._s, data, control, address, flags)
        return n

    def unwrap(self) -> BoundDatagram[D]:
        """The sync :class:`~wirelane.BoundDatagram` back."""
        d: BoundDatagram[D] = self._unwrap()
        return d


class AsyncConnectedDatagram(_AsyncDatagram[D]):
    """A connected datagram socket inside the event loop; from :func:`wrap`
    of a :class:`~wirelane.ConnectedDatagram`."""

    __slots__ = ()

    async def send(self, data: Any, flags: int = 0) -> int:
        """Sends one datagram to the peer. Cancel-safe."""
        s = self._s  # the loop written out, not _write: one coroutine less per call
        while True:
            try:
                n: int = s.send(data, flags)
                return n
            except BlockingIOError:
                pass
            await self._wait(True)

    async def recv(self, bufsize: int, flags: int = 0) -> bytes:
        """One datagram from the peer. Cancel-safe."""
        s = self._s
        while True:
            try:
                data: bytes = s.recv(bufsize, flags)
                return data
            except BlockingIOError:
                pass
            await self._wait(False)

    async def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        """One datagram into ``buffer``; its length. Cancel-safe."""
        s = self._s  # the loop written out, not _read: one coroutine less per call
        while True:
            try:
                n: int = s.recv_into(buffer, nbytes, flags)
                return n
            except BlockingIOError:
                pass
            await self._wait(False)

    async def send_segmented(
        self: AsyncConnectedDatagram[SocketAddrV4] | AsyncConnectedDatagram[SocketAddrV6], data: Any, segment_size: int
    ) -> SegmentedSend:
        """``data`` as ``segment_size``-byte datagrams in one GSO send. UDP only."""
        r: SegmentedSend = await self._write(self._s.send_segmented, data, segment_size)
        return r

    async def send_meta(
        self: AsyncConnectedDatagram[SocketAddrV4] | AsyncConnectedDatagram[SocketAddrV6],
        data: Any,
        *,
        ecn: int | None = None,
        ttl: int | None = None,
        src: Any = None,
        ifindex: int = 0,
        segment_size: int | None = None,
    ) -> int:
        """Sends one datagram to the peer with per-datagram metadata; see
        :func:`wirelane.udp_meta.send_meta`. Returns the bytes sent. UDP
        only. Cancel-safe: a cancelled call has sent nothing."""
        s = self._s
        while True:
            try:
                return _meta.send_meta(s, data, ecn=ecn, ttl=ttl, src=src, ifindex=ifindex, segment_size=segment_size)
            except BlockingIOError:
                pass
            await self._wait(True)

    async def send_cmsg(
        self: AsyncConnectedDatagram[SocketAddrV4] | AsyncConnectedDatagram[SocketAddrV6],
        data: Any,
        control: _cmsg.Messages,
        flags: int = 0,
    ) -> int:
        """Sends one datagram to the peer with control messages; see
        :func:`wirelane.cmsg.send_cmsg`. UDP only. Cancel-safe: a cancelled
        call has sent nothing."""
        n: int = await self._write(_cmsg.send_cmsg, self._s, data, control, None, flags)
        return n

    def path_mtu(self: AsyncConnectedDatagram[SocketAddrV4] | AsyncConnectedDatagram[SocketAddrV6]) -> int:
        """The path MTU towards the peer; see
        :func:`wirelane.udp_errors.path_mtu`. UDP only."""
        return _errors.path_mtu(self._s)

    async def send_fds(self: AsyncConnectedDatagram[UnixAddr], data: Any, fds: Sequence[Any]) -> int:
        """One datagram with descriptors attached. Unix only."""
        n: int = await self._write(self._s.send_fds, data, fds)
        return n

    async def recv_fds(self: AsyncConnectedDatagram[UnixAddr], bufsize: int, maxfds: int) -> tuple[bytes, list[int]]:
        """One datagram and its descriptors. Unix only. Cancel-safe."""
        r: tuple[bytes, list[int]] = await self._read(self._s.recv_fds, bufsize, maxfds)
        return r

    def getpeername(self) -> D:
        """The peer's address."""
        addr: D = self._s.getpeername()
        return addr

    def unwrap(self) -> ConnectedDatagram[D]:
        """The sync :class:`~wirelane.ConnectedDatagram` back."""
        d: ConnectedDatagram[D] = self._unwrap()
        return d
