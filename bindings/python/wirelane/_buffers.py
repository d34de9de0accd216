"""Passing Python buffers to C without copying them.

Writable buffers (``bytearray``, writable ``memoryview``, ``array``,
``mmap``) become a ctypes array over the same memory with
``(c_char * n).from_buffer(buf)``. Read-only ones are passed as they are
(``bytes``: ctypes hands C a pointer into the object) or pinned with
``PyObject_GetBuffer`` (a ``memoryview`` slice of ``bytes``, a read-only
``mmap``), which gives their address without a copy.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, Structure, c_char, c_int, c_ssize_t, c_void_p, py_object
from typing import Any

from . import _check, _ffi


class _PyBuffer(Structure):
    """CPython's ``Py_buffer``."""

    _fields_ = [
        ("buf", c_void_p),
        ("obj", c_void_p),
        ("len", c_ssize_t),
        ("itemsize", c_ssize_t),
        ("readonly", c_int),
        ("ndim", c_int),
        ("format", c_void_p),
        ("shape", c_void_p),
        ("strides", c_void_p),
        ("suboffsets", c_void_p),
        ("internal", c_void_p),
    ]


_get_buffer = ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.restype = c_int
_get_buffer.argtypes = [py_object, POINTER(_PyBuffer), c_int]
_release_buffer = ctypes.pythonapi.PyBuffer_Release
_release_buffer.restype = None
_release_buffer.argtypes = [POINTER(_PyBuffer)]

_PyBUF_SIMPLE = 0


class Pinned:
    """A read-only view of any C-contiguous buffer: ``address`` and
    ``nbytes`` stay valid until :meth:`release` (use it as a context
    manager)."""

    __slots__ = ("_view", "address", "nbytes", "_held")

    def __init__(self, data: Any) -> None:
        self._view = _PyBuffer()
        self._held = False
        try:
            _get_buffer(data, ctypes.byref(self._view), _PyBUF_SIMPLE)
        except TypeError:
            raise TypeError(
                f"a bytes-like object is required, not '{type(data).__name__}'"
            ) from None
        self._held = True
        self.address: int = self._view.buf or 0
        self.nbytes: int = self._view.len

    def release(self) -> None:
        if self._held:
            self._held = False
            _release_buffer(ctypes.byref(self._view))

    def __enter__(self) -> Pinned:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __del__(self) -> None:
        self.release()


_C1 = c_char * 1
"""A one-byte array type: ``_C1.from_buffer(buf)`` pins a writable buffer
(the ctypes object holds an export, so the buffer cannot be resized or
freed while C uses it) and passes as a ``void *`` to its first byte, the
cheapest conversion ctypes offers."""

COPY_LIMIT = 4096
"""Read-only buffers other than ``bytes`` up to this size are copied once
(``tobytes``) instead of pinned: cheaper than ``PyObject_GetBuffer`` and
``PyBuffer_Release`` through ctypes."""

SCRATCH_SIZE = 65536
STREAM_COPY_LIMIT = 8192
"""A stream ``recv_into`` of at most this many bytes (any datagram
``recv_into`` up to 64 KiB) receives into a pooled buffer and copies what
arrived into the caller's buffer: one small ``memcpy`` costs less than
pinning the caller's buffer through ctypes (``from_buffer``)."""


class Scratch(c_char * SCRATCH_SIZE):  # type: ignore[misc]
    """A pooled 64 KiB receive buffer: a ctypes array over a ``bytearray``
    it keeps exported (so it is never resized). Make one with
    :func:`new_scratch`. Slots, for the hot paths:

    - ``ref``: a ``c_void_p`` holding its address, the pointer argument
      of a :func:`wirelane._ffi.fast` function (converted once, not per
      call). Not ``ctypes.byref(self)``: that object refers back to the
      buffer and the cyclic collector cannot see it, so a dropped buffer
      would never be freed;
    - ``ba``: the ``bytearray`` under it: ``dest[:n] = ba[:n]`` copies into
      a caller's ``bytearray`` at half the cost of assigning ``bytes``
      (CPython copies any other source into a temporary ``bytearray``);
    - ``addr``: its address as an ``int`` (for ``void *`` argtypes).

    ``self[:n]`` is the received bytes as ``bytes`` (one copy)."""

    __slots__ = ("ref", "ba", "addr")
    ref: Any
    ba: bytearray
    addr: int


def new_scratch() -> Scratch:
    """A new pooled receive buffer (see :class:`Scratch`)."""
    ba = bytearray(SCRATCH_SIZE)
    buf: Scratch = Scratch.from_buffer(ba)
    buf.ba = ba
    buf.addr = ctypes.addressof(buf)
    buf.ref = c_void_p(buf.addr)  # not byref(buf): see Scratch
    return buf


_POOL: list[Scratch] = []


def take_scratch() -> Scratch:
    """A 64 KiB receive buffer from a pool shared by all threads (list
    ``pop``/``append`` are atomic); give it back with :func:`give_scratch`."""
    try:
        return _POOL.pop()
    except IndexError:
        return new_scratch()


def give_scratch(buf: Scratch) -> None:
    if len(_POOL) < 32:
        _POOL.append(buf)


_SMALL_COPY = (bytearray, memoryview)


def small_bytes(data: Any) -> Any:
    """``data`` as ``bytes`` when it is a small ``memoryview`` or
    ``bytearray``: one copy of at most :data:`COPY_LIMIT` bytes costs less
    than pinning it. Anything else is returned as it is (for the slow
    path to check and pin)."""
    t = type(data)
    if t is memoryview:
        if data.nbytes <= COPY_LIMIT:
            return data.tobytes()
    elif t is bytearray and len(data) <= COPY_LIMIT:
        return bytes(data)
    return data


def writable_small(buffer: Any) -> bool:
    """Whether ``recv_into`` may fill ``buffer`` by slice assignment from a
    pooled buffer: a ``bytearray``, or a writable, contiguous, 1-D byte
    ``memoryview``."""
    t = type(buffer)
    return t is bytearray or (
        t is memoryview
        and not buffer.readonly
        and buffer.format == "B"
        and buffer.ndim == 1
        and buffer.c_contiguous
    )


def readable(data: Any) -> tuple[Any, int, Pinned | None]:
    """A pointer argument for ``data``, its length, and a pin to release
    (``None`` when nothing was pinned)."""
    t = type(data)
    if t is bytes:
        return data, len(data), None
    if t is bytearray:
        n = len(data)
        return (_C1.from_buffer(data) if n else None), n, None
    if t is memoryview and data.c_contiguous:
        n = data.nbytes
        if not data.readonly:
            return (_C1.from_buffer(data) if n else None), n, None
        if n <= COPY_LIMIT:
            return data.tobytes(), n, None
    if data is None or isinstance(data, (str, int, float)):
        raise TypeError(f"a bytes-like object is required, not '{type(data).__name__}'")
    pin = Pinned(data)
    return c_void_p(pin.address), pin.nbytes, pin


def writable(buffer: Any, nbytes: Any, what: str) -> tuple[Any, int]:
    """A pointer argument over a writable buffer, and the byte count to use
    (``nbytes``, or the whole buffer when 0), checked as the stdlib's
    ``recv_into`` checks it."""
    t = type(buffer)
    if t is bytearray:
        size = len(buffer)
    elif t is memoryview and not buffer.readonly and buffer.c_contiguous:
        size = buffer.nbytes
    else:
        try:
            view = memoryview(buffer)
        except TypeError:
            raise TypeError(
                f"{what}() argument 'buffer' must be read-write bytes-like object, "
                f"not {type(buffer).__name__}"
            ) from None
        if view.readonly:
            raise TypeError(
                f"{what}() argument 'buffer' must be read-write bytes-like object, "
                f"not {type(buffer).__name__}"
            )
        if not view.c_contiguous:
            raise BufferError(f"{what}() needs a C-contiguous buffer")
        size = view.nbytes
        buffer = view
    n = size_arg(nbytes, "nbytes", what)
    if n == 0:
        n = size
    elif n > size:
        raise ValueError(f"{what}(): buffer too small for requested bytes")
    # The ctypes object keeps the buffer exported while C writes into it.
    return (_C1.from_buffer(buffer) if size else None), n


def int_arg(value: Any, name: str, what: str, lo: int = _check.INT_MIN, hi: int = _check.INT_MAX) -> int:
    """:func:`wirelane._check.integer` (kept under this name for the
    modules that import it from here)."""
    return _check.integer(value, name, what, lo, hi)


def size_arg(value: Any, name: str, what: str) -> int:
    """:func:`wirelane._check.size`: a byte count, ``ValueError`` if
    negative, ``OverflowError`` past ``ssize_t``."""
    return _check.size(value, name, what)


class IovecArray:
    """An ``iovec`` array over several buffers (readable or writable),
    keeping them pinned until :meth:`release`."""

    __slots__ = ("array", "count", "total", "_keep", "_pins")

    def __init__(self, buffers: Any, write: bool, what: str) -> None:
        bufs = list(buffers)
        self.count = len(bufs)
        self.array = (_ffi.iovec * max(self.count, 1))()
        self._keep: list[Any] = []
        self._pins: list[Pinned] = []
        self.total = 0
        try:
            for i, b in enumerate(bufs):
                if write:
                    arr, n = writable(b, 0, what)
                    self._keep.append(arr)
                    addr = ctypes.addressof(arr)
                else:
                    pin = Pinned(b)
                    self._pins.append(pin)
                    addr, n = pin.address, pin.nbytes
                self.array[i].iov_base = addr
                self.array[i].iov_len = n
                self.total += n
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        for pin in self._pins:
            pin.release()
        self._pins.clear()
        self._keep.clear()
