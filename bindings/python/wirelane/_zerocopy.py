"""Zero copy: ``sendfile(2)``, ``splice(2)``/``tee(2)`` through pipes and
``MSG_ZEROCOPY`` sends, over the C ABI's ``wl_conn_sendfile``, ``wl_splice``,
``wl_tee``, ``wl_pipe_*`` and ``wl_conn_send_zerocopy``.

``wl_conn_sendfile_all`` and ``wl_splice_all`` are declared but the
Python API loops over the one-call functions itself: the library's loops
retry ``EINTR`` and wait without a deadline, so Ctrl-C would not reach
Python; the Python loops run signal handlers and honour the timeout.
"""

from __future__ import annotations

import ctypes
import errno
import math
import select
import stat
import time
from ctypes import POINTER, Structure, c_bool, c_int, c_int64, c_size_t, c_ssize_t, c_uint, c_uint32, c_uint64, c_void_p
from typing import Any, Callable, NamedTuple, final

from . import _check, _ffi
from . import _prototypes as _p
from ._addr import D
from ._base import _CLOSING, TimeoutSocket, check_signals, parse_timeout, wait_fd
from ._buffers import Pinned
from ._owned import Owned

_Fn = Callable[..., int]
_d = _ffi.declare


wl_zerocopy_completion = _p.wl_zerocopy_completion


wl_pipe = _p.wl_pipe


PipeP = POINTER(wl_pipe)
_U64P = POINTER(c_uint64)
_I64P = POINTER(c_int64)

conn_sendfile: _Fn = _p.wl_conn_sendfile
conn_sendfile_all: _Fn = _p.wl_conn_sendfile_all
splice_all_c: _Fn = _p.wl_splice_all

SPLICE_F_MOVE = 1
"""``WL_SPLICE_F_MOVE``: move pages instead of copying (a hint)."""
SPLICE_F_NONBLOCK = 2
"""``WL_SPLICE_F_NONBLOCK``: do not block on the pipe."""
SPLICE_F_MORE = 4
"""``WL_SPLICE_F_MORE``: more data follows (like ``MSG_MORE``)."""
SPLICE_F_GIFT = 8
"""``WL_SPLICE_F_GIFT``: unused for splice (``vmsplice`` only)."""


def _fileno(obj: Any, name: str = "fd", what: str = "splice") -> int:
    return _check.fileno(obj, name, what)


def _retry(call: Callable[[], int]) -> int:
    """One call, retried after signal handlers on ``EINTR`` (PEP 475)."""
    while True:
        try:
            return call()
        except InterruptedError:
            check_signals()


def pipe() -> tuple[int, int]:
    """A pipe (``pipe2(2)``, close-on-exec): ``(read_end, write_end)``,
    both yours to close."""
    fds = (c_int * 2)()
    _p.wl_pipe_fds(fds)
    return fds[0], fds[1]


def splice(src: Any, dst: Any, length: int, *, src_offset: int | None = None,
           dst_offset: int | None = None, flags: int = 0) -> int:
    """Moves up to ``length`` bytes from ``src`` to ``dst`` inside the kernel
    (one ``splice(2)``; one side must be a pipe). An offset may be given for
    the side that is not a pipe (its file position is then untouched).
    Returns the bytes moved, 0 at end of input."""
    a, b = _fileno(src, "src", "splice"), _fileno(dst, "dst", "splice")
    n = _check.size(length, "length", "splice")
    fl = _check.uint(flags, 32, "flags", "splice")
    oi = None if src_offset is None else ctypes.byref(c_int64(_check.size(src_offset, "src_offset", "splice")))
    oo = None if dst_offset is None else ctypes.byref(c_int64(_check.size(dst_offset, "dst_offset", "splice")))
    return _retry(lambda: _p.wl_splice(a, oi, b, oo, n, fl))


def tee(pipe_in: Any, pipe_out: Any, length: int, flags: int = 0) -> int:
    """Duplicates up to ``length`` bytes from one pipe to another without
    consuming them (``tee(2)``)."""
    a, b = _fileno(pipe_in, "pipe_in", "tee"), _fileno(pipe_out, "pipe_out", "tee")
    n = _check.size(length, "length", "tee")
    fl = _check.uint(flags, 32, "flags", "tee")
    return _retry(lambda: _p.wl_tee(a, b, n, fl))


@final
class Pipe(Owned):
    """A pipe for :func:`splice` (both ends close-on-exec, closed
    together). ``capacity`` (bytes) resizes it (``F_SETPIPE_SZ``)."""

    __slots__ = ("_h",)
    _free = _p.wl_pipe_free
    _CLOSED = "this Pipe is closed"

    def __init__(self, capacity: int = 0) -> None:
        self._h: Any = None
        cap = _check.size(capacity, "capacity", "Pipe")
        out = PipeP()
        _p.wl_pipe_new(cap, ctypes.byref(out))
        self._h = out

    @property
    def reader(self) -> int:
        """The read end's descriptor (owned by the pipe)."""
        return _p.wl_pipe_reader(self._live())

    @property
    def writer(self) -> int:
        """The write end's descriptor (owned by the pipe)."""
        return _p.wl_pipe_writer(self._live())

    def capacity(self) -> int:
        """The pipe's capacity in bytes (``F_GETPIPE_SZ``)."""
        out = c_size_t()
        _p.wl_pipe_capacity(self._live(), ctypes.byref(out))
        return out.value

    def set_capacity(self, size: int) -> int:
        """Resizes the pipe; returns the capacity the kernel chose."""
        n = _check.size(size, "size", "set_capacity")
        out = c_size_t()
        _p.wl_pipe_set_capacity(self._live(), n, ctypes.byref(out))
        return out.value

    def pending(self) -> int:
        """Bytes waiting in the pipe (``FIONREAD``)."""
        out = c_size_t()
        _p.wl_pipe_pending(self._live(), ctypes.byref(out))
        return out.value

    def detach(self) -> tuple[int, int]:
        """Gives up both ends: ``(read_end, write_end)``, now yours."""
        fds = (c_int * 2)()
        _p.wl_pipe_into_fds(self._live(), fds)
        self._h = None
        return fds[0], fds[1]



def splice_all(src: Any, dst: Any, length: int, via: Pipe, timeout: float | None = None) -> int:
    """Moves ``length`` bytes from ``src`` to ``dst`` through the (empty)
    pipe ``via``: the zero-copy proxy loop. Returns the bytes delivered
    (fewer only at end of input). Waits with ``poll(2)`` when a side is
    not ready, within ``timeout`` seconds overall; signals run Python's
    handlers. On failure the exception has ``transferred`` (delivered) and
    ``in_pipe`` (read but still in ``via``) attributes."""
    a, b = _fileno(src, "src", "splice_all"), _fileno(dst, "dst", "splice_all")
    length = _check.size(length, "length", "splice_all")
    r, w = _check.instance(via, Pipe, "via", "splice_all").reader, via.writer
    if via.pending():
        raise ValueError("splice_all needs an empty pipe")
    t = parse_timeout(timeout)
    deadline = None if t is None else time.monotonic() + t
    delivered = in_pipe = 0
    eof = False

    def left() -> float | None:
        return None if deadline is None else max(0.0, deadline - time.monotonic())

    def step(call: Callable[[], int], fd: int, events: int) -> int:
        while True:
            try:
                return call()
            except InterruptedError:
                check_signals()
            except BlockingIOError:
                if not wait_fd(fd, events, left()):
                    raise TimeoutError("timed out") from None

    try:
        while delivered < length and not (eof and in_pipe == 0):
            if not eof and in_pipe == 0:
                want = length - delivered
                n = step(lambda: _p.wl_splice(a, None, w, None, want, SPLICE_F_MOVE | SPLICE_F_NONBLOCK), a, select.POLLIN)  # noqa: B023
                if n == 0:
                    eof = True
                in_pipe += n
            if in_pipe:
                n = step(lambda: _p.wl_splice(r, None, b, None, in_pipe, SPLICE_F_MOVE | SPLICE_F_NONBLOCK), b, select.POLLOUT)  # noqa: B023
                in_pipe -= n
                delivered += n
        return delivered
    except OSError as e:
        e.transferred = delivered  # type: ignore[attr-defined]
        e.in_pipe = in_pipe  # type: ignore[attr-defined]
        e.add_note(f"transferred = {delivered}, in_pipe = {in_pipe}")
        raise


class ZerocopyCompletion(NamedTuple):
    """A ``MSG_ZEROCOPY`` completion: sends ``first..last`` (inclusive,
    wrapping) are done and their buffers released."""

    first: int
    last: int
    copied: bool
    """The kernel fell back to copying (always on loopback)."""


def _seekable(file: Any) -> bool:
    seekable = getattr(file, "seekable", None)
    return bool(seekable()) if callable(seekable) else hasattr(file, "seek")


class ZcState:
    """The buffers of ``MSG_ZEROCOPY`` sends still in flight, by send id."""

    __slots__ = ("pins", "next_id")

    def __init__(self) -> None:
        self.pins: dict[int, Pinned] = {}
        self.next_id = 0


class ZeroCopy(TimeoutSocket[D]):
    """Zero-copy sends (mixed into :class:`Connection`)."""

    __slots__ = ()
    # Set by the concrete class (a slot there).
    _zc_state: ZcState

    def sendfile(self, file: Any, offset: int = 0, count: int | None = None) -> int:
        """Sends a file's bytes with ``sendfile(2)`` (kernel to kernel, no
        copy through Python), as ``socket.sendfile``: returns the byte count,
        leaves the file position after the last byte sent, and falls back to
        ``send`` for objects without a regular file descriptor. A timeout
        applies to each wait for writability, as in the stdlib."""
        import io
        import os

        if not (hasattr(file, "fileno") or hasattr(file, "read")) or isinstance(file, (str, bytes)):
            raise TypeError(f"sendfile() argument 'file' must be a file object, not {type(file).__name__}")
        offset = _check.size(offset, "offset", "sendfile")
        if count is not None:
            count = _check.size(count, "count", "sendfile")
            if count <= 0:
                raise ValueError(f"count must be a positive integer (got {count!r})")
        if "b" not in getattr(file, "mode", "b"):
            raise ValueError("file should be opened in binary mode")
        if self._timeout == 0:
            raise ValueError("non-blocking sockets are not supported")
        try:
            fileno = file.fileno()
            st = os.fstat(fileno)
        except (AttributeError, io.UnsupportedOperation, OSError):
            return self._sendfile_use_send(file, offset, count)
        if not stat.S_ISREG(st.st_mode):
            # A pipe or device: no size to go by (the stdlib would send
            # nothing); copy through Python instead.
            return self._sendfile_use_send(file, offset, count)
        fsize = st.st_size
        if not fsize:
            return 0
        pos = c_uint64(offset)
        total = 0
        try:
            while True:
                block = min((count - total) if count else fsize, 2**30)
                if block <= 0:
                    break
                try:
                    sent = self._io(
                        "sendfile()", select.POLLOUT, lambda h: conn_sendfile(h, fileno, ctypes.byref(pos), block)  # noqa: B023
                    )
                except OSError as e:
                    if total == 0 and e.errno in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ESPIPE):
                        # Not a file sendfile(2) can read: copy through Python.
                        return self._sendfile_use_send(file, offset, count)
                    raise
                if sent == 0:
                    break
                total += sent
            return total
        finally:
            if total > 0 and _seekable(file):
                file.seek(offset + total)

    def _sendfile_use_send(self, file: Any, offset: int, count: int | None) -> int:
        if offset:
            file.seek(offset)
        block = min(count, 8192) if count else 8192
        total = 0
        try:
            while True:
                if count:
                    block = min(count - total, block)
                    if block <= 0:
                        break
                data = file.read(block)
                if not data:
                    break
                self._sendall_bytes(data)
                total += len(data)
            return total
        finally:
            if total > 0 and _seekable(file):
                file.seek(offset + total)

    def _sendall_bytes(self, data: bytes) -> None:
        raise NotImplementedError

    def send_zerocopy(self, data: Any) -> int:
        """Sends with ``MSG_ZEROCOPY`` (enable ``set_zerocopy(True)`` first):
        the kernel transmits from ``data``'s own memory after this returns,
        so the binding keeps ``data`` pinned until a completion covering
        this send arrives (:meth:`recv_zerocopy_completion`). Do not modify
        a mutable buffer before that. Returns the bytes queued."""
        pin = Pinned(data)
        try:
            n = self._io("send_zerocopy()", select.POLLOUT, lambda h: _p.wl_conn_send_zerocopy(h, pin.address, pin.nbytes))
        except BaseException:
            pin.release()
            raise
        if n > 0:
            # Each send that queues bytes gets the socket's next id.
            zc = self._zc_state
            zc.pins[zc.next_id] = pin
            zc.next_id = (zc.next_id + 1) & 0xFFFFFFFF
        else:
            pin.release()
        return n

    def _complete(self, c: wl_zerocopy_completion) -> ZerocopyCompletion:
        first, last = c.first, c.last
        pins = self._zc_state.pins
        for sid in list(pins):
            inside = first <= sid <= last if first <= last else (sid >= first or sid <= last)
            if inside:
                pins.pop(sid).release()
        return ZerocopyCompletion(first, last, bool(c.copied))

    def recv_zerocopy_completion(self) -> ZerocopyCompletion | None:
        """Reads one completion without blocking; ``None`` if none waits."""
        out = wl_zerocopy_completion()
        got = self._call(lambda h: _p.wl_conn_recv_zerocopy_completion(h, ctypes.byref(out)))
        return self._complete(out) if got else None

    def wait_zerocopy_completion(self, timeout: float | None = None) -> ZerocopyCompletion | None:
        """Waits up to ``timeout`` seconds (``None``: forever) for a
        completion; ``None`` on timeout. Signals run Python's handlers."""
        t = parse_timeout(timeout)
        deadline = None if t is None else time.monotonic() + t
        out = wl_zerocopy_completion()
        h = self._acquire()
        try:
            while True:
                ms = -1 if deadline is None else max(0, math.ceil((deadline - time.monotonic()) * 1000))
                try:
                    got = _p.wl_conn_wait_zerocopy_completion(h, ms, ctypes.byref(out))
                except InterruptedError:
                    if self._state == _CLOSING:
                        raise self._closed_during("wait_zerocopy_completion()") from None
                    check_signals()
                    continue
                return self._complete(out) if got else None
        finally:
            self._release()
