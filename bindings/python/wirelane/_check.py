"""Argument checking as strict as the :mod:`socket` module's, in one place.

Every public function and method of the package checks its arguments with
these helpers before anything reaches ctypes, because ctypes itself is
lax: it wraps an out-of-range ``int`` silently to the C type's width, cuts
a ``bytes`` at its first NUL when C reads it as a string, and a Python
wrapper that calls ``bool(x)`` or ``x.encode()`` accepts (or crashes on)
anything. The rules, as the stdlib applies them:

* a wrong type is :class:`TypeError` naming the function, the parameter
  and the type given; no silent conversion (a ``str`` is never an
  integer, a ``float`` is never an integer, ``None`` is refused wherever
  the signature does not allow it);
* an integer outside the C parameter's range is :class:`OverflowError`;
  a negative size or a negative descriptor is :class:`ValueError`;
* an embedded NUL in a string that C reads as a C string (a Unix socket
  path, an interface or algorithm name) is :class:`ValueError`, for
  ``str`` and ``bytes`` alike.

Each helper returns the checked (and normalised) value. They are cheap on
the common case (``type(x) is int`` first), and the hot paths of
``send``/``recv`` call them only when their inline fast test fails. The
socket-option methods (issue 17 generates them from a table) call
:func:`flag`, :func:`uint` and :func:`sint` by the C type of the option.
"""

from __future__ import annotations

import math
import operator
import os
from typing import Any, Final

INT_MIN: Final = -(2**31)
INT_MAX: Final = 2**31 - 1
UINT32_MAX: Final = 2**32 - 1
SSIZE_MAX: Final = 2**63 - 1
FD_MAX: Final = INT_MAX


def _tname(value: object) -> str:
    return type(value).__name__


def integer(value: Any, name: str, what: str, lo: int = INT_MIN, hi: int = INT_MAX) -> int:
    """An integer argument checked as the stdlib checks a C integer: an
    ``int`` or any object with ``__index__`` (not ``float``, not ``str``,
    not ``None``), else :class:`TypeError`; outside ``lo..hi``
    :class:`OverflowError`."""
    if type(value) is not int:
        try:
            value = operator.index(value)
        except TypeError:
            raise TypeError(f"{what}() argument '{name}' must be an integer, not {_tname(value)}") from None
    if not lo <= value <= hi:
        raise OverflowError(f"{what}() argument '{name}' out of range ({lo}..{hi}): {value}")
    return int(value)


def uint(value: Any, bits: int, name: str, what: str) -> int:
    """An unsigned C integer of ``bits`` bits (``uint8_t`` ... ``uint64_t``):
    negative or too large is :class:`OverflowError`."""
    if type(value) is int and 0 <= value < (1 << bits):
        return value
    return integer(value, name, what, 0, (1 << bits) - 1)


def sint(value: Any, bits: int, name: str, what: str) -> int:
    """A signed C integer of ``bits`` bits (``int`` is 32)."""
    half = 1 << (bits - 1)
    if type(value) is int and -half <= value < half:
        return value
    return integer(value, name, what, -half, half - 1)


def size(value: Any, name: str, what: str, hi: int = SSIZE_MAX) -> int:
    """A byte or item count: an integer; negative is :class:`ValueError`
    (the stdlib's ``negative buffersize``), past ``hi`` (``ssize_t`` by
    default) :class:`OverflowError`."""
    if type(value) is int and 0 <= value <= hi:
        return value
    v = integer(value, name, what, -SSIZE_MAX - 1, SSIZE_MAX)
    if v < 0:
        raise ValueError(f"{what}() argument '{name}' must not be negative: {v}")
    if v > hi:
        raise OverflowError(f"{what}() argument '{name}' out of range (0..{hi}): {v}")
    return v


def optional_size(value: Any, name: str, what: str, hi: int = SSIZE_MAX) -> int | None:
    """:func:`size`, or ``None``."""
    return None if value is None else size(value, name, what, hi)


def flag(value: Any, name: str, what: str) -> bool:
    """A boolean option value: ``bool``, or an integer (as ``setsockopt``
    takes ``1``/``0``); anything else (``None``, a ``str``, a ``float``)
    is :class:`TypeError`, never its truth value."""
    if value is True or value is False:
        return value
    if type(value) is int:
        return value != 0
    if type(value) is float or not hasattr(type(value), "__index__"):
        raise TypeError(f"{what}() argument '{name}' must be a bool, not {_tname(value)}")
    return operator.index(value) != 0


def seconds(value: Any, name: str, what: str, allow_none: bool = True) -> float | None:
    """A duration in seconds as ``settimeout`` takes it: a non-negative
    ``int`` or ``float`` (``None`` if allowed); a ``str`` is
    :class:`TypeError`, a negative value or NaN :class:`ValueError`."""
    if value is None:
        if allow_none:
            return None
        raise TypeError(f"{what}() argument '{name}' must be a number of seconds, not None")
    t = type(value)
    if t is not float and t is not int:
        if isinstance(value, (str, bytes, bytearray)) or not isinstance(value, (int, float)):
            raise TypeError(f"{what}() argument '{name}' must be a number of seconds, not {_tname(value)}")
    v = float(value)
    if math.isnan(v):
        raise ValueError(f"{what}() argument '{name}' must not be NaN")
    if v < 0:
        raise ValueError(f"{what}() argument '{name}' must be non-negative: {value!r}")
    return v


def no_nul(raw: bytes, name: str, what: str) -> bytes:
    """``raw`` unchanged, or :class:`ValueError` if it holds a NUL byte
    (C would read it as a shorter string)."""
    if b"\0" in raw:
        raise ValueError(f"{what}() argument '{name}': embedded null byte")
    return raw


def text(value: Any, name: str, what: str) -> str:
    """A ``str`` that C reads as a C string (an interface, algorithm or
    host name): not ``bytes``, not ``None``; no NUL."""
    if type(value) is not str and not isinstance(value, str):
        raise TypeError(f"{what}() argument '{name}' must be str, not {_tname(value)}")
    if "\0" in value:
        raise ValueError(f"{what}() argument '{name}': embedded null character")
    return str(value)


def c_string(value: Any, name: str, what: str) -> bytes:
    """:func:`text`, UTF-8 encoded for C."""
    return text(value, name, what).encode()


def path(value: Any, name: str, what: str) -> bytes:
    """A filesystem path (``str``, ``bytes`` or path-like) as the bytes the
    kernel gets (``os.fsencode``); :class:`TypeError` for anything else,
    :class:`ValueError` for an embedded NUL, in ``str`` and ``bytes``."""
    try:
        raw = os.fsencode(value)
    except TypeError:
        raise TypeError(
            f"{what}() argument '{name}' must be str, bytes or os.PathLike, not {_tname(value)}"
        ) from None
    return no_nul(raw, name, what)


def name_bytes(value: Any, name: str, what: str) -> bytes:
    """An exact byte string where NUL is data (a Linux abstract socket
    name): ``bytes``, a bytes-like object, or a ``str`` (UTF-8)."""
    if type(value) is bytes:
        return value
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{what}() argument '{name}' must be bytes or str, not {_tname(value)}")


def bytes_like(value: Any, name: str, what: str) -> None:
    """Refuses what is not a bytes-like object (a ``str``, an ``int``,
    ``None`` ...) with the stdlib's :class:`TypeError`; a real buffer
    passes (the caller converts it)."""
    t = type(value)
    if t is bytes or t is bytearray or t is memoryview:
        return
    try:
        memoryview(value).release()
    except TypeError:
        raise TypeError(f"{what}() argument '{name}': a bytes-like object is required, not '{_tname(value)}'") from None


def fileno(value: Any, name: str, what: str) -> int:
    """A file descriptor: a non-negative ``int``, or an object whose
    ``fileno()`` gives one (as ``select`` and ``os.sendfile`` accept);
    negative is :class:`ValueError`, past ``int`` :class:`OverflowError`."""
    if type(value) is int and 0 <= value <= FD_MAX:
        return value
    if not hasattr(type(value), "__index__"):
        getter = getattr(value, "fileno", None)
        if getter is None or isinstance(value, (str, bytes, float)):
            raise TypeError(
                f"{what}() argument '{name}' must be a file descriptor (int) or have a fileno() method, "
                f"not {_tname(value)}"
            )
        value = getter()
    fd = integer(value, name, what, INT_MIN, FD_MAX)
    if fd < 0:
        raise ValueError(f"{what}() argument '{name}': file descriptor cannot be a negative integer ({fd})")
    return fd


def index(value: int, n: int, what: str) -> int:
    """A sequence index into ``n`` items (negative counts from the end);
    ``IndexError("<what> index out of range")`` otherwise."""
    if value < 0:
        value += n
    if not 0 <= value < n:
        raise IndexError(f"{what} index out of range")
    return value


def instance(value: Any, cls: type | tuple[type, ...], name: str, what: str) -> Any:
    """``value`` if it is an instance of ``cls``, else :class:`TypeError`
    naming what was expected."""
    if isinstance(value, cls):
        return value
    want = cls.__name__ if isinstance(cls, type) else " or ".join(c.__name__ for c in cls)
    raise TypeError(f"{what}() argument '{name}' must be {want}, not {_tname(value)}")


def iterable(value: Any, name: str, what: str) -> list[Any]:
    """A list of the items of an iterable (not a ``str``/``bytes``, which
    iterate by character), else :class:`TypeError`."""
    if isinstance(value, (str, bytes, bytearray, memoryview)) or value is None:
        raise TypeError(f"{what}() argument '{name}' must be an iterable of items, not {_tname(value)}")
    try:
        return list(value)
    except TypeError:
        raise TypeError(f"{what}() argument '{name}' must be an iterable of items, not {_tname(value)}") from None


def one_of(value: Any, choices: tuple[Any, ...], name: str, what: str) -> Any:
    """``value`` if it is (identically) one of ``choices``, else
    :class:`TypeError` listing them (for class arguments such as a
    domain or a socket kind)."""
    for c in choices:
        if value is c:
            return value
    names = ", ".join(getattr(c, "__name__", repr(c)) for c in choices)
    raise TypeError(f"{what}() argument '{name}' must be one of {names}, not {value!r}")


def _c_kinds() -> dict[Any, tuple[bool, int]]:
    import ctypes as c

    unsigned: list[Any] = [c.c_uint8, c.c_uint16, c.c_uint32, c.c_uint64, c.c_size_t, c.c_uint, c.c_ulong, c.c_ushort, c.c_ubyte]
    signed: list[Any] = [c.c_int8, c.c_int16, c.c_int32, c.c_int64, c.c_ssize_t, c.c_int, c.c_long, c.c_short, c.c_byte]
    kinds: dict[Any, tuple[bool, int]] = {t: (False, 8 * c.sizeof(t)) for t in unsigned}
    kinds.update({t: (True, 8 * c.sizeof(t)) for t in signed})
    return kinds


_C_KINDS: Final = _c_kinds()


def c_value(value: Any, ctype: Any, name: str, what: str) -> Any:
    """``value`` checked for a C parameter of ctypes type ``ctype``:
    ``c_bool`` by :func:`flag`, integer types by :func:`uint` /
    :func:`sint` with the type's width (so the range follows the header's
    prototype, never ctypes' silent wrap)."""
    import ctypes as c

    if ctype is c.c_bool:
        return flag(value, name, what)
    try:
        signed, bits = _C_KINDS[ctype]
    except KeyError:
        raise AssertionError(f"_check.c_value: no rule for C type {ctype!r}") from None
    return sint(value, bits, name, what) if signed else uint(value, bits, name, what)


def option(func: Any, value: Any, name: str, what: str) -> Any:
    """An option setter's value checked against the C type of the bound
    function's last parameter (``wl_set_<option>(fd, value)``), the helper
    the socket-option methods (and their generator, issue 17) call."""
    return c_value(value, func.argtypes[-1], name, what)


def descriptor(value: Any, name: str, what: str) -> int:
    """A file descriptor given as an integer (``from_fd``: adopting an
    object's descriptor would leave two owners): ``__index__`` only, else
    :class:`TypeError`; outside C ``int`` :class:`OverflowError`. A
    negative one is passed on: the library answers ``EBADF``, as
    ``os.fstat(-1)`` does."""
    if type(value) is int and INT_MIN <= value <= FD_MAX:
        return value
    return integer(value, name, what, INT_MIN, FD_MAX)
