"""Shared helpers: loopback pairs, unique Unix paths, descriptor counting,
and a hard stop so a hung test fails instead of hanging the run."""

from __future__ import annotations

import faulthandler
import itertools
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

import wirelane
from wirelane import Connection, Listener, RawSocket, SocketAddrV4, SocketAddrV6, UnixAddr

# A broken test must fail, never hang the run: dump every thread's stack
# and exit after 10 minutes.
faulthandler.dump_traceback_later(600, exit=True)

# Tests that need a guard against blocking forever use this bound.
BOUND = 10.0

_counter = itertools.count()
_tmp = Path(tempfile.mkdtemp(prefix=f"wirelane-py-{os.getpid()}-"))


def unix_path() -> UnixAddr:
    """A fresh filesystem Unix address (temp dir + pid + counter)."""
    return UnixAddr(str(_tmp / f"s{next(_counter)}.sock"))


def abstract_addr() -> UnixAddr:
    """A fresh abstract Unix address."""
    return UnixAddr.abstract(f"wirelane-py-{os.getpid()}-{next(_counter)}".encode())


def open_fds() -> set[int]:
    """This process's open descriptors."""
    return {int(n) for n in os.listdir("/proc/self/fd")}


def listener4() -> Listener[SocketAddrV4]:
    lst = RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", 0)).listen()
    lst.settimeout(BOUND)
    return lst


def listener6() -> Listener[SocketAddrV6]:
    lst = RawSocket.tcp6().bind(SocketAddrV6("::1", 0)).listen()
    lst.settimeout(BOUND)
    return lst


def tcp_pair() -> tuple[Connection[SocketAddrV4], Connection[SocketAddrV4], Listener[SocketAddrV4]]:
    """A connected TCP pair (client, server) and its listener, with
    timeouts so a broken test fails instead of hanging."""
    lst = listener4()
    client = RawSocket.tcp4().connect(lst.getsockname())
    server, _ = lst.accept()
    client.settimeout(BOUND)
    server.settimeout(BOUND)
    return client, server, lst


@pytest.fixture
def pair() -> Iterator[tuple[Connection[SocketAddrV4], Connection[SocketAddrV4]]]:
    client, server, lst = tcp_pair()
    yield client, server
    for s in (client, server, lst):
        s.close()


@pytest.fixture
def no_fd_leak() -> Iterator[None]:
    """Fails the test if it leaves descriptors open."""
    import gc

    gc.collect()
    before = open_fds()
    yield
    gc.collect()
    leaked = open_fds() - before
    assert not leaked, f"leaked descriptors: {sorted(leaked)}"


def run_in_thread(fn: object) -> tuple[threading.Thread, list[BaseException | object]]:
    """Runs ``fn`` in a daemon thread; the list gets its result or exception."""
    out: list[BaseException | object] = []

    def target() -> None:
        try:
            out.append(fn())  # type: ignore[operator]
        except BaseException as e:  # noqa: BLE001 - reported to the test
            out.append(e)

    t = threading.Thread(target=target, daemon=True)
    t.start()
    return t, out


def wait_until_blocked(tid: int) -> None:
    """Waits until thread ``tid`` sleeps in the kernel somewhere other than
    a futex (the GIL), i.e. inside the socket call."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/self/task/{tid}/wchan") as f:
                wchan = f.read().strip()
            with open(f"/proc/self/task/{tid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            break
        if state == "S" and wchan not in ("", "0") and "futex" not in wchan:
            return
        time.sleep(0.01)
    time.sleep(0.2)  # wchan unavailable: give the call time to block


def pytest_report_header(config: object) -> str:
    return (
        f"wirelane {wirelane.__version__} from {Path(wirelane.__file__).parent}; "
        f"library {wirelane.LIBRARY_VERSION} at {wirelane.LIBRARY_PATH}; python {sys.version.split()[0]}"
    )


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Nothing is ever silently skipped: a skip fails the run."""
    if _skipped and session.exitstatus == 0:
        print(f"\nerror: skipped tests count as failures: {_skipped}")
        session.exitstatus = 1
