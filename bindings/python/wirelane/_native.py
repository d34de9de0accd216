"""Loading the library and binding its functions: what the generated
``_prototypes`` module needs (``bind``) and the one error hook.

Every function gets ``argtypes`` and ``restype`` from the header (see
``gen_prototypes.py``). Every function returning ``int`` or ``ssize_t``
shares one ``errcheck`` hook that turns a negative return (``-errno``)
into ``OSError(errno, text)``, so the standard subclasses come out
(``ConnectionRefusedError``, ``BrokenPipeError``, ``BlockingIOError``,
...); the text is the library's detailed last-error message when it says
more than ``strerror`` does.
"""

from __future__ import annotations

import ctypes
import os
from typing import Any

from . import _lib

LIB, LIB_PATH = _lib.load()
"""The loaded library and the path it was loaded from."""

DECLARED: dict[str, Any] = {}
"""Every bound C function by name (the header tests read it)."""


def bind(name: str, restype: Any, argtypes: list[Any], errcheck: bool = True) -> Any:
    """Binds one library function with its prototype."""
    func = getattr(LIB, name)
    func.restype = restype
    func.argtypes = argtypes
    if errcheck and restype in (ctypes.c_int, ctypes.c_ssize_t):
        func.errcheck = _errcheck
    DECLARED[name] = func
    return func


def last_error_message() -> str:
    """This thread's last error message from the library (``""`` if none)."""
    wl_last_error_message = _prototypes().wl_last_error_message
    size = 256
    while True:
        buf = ctypes.create_string_buffer(size)
        n = wl_last_error_message(buf, size)
        if n < 0:
            return ""
        if n < size:
            return buf.value.decode("utf-8", "replace")
        size = n + 1


def _prototypes() -> Any:
    """The generated ``_prototypes`` module. It imports this one, so it is
    looked up on first use, then kept: an ``import`` statement in a
    function costs about a microsecond per call."""
    global _PROTOTYPES
    if _PROTOTYPES is None:
        from . import _prototypes as p

        _PROTOTYPES = p
    return _PROTOTYPES


_PROTOTYPES: Any = None


def make_error(errno_: int, function: str) -> OSError:
    """Builds ``OSError(errno, text)`` for a failed call of ``function``.

    ``OSError``'s constructor picks the subclass from the errno. The text is
    ``os.strerror(errno)`` unless the library recorded a detailed message
    for this call (bad input, wrong state ...), which then becomes the text;
    the plain ``strerror`` is kept as a note.
    """
    wl_strerror = _prototypes().wl_strerror
    text = os.strerror(errno_)
    message = last_error_message()
    prefix = function + ": "
    if message.startswith(prefix):
        detail = message[len(prefix) :]
        plain = {text, wl_strerror(errno_).decode("utf-8", "replace")}
        if detail and detail not in plain:
            err = OSError(errno_, detail)
            err.add_note(f"{function}: {text}")
            return err
    return OSError(errno_, text)


def _errcheck(result: int, func: Any, args: tuple[Any, ...]) -> int:
    """The one error hook: a negative return is ``-errno``."""
    if result < 0:
        raise make_error(-result, func.__name__)
    return result
