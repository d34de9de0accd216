"""wirelane.activation and wirelane.aio_activation: socket activation in a
child started the way systemd starts one (descriptors at 3, 4, ...,
LISTEN_PID set to the child's own pid after the fork), every error named,
sd_notify, and listener handover in process, to a real successor process,
and under asyncio."""

from __future__ import annotations

import asyncio
import errno
import os
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Sequence

import pytest

import wirelane
from wirelane import (
    BoundDatagram,
    Connection,
    RawSocket,
    SocketAddrV4,
    SocketAddrV6,
    UnixAddr,
    activation,
    aio,
    aio_activation,
)

from conftest import BOUND, listener4, open_fds, unix_path

PACKAGE_PARENT = str(Path(wirelane.__file__).resolve().parent.parent)


def start_activated(
    script: str,
    fds: Sequence[int],
    names: str | None,
    pid: str | None = "own",
    count: str | None = None,
) -> subprocess.Popen[str]:
    """Starts ``script`` in a child that gets ``fds`` at 3, 4, ... with the
    activation variables; ``pid="own"`` sets LISTEN_PID to the child's pid
    (a shell wrapper sets it after the fork; exec keeps the pid)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTEN_")}
    env["PYTHONPATH"] = PACKAGE_PARENT
    env["LISTEN_FDS"] = str(len(fds)) if count is None else count
    if names is not None:
        env["LISTEN_FDNAMES"] = names
    argv = [sys.executable, "-c", textwrap.dedent(script)]
    if pid == "own":
        argv = ["/bin/sh", "-c", 'LISTEN_PID=$$ exec "$0" "$@"', *argv]
    elif pid is not None:
        env["LISTEN_PID"] = pid
    # Copies above 3, 4, ... so that placing one never overwrites another.
    high = [os.dup(fd) for fd in fds]
    for h in high:
        os.set_inheritable(h, False)

    def place() -> None:  # in the child, between fork and exec
        for i, h in enumerate(high):
            os.dup2(h, 3 + i)  # inheritable

    try:
        return subprocess.Popen(
            argv, env=env, preexec_fn=place, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, close_fds=False
        )
    finally:
        for h in high:
            os.close(h)


def run_activated(
    script: str,
    fds: Sequence[int],
    names: str | None,
    pid: str | None = "own",
    count: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """:func:`start_activated`, then waits (bounded) for the child."""
    child = start_activated(script, fds, names, pid, count)
    out, err = child.communicate(timeout=BOUND)
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


ADOPT_AND_SERVE = """
    import os, sys
    from wirelane import SocketAddrV4, activation
    inherited = activation.listen_fds()
    assert "LISTEN_FDS" not in os.environ and os.environ.get("LISTEN_PID") is None
    print(inherited.names, inherited.fd(0), inherited.fd(1), flush=True)
    try:
        inherited.take_listener("dns", SocketAddrV4)
    except OSError as e:
        print("ERR", e.errno, e.strerror, flush=True)
    web = inherited.take_listener("web", SocketAddrV4)
    dns = inherited.take_datagram(1, SocketAddrV4)
    inherited.close()
    assert os.get_inheritable(web.fileno()) is False
    web.settimeout(10)  # the parent's listener was non-blocking (a timeout): adopted as it is
    conn, _ = web.accept()
    conn.sendall(conn.recv(16))
    conn.close(); web.close(); dns.close()
    import fcntl
    def is_open(fd):
        try:
            fcntl.fcntl(fd, fcntl.F_GETFD)
            return True
        except OSError:
            return False
    print("served", is_open(3), is_open(4), flush=True)
"""


def test_child_adopts_by_name_and_serves() -> None:
    web = listener4()
    udp = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
    addr = web.getsockname()
    child = start_activated(ADOPT_AND_SERVE, [web.fileno(), udp.fileno()], "web:dns")
    web.close()  # the child holds its own copies
    udp.close()
    with socket.create_connection((addr.host, addr.port), timeout=BOUND) as c:
        c.sendall(b"ping")
        assert c.recv(4) == b"ping"
    stdout, stderr = child.communicate(timeout=BOUND)
    out = subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "['web', 'dns'] 3 4"
    assert lines[1].startswith(f"ERR {errno.EPROTOTYPE} ") or lines[1].startswith(f"ERR {errno.EINVAL} "), lines
    assert 'LISTEN_FDS: fd 4 ("dns") is an AF_INET (IPv4) datagram socket' in lines[1]
    assert "cannot adopt it as wl_listener of AF_INET (IPv4)" in lines[1]
    assert lines[2] == "served False False", "both inherited descriptors closed"


NAMED_ERROR = """
    from wirelane import SocketAddrV4, SocketAddrV6, activation
    inherited = activation.listen_fds()
    try:
        inherited.take_listener(0, SocketAddrV6 if inherited.name(0) == "v6" else SocketAddrV4)
    except OSError as e:
        print(type(e).__name__, e.errno, e.strerror)
    else:
        print("adopted")
"""


def test_wrong_kinds_and_non_sockets_name_the_descriptor() -> None:
    r, w = os.pipe()
    try:
        out = run_activated(NAMED_ERROR, [r], None)
    finally:
        os.close(r)
        os.close(w)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"OSError {errno.ENOTSOCK} "), out.stdout
    assert 'fd 3 ("unknown") is a pipe (FIFO), not a socket' in out.stdout

    lst = listener4()
    try:
        out = run_activated(NAMED_ERROR, [lst.fileno()], "v6")
    finally:
        lst.close()
    assert out.stdout.startswith(f"OSError {errno.EAFNOSUPPORT} "), out.stdout
    assert 'fd 3 ("v6") is a listening AF_INET (IPv4) stream socket' in out.stdout
    assert "wl_listener of AF_INET6 (IPv6): its domain is AF_INET (IPv4)" in out.stdout

    with open(__file__, "rb") as f:
        out = run_activated(NAMED_ERROR, [f.fileno()], "file")
    assert 'fd 3 ("file") is a regular file, not a socket' in out.stdout, out.stdout


ENV_ERROR = """
    import os
    from wirelane import activation
    try:
        activation.listen_fds()
    except OSError as e:
        print(type(e).__name__, e.errno, e.strerror)
    print("LISTEN_PID" in os.environ)
"""


def test_wrong_pid_and_missing_variables_are_named() -> None:
    lst = listener4()
    try:
        out = run_activated(ENV_ERROR, [lst.fileno()], "web", pid="1")
        assert out.stdout.startswith(f"OSError {errno.EINVAL} LISTEN_PID=1 names another process"), out.stdout
        assert out.stdout.splitlines()[-1] == "False", "unset after reading, in os.environ too"
        out = run_activated(ENV_ERROR, [lst.fileno()], "web", pid=None)
        assert out.stdout.startswith(f"FileNotFoundError {errno.ENOENT} LISTEN_PID is not set"), out.stdout
        out = run_activated(ENV_ERROR, [lst.fileno()], "web:more")
        assert "LISTEN_FDNAMES has 2 names but LISTEN_FDS=1" in out.stdout, out.stdout
        out = run_activated(ENV_ERROR, [lst.fileno()], None, count="2")
        assert 'LISTEN_FDS=2 but fd 4 ("unknown") is not open' in out.stdout, out.stdout
        assert f"OSError {errno.EBADF} " in out.stdout
    finally:
        lst.close()


def test_listen_fds_in_process_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LISTEN_PID", raising=False)
    monkeypatch.delenv("LISTEN_FDS", raising=False)
    with pytest.raises(FileNotFoundError, match="LISTEN_PID is not set"):
        activation.listen_fds()
    monkeypatch.setenv("LISTEN_PID", str(os.getpid()))
    monkeypatch.setenv("LISTEN_FDS", "many")
    with pytest.raises(OSError, match='LISTEN_FDS="many" is not a count') as e:
        activation.listen_fds(unset_environment=False)
    assert e.value.errno == errno.EINVAL
    assert os.environ["LISTEN_FDS"] == "many"
    with pytest.raises(OSError):
        activation.listen_fds()
    assert "LISTEN_FDS" not in os.environ and "LISTEN_PID" not in os.environ


def test_notify(monkeypatch: pytest.MonkeyPatch) -> None:
    path = unix_path()
    server = RawSocket.unix_datagram().bind(path)
    server.settimeout(BOUND)
    where = path.path
    assert where is not None
    activation.notify_to(where, activation.READY)
    assert server.recvfrom(64)[0] == b"READY=1"
    monkeypatch.setenv("NOTIFY_SOCKET", where)
    assert activation.notify("STATUS=serving\n" + activation.READY) is True
    assert server.recvfrom(64)[0] == b"STATUS=serving\nREADY=1"
    monkeypatch.delenv("NOTIFY_SOCKET")
    assert activation.notify(activation.STOPPING) is False
    with pytest.raises(OSError, match="sd_notify state is empty"):
        activation.notify_to(where, "")
    with pytest.raises(OSError, match="neither an absolute path nor an abstract name"):
        activation.notify_to("relative.sock", activation.READY)
    name = f"wl-py-notify-{os.getpid()}"
    abstract = RawSocket.unix_datagram().bind(UnixAddr.abstract(name.encode()))
    abstract.settimeout(BOUND)
    activation.notify_to("@" + name, activation.STOPPING)
    assert abstract.recvfrom(64)[0] == b"STOPPING=1"
    server.close()
    abstract.close()


def test_handover_in_process_typed_with_errors() -> None:
    before = open_fds()
    lst = listener4()
    udp = RawSocket.udp6().bind(SocketAddrV6("::1", 0))
    addr = lst.getsockname()
    old, new = Connection.pair()
    adopted: list[object] = []

    def successor() -> None:
        with activation.receive(new) as inherited:
            assert inherited.names == ["web", "dns"]
            with pytest.raises(OSError, match="cannot adopt it as wl_dgram"):
                inherited.take_datagram("web", SocketAddrV4)
            with pytest.raises(FileNotFoundError, match=r"no descriptor named 'x'|no descriptor named \"x\""):
                inherited.take_listener("x", SocketAddrV4)
            adopted.append(inherited.take_listener("web", SocketAddrV4))
            adopted.append(inherited.take_datagram("dns", SocketAddrV6))
            with pytest.raises(OSError, match="was already taken"):
                inherited.take_listener(0, SocketAddrV4)
        activation.acknowledge(new)

    t = threading.Thread(target=successor)
    t.start()
    activation.Handover().add("web", lst).add("dns", udp).send(old)
    t.join(BOUND)
    lst.close()
    udp.close()
    web = adopted[0]
    assert isinstance(web, wirelane.Listener)
    with socket.create_connection((addr.host, addr.port), timeout=BOUND):
        conn, _ = web.accept()
        conn.close()
    for s in adopted:
        s.close()  # type: ignore[attr-defined]
    with pytest.raises(OSError, match="a handover carries 1 to 253 sockets, not 0"):
        activation.Handover().send(old)
    with pytest.raises(TypeError, match="not Connection"):
        activation.Handover().add("conn", old)  # type: ignore[arg-type]
    new.close()
    spare = listener4()
    with pytest.raises(OSError) as e:
        activation.Handover().add("web", spare).send(old)
    assert e.value.errno in (errno.ENODATA, errno.EPIPE, errno.ECONNRESET)
    spare.close()
    old.close()
    assert open_fds() == before


SUCCESSOR = """
    import os, sys
    from wirelane import SocketAddrV4, activation
    channel = activation.channel_from_env()
    assert channel is not None and activation.HANDOVER_FD_VAR not in os.environ
    inherited = activation.receive(channel)
    web = inherited.take_listener("web", SocketAddrV4)
    inherited.close()
    activation.acknowledge(channel)
    channel.close()
    web.settimeout(10)
    conn, _ = web.accept()
    conn.sendall(conn.recv(16))
    conn.close(); web.close()
    sys.exit(0 if activation.channel_from_env() is None else 3)
"""


def test_handover_to_a_successor_process() -> None:
    lst = listener4()
    addr = lst.getsockname()
    os.environ["PYTHONPATH"] = PACKAGE_PARENT
    try:
        pid, channel = activation.spawn_successor([sys.executable, "-c", textwrap.dedent(SUCCESSOR)])
    finally:
        del os.environ["PYTHONPATH"]
    activation.Handover().add("web", lst).send(channel)  # returns once adopted
    channel.close()
    lst.close()  # stop accepting: the successor holds the socket
    with socket.create_connection((addr.host, addr.port), timeout=BOUND) as c:
        c.sendall(b"ping")
        assert c.recv(4) == b"ping"
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_spawn_errors_and_no_channel() -> None:
    assert activation.channel_from_env() is None
    os.environ[activation.HANDOVER_FD_VAR] = "nope"
    with pytest.raises(OSError, match='WIRELANE_HANDOVER_FD="nope" is not a descriptor number'):
        activation.channel_from_env()
    assert activation.HANDOVER_FD_VAR not in os.environ
    with pytest.raises(FileNotFoundError):
        activation.spawn_successor(["/nonexistent/successor"])
    with pytest.raises(ValueError):
        activation.spawn_successor([])


def test_aio_handover_and_adoption() -> None:
    async def main() -> None:
        lst = listener4()
        addr = lst.getsockname()
        old, new = Connection.pair()

        async def successor() -> aio.AsyncListener[SocketAddrV4]:
            inherited = await aio_activation.receive(new)
            twin = aio_activation.take_listener(inherited, "web", SocketAddrV4)
            inherited.close()
            aio_activation.acknowledge(new)
            return twin

        task = asyncio.create_task(successor())
        await asyncio.sleep(0)  # the receive waits in the loop, not in a thread
        assert not task.done()
        await aio_activation.send(activation.Handover().add("web", lst), old)
        lst.close()
        twin = await asyncio.wait_for(task, BOUND)
        client = await aio.connect(addr)
        conn, _ = await asyncio.wait_for(twin.accept(), BOUND)
        await client.sendall(b"async")
        assert await conn.recv(5) == b"async"
        for s in (client, conn, twin):
            s.close()

        # A cancelled receive consumed nothing: the next one gets the sockets.
        udp = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
        waiting = asyncio.create_task(aio_activation.receive(new))
        await asyncio.sleep(0.01)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        sender = asyncio.create_task(aio_activation.send(activation.Handover().add("dns", udp), old))
        inherited = await aio_activation.receive(new)
        dgram = aio_activation.take_datagram(inherited, "dns", SocketAddrV4)
        aio_activation.acknowledge(new)
        await asyncio.wait_for(sender, BOUND)
        assert isinstance(dgram, aio.AsyncBoundDatagram)
        dgram.close()
        udp.close()
        inherited.close()
        old.close()
        new.close()

    before = open_fds()
    asyncio.run(main())
    assert open_fds() == before
