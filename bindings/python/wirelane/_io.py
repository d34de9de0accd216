"""``makefile()`` support: a raw I/O object over a connection, as the
standard library's ``socket.SocketIO`` is (same semantics: a timed-out
read poisons the reader; a would-block read or write returns ``None``)."""

from __future__ import annotations

import errno
import io

from . import _check
from typing import Any, Protocol

_BLOCKING_ERRNOS = {errno.EAGAIN, errno.EWOULDBLOCK}


class _Conn(Protocol):
    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int: ...

    def send(self, data: Any, flags: int = 0) -> int: ...

    def fileno(self) -> int: ...

    def gettimeout(self) -> float | None: ...

    def _decref_socketios(self) -> None: ...


class SocketIO(io.RawIOBase):
    """Raw I/O over a :class:`~wirelane.Connection`; made by ``makefile()``."""

    def __init__(self, conn: _Conn, mode: str) -> None:
        if not (hasattr(conn, "recv_into") and hasattr(conn, "_decref_socketios")):
            raise TypeError(f"SocketIO() argument 'conn' must be a Connection, not {type(conn).__name__}")
        if _check.text(mode, "mode", "SocketIO") not in ("r", "w", "rw", "rb", "wb", "rwb"):
            raise ValueError(f"invalid mode: {mode!r}")
        io.RawIOBase.__init__(self)
        self._conn: _Conn | None = conn
        if "b" not in mode:
            mode += "b"
        self._mode = mode
        self._reading = "r" in mode
        self._writing = "w" in mode
        self._timeout_occurred = False

    def _live(self) -> _Conn:
        self._checkClosed()
        assert self._conn is not None
        return self._conn

    def readinto(self, b: Any) -> int | None:
        """Reads into ``b`` (one ``recv_into``); ``None`` if it would block."""
        conn = self._live()
        if not self._reading:
            raise io.UnsupportedOperation("not readable")
        if self._timeout_occurred:
            raise OSError("cannot read from timed out object")
        try:
            return conn.recv_into(b)
        except TimeoutError:
            self._timeout_occurred = True
            raise
        except OSError as e:
            if e.errno in _BLOCKING_ERRNOS:
                return None
            raise

    def write(self, b: Any) -> int | None:
        """Writes ``b`` (one ``send``); ``None`` if it would block."""
        conn = self._live()
        if not self._writing:
            raise io.UnsupportedOperation("not writable")
        try:
            return conn.send(b)
        except OSError as e:
            if e.errno in _BLOCKING_ERRNOS:
                return None
            raise

    def readable(self) -> bool:
        """Whether the file was opened for reading."""
        if self.closed:
            raise ValueError("I/O operation on closed socket.")
        return self._reading

    def writable(self) -> bool:
        """Whether the file was opened for writing."""
        if self.closed:
            raise ValueError("I/O operation on closed socket.")
        return self._writing

    def seekable(self) -> bool:
        """Sockets are not seekable."""
        if self.closed:
            raise ValueError("I/O operation on closed socket.")
        return super().seekable()

    def fileno(self) -> int:
        """The connection's descriptor."""
        return self._live().fileno()

    @property
    def name(self) -> int:
        """The descriptor, or -1 once closed (as the stdlib)."""
        return -1 if self.closed else self.fileno()

    @property
    def mode(self) -> str:
        """The mode the file was opened with (always binary)."""
        return self._mode

    def close(self) -> None:
        """Closes the file; the connection closes when it and all its files are."""
        if self.closed:
            return
        io.RawIOBase.close(self)
        if self._conn is not None:
            self._conn._decref_socketios()
            self._conn = None
