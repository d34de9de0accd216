"""``wirelane.aio.create_datagram_endpoint``'s transport: asyncio's
``DatagramTransport`` over a Wirelane datagram socket, batched both ways.

Read path: each readiness event is drained with one ``recvmmsg(2)`` into a
reusable :class:`~wirelane.RecvBatch` (up to ``batch`` datagrams), copied
out with one ``wl_recv_batch_unpack`` call (all payloads back to back, their
lengths and senders in arrays: one foreign call per batch, not several per
datagram), then ``datagram_received`` runs once per datagram with a slice
of that copy and a cached address object for each sender seen before.
CPython's own transport does one ``recvfrom`` per event, which is why it is
slow under load.

Write path: ``sendto`` queues the datagram and, once per loop iteration,
the queue goes out in as few system calls as the kernel allows (a burst of
``sendto`` calls in one callback becomes one or a few): a run of queued
UDP datagrams of one size to one destination (the run's last may be
shorter, as GSO allows) goes out as one ``sendmsg(2)`` with
``UDP_SEGMENT`` (GSO: the kernel cuts it into the datagrams), up to 64
datagrams and one UDP payload (65507 bytes over IPv4) at a time; everything
else goes out with ``sendmmsg(2)``. Where the kernel refuses GSO (no
``UDP_SEGMENT``, no checksum offload: ``ENOPROTOOPT``, ``EOPNOTSUPP``,
``EIO``) the segments go out with ``sendmmsg`` instead and the transport
stops trying GSO; a size the path MTU cannot carry as a segment
(``EINVAL``) is not tried again. Order is kept either way. When the kernel
buffer is full the rest waits for writability;
``pause_writing``/``resume_writing`` follow asyncio's high/low water marks
(64 KiB / 16 KiB by default).
"""

from __future__ import annotations

import asyncio
import ctypes
import errno
import socket
from typing import Any, Callable

from . import _ffi
from . import _prototypes as _p
from ._addr import coerce, from_wl
from ._batch import MAX_BATCH, MAX_UDP_SEGMENTS, RecvBatch, RecvBatchP, max_udp_payload
from ._dgram import BoundDatagram, ConnectedDatagram

_Z = ctypes.c_size_t
_recv_batch_unpack: Callable[..., int] = _p.wl_recv_batch_unpack  # fmt: skip
_ADDR_SIZE = ctypes.sizeof(_ffi.wl_addr)
_INET_KEY = 28  # bytes of a wl_addr that identify an IPv4/IPv6 sender (a sockaddr_in6)
_CACHE_MAX = 4096  # senders remembered before the cache starts over


def _domain(sock: Any) -> Any:
    from ._addr import FAMILY_OF

    fam = int(sock.family)
    for dom, f in FAMILY_OF.items():
        if f == fam:
            return dom
    raise OSError(errno.EAFNOSUPPORT, f"unsupported family {fam}")


class DatagramTransport(asyncio.DatagramTransport):
    """An ``asyncio.DatagramTransport`` on a Wirelane datagram socket (see
    the module docstring). ``sendto`` takes Wirelane address objects or the
    stdlib's ``(host, port)`` tuples; ``datagram_received`` gets the source
    as a Wirelane address object (``SocketAddrV4``/``SocketAddrV6`` are
    ``(host, port[, ...])`` named tuples, so tuple-minded code works)."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        sock: BoundDatagram[Any] | ConnectedDatagram[Any],
        protocol: asyncio.BaseProtocol,
        batch: int = MAX_BATCH,
        max_size: int = 65535,
    ) -> None:
        super().__init__()
        self._info: dict[str, Any] = {"socket": sock}
        self._loop = loop
        self._sock: Any = sock
        self._fd = sock.fileno()
        self._protocol: Any = protocol  # a DatagramProtocol in practice (asyncio types it as BaseProtocol)
        self._connected = isinstance(sock, ConnectedDatagram)
        self._family = int(sock.family)
        cap = min(batch, MAX_BATCH)
        self._rb: RecvBatch[Any] = RecvBatch(_domain(sock), cap, max_size)
        # wl_recv_batch_unpack's outputs, allocated once.
        self._ubuf = ctypes.create_string_buffer(cap * max_size)
        self._ubuf_addr = ctypes.addressof(self._ubuf)
        self._ulens = (_Z * cap)()
        self._ulens_view = memoryview(self._ulens).cast("B").cast("Q" if ctypes.sizeof(_Z) == 8 else "I")
        self._usrcs = (_ffi.wl_addr * cap)()
        self._usrcs_view = memoryview(self._usrcs).cast("B")
        self._sources: dict[bytes, Any] = {}
        self._key_len = _ADDR_SIZE if sock.family == socket.AF_UNIX else _INET_KEY
        self._queue: list[tuple[bytes, Any]] = []
        self._buffered = 0
        self._flush_scheduled = False
        self._writer_on = False
        self._closing = False
        self._closed = False
        self._paused_reading = False
        self._protocol_paused = False
        self._high = 64 * 1024
        self._low = 16 * 1024
        # GSO: UDP only; off once the kernel refuses it; sizes it refused.
        self._gso = self._family != socket.AF_UNIX
        self._gso_payload = max_udp_payload(_domain(sock)) if self._gso else 0
        self._gso_refused_from = 1 << 16
        try:
            self._info["sockname"] = sock.getsockname()
        except OSError:
            pass
        self._peer: Any = None
        if self._connected:
            try:
                self._peer = sock.getpeername()
                self._info["peername"] = self._peer
            except OSError:
                pass
        loop.call_soon(protocol.connection_made, self)
        loop.call_soon(self._start_reading)

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """``socket`` (the Wirelane state), ``sockname``, ``peername``."""
        return self._info.get(name, default)

    # --- reading ------------------------------------------------------------

    def _start_reading(self) -> None:
        if not self._closing and not self._paused_reading:
            self._loop.add_reader(self._fd, self._read_ready)

    def _read_ready(self) -> None:
        if self._closing:
            return
        rb = self._rb
        try:
            n = self._sock.recv_batch(rb)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self._protocol.error_received(exc)
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc)
            return
        self._deliver(n)

    def _deliver(self, n: int) -> None:
        """Hands the ``n`` datagrams of the last receive to the protocol."""
        received = self._protocol.datagram_received
        h = self._rb._live()
        connected = self._connected
        done = 0
        while done < n:
            k = _recv_batch_unpack(
                h, done, self._ubuf_addr, len(self._ubuf), self._ulens, None if connected else self._usrcs, n - done
            )
            lens = self._ulens_view[:k].tolist()
            blob = ctypes.string_at(self._ubuf_addr, sum(lens))
            done += k
            if connected:
                peer = self._peer
                off = 0
                for ln in lens:
                    received(blob[off : off + ln], peer)
                    off += ln
                    if self._closing:  # the protocol closed us: deliver no more
                        return
                continue
            srcs = self._usrcs_view[: k * _ADDR_SIZE].tobytes()
            cache = self._sources
            key_len = self._key_len
            off = 0
            for i, ln in enumerate(lens):
                at = i * _ADDR_SIZE
                key = srcs[at : at + key_len]
                src = cache.get(key)
                if src is None:
                    if len(cache) >= _CACHE_MAX:
                        cache.clear()
                    src = cache[key] = from_wl(self._usrcs[i])
                received(blob[off : off + ln], src)
                off += ln
                if self._closing:
                    return

    def pause_reading(self) -> None:
        """Stops calling ``datagram_received`` until :meth:`resume_reading`."""
        if not self._paused_reading and not self._closing:
            self._paused_reading = True
            self._loop.remove_reader(self._fd)

    def resume_reading(self) -> None:
        """Resumes reading after :meth:`pause_reading`."""
        if self._paused_reading:
            self._paused_reading = False
            self._start_reading()

    def is_reading(self) -> bool:
        return not self._paused_reading and not self._closing

    # --- writing ------------------------------------------------------------

    def sendto(self, data: Any, addr: Any = None) -> None:
        """Queues one datagram for the next batched send (``sendmmsg``).
        ``addr`` is a Wirelane address or a ``(host, port)`` tuple; ``None``
        (or the peer) on a connected socket."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data argument must be a bytes-like object, not {type(data).__name__!r}")
        if self._connected:
            if addr is not None and coerce(self._family, addr) != self._peer:
                raise ValueError(f"Invalid address: must be None or {self._peer}")
            target = None
        else:
            if addr is None:
                raise ValueError("this transport is not connected: sendto needs an address")
            target = coerce(self._family, addr)
        if self._closing:
            return
        payload = bytes(data)
        self._queue.append((payload, target))
        self._buffered += len(payload)
        if not self._flush_scheduled and not self._writer_on:
            self._flush_scheduled = True
            self._loop.call_soon(self._flush)
        self._maybe_pause()

    def _gso_run(self, q: list[tuple[bytes, Any]]) -> int:
        """How many datagrams at the head of ``q`` one GSO send can carry:
        equal sizes to one destination, the last possibly shorter; 0 or 1
        means no GSO for the head."""
        if not self._gso:
            return 0
        size = len(q[0][0])
        if size == 0 or size >= self._gso_refused_from:
            return 0
        dest = q[0][1]
        limit = min(len(q), MAX_UDP_SEGMENTS, self._gso_payload // size)
        n = 1
        while n < limit:
            d, t = q[n]
            if t != dest or len(d) > size or not d:
                break
            n += 1
            if len(d) < size:
                break  # a shorter datagram ends a GSO run
        return n

    def _send_some(self, q: list[tuple[bytes, Any]]) -> int:
        """One system call for the head of the queue; how many datagrams went."""
        sock = self._sock
        run = self._gso_run(q)
        if run > 1:
            size = len(q[0][0])
            data = b"".join([d for d, _ in q[:run]])
            if self._connected:
                r = sock.send_segmented(data, size)
            else:
                r = sock.sendto_segmented(data, size, q[0][1])
            if not r.offloaded:
                if r.fallback_errno == errno.EINVAL:
                    self._gso_refused_from = min(self._gso_refused_from, size)
                else:
                    self._gso = False
            return int(r.datagrams)
        # sendmmsg of everything up to the next GSO run.
        end = 1
        while end < len(q) and end < MAX_BATCH and self._gso_run(q[end : end + 2]) < 2:
            end += 1
        chunk = q[:end]
        if self._connected:
            return len(sock.sendmmsg([d for d, _ in chunk]))
        return len(sock.sendmmsg(chunk))

    def _flush(self) -> None:
        self._flush_scheduled = False
        q = self._queue
        while q:
            try:
                sent = self._send_some(q)
            except (BlockingIOError, InterruptedError):
                if not self._writer_on:
                    self._writer_on = True
                    self._loop.add_writer(self._fd, self._flush)
                return
            except OSError as exc:
                # As asyncio: the datagram that failed is dropped and reported.
                d, _ = q.pop(0)
                self._buffered -= len(d)
                self._protocol.error_received(exc)
                continue
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc)
                return
            if not sent:  # nothing went and no error: wait for room
                if not self._writer_on:
                    self._writer_on = True
                    self._loop.add_writer(self._fd, self._flush)
                return
            for d, _ in q[:sent]:
                self._buffered -= len(d)
            del q[:sent]
        if self._writer_on and not q:
            self._writer_on = False
            self._loop.remove_writer(self._fd)
        self._maybe_resume()
        if self._closing and not q:
            self._finish_close(None)

    def get_write_buffer_size(self) -> int:
        return self._buffered

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        if high is None:
            high = 64 * 1024 if low is None else 4 * low
        if low is None:
            low = high // 4
        if not high >= low >= 0:
            raise ValueError(f"high ({high!r}) must be >= low ({low!r}) must be >= 0")
        self._high, self._low = high, low
        self._maybe_pause()

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return (self._low, self._high)

    def _maybe_pause(self) -> None:
        if not self._protocol_paused and self._buffered > self._high:
            self._protocol_paused = True
            self._protocol.pause_writing()

    def _maybe_resume(self) -> None:
        if self._protocol_paused and self._buffered <= self._low:
            self._protocol_paused = False
            self._protocol.resume_writing()

    # --- closing ------------------------------------------------------------

    def is_closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        """Stops reading; closes once queued datagrams are sent."""
        if self._closing:
            return
        self._closing = True
        self._loop.remove_reader(self._fd)
        if not self._queue:
            self._loop.call_soon(self._finish_close, None)

    def abort(self) -> None:
        """Closes at once, dropping queued datagrams."""
        self._queue.clear()
        self._buffered = 0
        self._closing = True
        self._loop.remove_reader(self._fd)
        self._finish_close(None)

    def _fatal_error(self, exc: BaseException) -> None:
        self._queue.clear()
        self._buffered = 0
        self._closing = True
        self._loop.remove_reader(self._fd)
        self._finish_close(exc)

    def _finish_close(self, exc: BaseException | None) -> None:
        if self._closed:
            return
        self._closed = True
        if self._writer_on:
            self._writer_on = False
            self._loop.remove_writer(self._fd)
        self._sock.close()
        self._rb.close()
        self._loop.call_soon(self._protocol.connection_lost, exc)
