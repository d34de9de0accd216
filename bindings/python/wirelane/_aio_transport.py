"""``wirelane.aio.create_datagram_endpoint``'s transport: asyncio's
``DatagramTransport`` over a Wirelane datagram socket, batched both ways.

Read path: each readiness event is drained with one ``recvmmsg(2)`` into a
reusable :class:`~wirelane.RecvBatch` (up to ``batch`` datagrams), then
``datagram_received`` runs once per datagram. CPython's own transport does
one ``recvfrom`` per event, which is why it is slow under load.

Write path: ``sendto`` queues the datagram and, once per loop iteration,
the queue goes out with ``sendmmsg(2)`` (a burst of ``sendto`` calls in one
callback becomes one system call). When the kernel buffer is full the
rest waits for writability; ``pause_writing``/``resume_writing`` follow
asyncio's high/low water marks (64 KiB / 16 KiB by default).
"""

from __future__ import annotations

import asyncio
import errno
from typing import Any

from ._addr import coerce
from ._batch import MAX_BATCH, RecvBatch
from ._dgram import BoundDatagram, ConnectedDatagram


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
        protocol: asyncio.DatagramProtocol,
        batch: int = MAX_BATCH,
        max_size: int = 65535,
    ) -> None:
        super().__init__()
        self._info: dict[str, Any] = {"socket": sock}
        self._loop = loop
        self._sock: Any = sock
        self._fd = sock.fileno()
        self._protocol = protocol
        self._connected = isinstance(sock, ConnectedDatagram)
        self._family = int(sock.family)
        self._rb: RecvBatch[Any] = RecvBatch(_domain(sock), min(batch, MAX_BATCH), max_size)
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
        received = self._protocol.datagram_received
        peer = self._peer
        for i in range(n):
            m = rb[i]
            received(m.data, peer if self._connected else m.source)

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

    def _flush(self) -> None:
        self._flush_scheduled = False
        q = self._queue
        sock = self._sock
        while q:
            chunk = q[:MAX_BATCH]
            try:
                if self._connected:
                    sent = len(sock.sendmmsg([d for d, _ in chunk]))
                else:
                    sent = len(sock.sendmmsg(chunk))
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
            if not sent:
                break
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
        self._loop.call_soon(self._protocol.connection_lost, exc)  # type: ignore[arg-type]
