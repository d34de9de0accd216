"""One C object owned by a Python object that is not a socket (a batch,
receive slots, a pipe): ``_live()`` refuses it once closed, ``close()``
frees it once, and the object is a context manager that also frees it
when collected."""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Self


class Owned:
    """The owner's lifecycle; a subclass names its C ``_free`` function and
    the ``_CLOSED`` message, and keeps the handle in ``_h`` (``None`` once
    freed or given away)."""

    __slots__ = ()
    _h: Any
    _free: ClassVar[Callable[[Any], None]]
    _CLOSED: ClassVar[str]

    def _live(self) -> Any:
        if self._h is None:
            raise ValueError(self._CLOSED)
        return self._h

    def close(self) -> None:
        """Frees it (idempotent)."""
        h, self._h = self._h, None
        if h is not None:
            type(self)._free(h)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()
