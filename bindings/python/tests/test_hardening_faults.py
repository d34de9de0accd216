"""Faults through the Python binding (issue 7): a peer that resets
mid-stream, every send path against a closed peer in a process where
SIGPIPE is deadly (a child interpreter with SIG_DFL, as CLI tools set it),
a full accept queue, a full datagram queue under a non-blocking sender,
and hundreds of close() races against a thread blocked in a call (the
binding shuts the socket down and frees it when the call returns: the
blocked call must end with a clear error, nothing may crash or leak)."""

from __future__ import annotations

import errno
import gc
import os
import random
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import pytest
from conftest import BOUND, abstract_addr, open_fds, tcp_pair

import wirelane
from wirelane import Datagram, RawSocket, UnixAddr, socketpair


def test_peer_reset_mid_stream_keeps_the_prefix() -> None:
    client, server, lst = tcp_pair()
    server.set_send_buffer_size(65536)
    server.settimeout(0)
    data = bytes((i * 131 + (i >> 11)) & 0xFF for i in range(4 << 20))
    sent = 0
    while True:
        try:
            sent += server.send(data[sent:])
        except BlockingIOError:
            break
    assert 0 < sent < len(data)
    got = bytearray()
    while len(got) < 1000:
        got += client.recv(1000 - len(got))
    client.send(b"unread")  # close then sends RST
    server.set_linger(0)
    server.close()
    with pytest.raises(ConnectionResetError):
        while True:
            chunk = client.recv(65536)
            assert chunk, "a reset must not look like end-of-stream"
            got += chunk
    assert bytes(got) == data[: len(got)], "the bytes before the reset are intact"
    assert client.recv(10) == b""  # reported once
    with pytest.raises(BrokenPipeError):
        client.send(b"x")
    client.close()
    lst.close()


CHILD = textwrap.dedent(
    """
    import os, signal, sys
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)   # deadly, as in C
    import wirelane
    from wirelane import socketpair, splice, tee, pipe
    exe = open("/proc/self/exe", "rb")
    results = []
    def closed():
        a, b = socketpair()
        b.close()
        return a
    for name, call in [
        ("send", lambda a: a.send(b"x")),
        ("sendall", lambda a: a.sendall(b"x" * 100000)),
        ("send_vectored", lambda a: a.send_vectored([b"x", b"y"])),
        ("send_all", lambda a: a.send_all(b"x" * 1000, 5)),
        ("send_fds", lambda a: a.send_fds(b"x", [exe.fileno()])),
        ("send_with_credentials", lambda a: a.send_with_credentials(b"x")),
        ("sendfile", lambda a: a.sendfile(exe, 0, 4096)),
    ]:
        a = closed()
        try:
            call(a)
            results.append(name + ":sent")
        except (BrokenPipeError, ConnectionResetError) as e:
            results.append(name + ":" + type(e).__name__)
        a.close()
    # splice into a dead socket, tee into a pipe nobody reads
    a = closed()
    r, w = pipe()
    os.write(w, b"abc")
    try:
        splice(r, a, 3)
        results.append("splice:sent")
    except BrokenPipeError:
        results.append("splice:BrokenPipeError")
    r2, w2 = pipe()
    os.close(r2)
    try:
        tee(r, w2, 3)
        results.append("tee:sent")
    except BrokenPipeError:
        results.append("tee:BrokenPipeError")
    print(" ".join(results))
    """
)


def test_no_send_path_raises_sigpipe_when_it_is_deadly() -> None:
    out = subprocess.run(
        [sys.executable, "-I", "-c", CHILD],
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "WIRELANE_LIB"},
    )
    assert out.returncode == 0, (
        f"the child died (returncode {out.returncode}; -13 is SIGPIPE)\n{out.stdout}\n{out.stderr}"
    )
    results = out.stdout.split()
    assert len(results) == 9, out.stdout
    for r in results:
        assert r.endswith(("BrokenPipeError", "ConnectionResetError")), results


def test_full_unix_accept_queue_hands_the_socket_back() -> None:
    addr = abstract_addr()
    lst = RawSocket.unix_stream().bind(addr).listen(2)
    queued = []
    with pytest.raises(BlockingIOError):
        while True:
            raw = RawSocket.unix_stream()
            queued.append(raw.connect_nonblocking(addr).finish())
            assert len(queued) < 50, "the queue never filled"
    assert len(queued) == 3  # backlog 2 queues 3 on Linux
    assert not raw.closed  # the failed transition left it usable
    conn, _ = lst.accept()
    conn.close()
    c = raw.connect(addr)  # the same object, now there is room
    c.close()
    for q in queued:
        q.close()
    lst.close()


def test_full_datagram_queue_loses_nothing() -> None:
    a, b = socketpair(Datagram)
    a.settimeout(0)
    b.settimeout(BOUND)
    for rnd in range(3):
        sent = 0
        with pytest.raises(BlockingIOError):
            while True:
                a.send(rnd.to_bytes(4, "big") + sent.to_bytes(4, "big") + b"\xab" * 200)
                sent += 1
                assert sent < 1_000_000
        assert sent > 0
        for i in range(sent):
            msg = b.recv(512)
            assert msg[:8] == rnd.to_bytes(4, "big") + i.to_bytes(4, "big")
    a.close()
    b.close()


@pytest.mark.parametrize("kind", ["recv", "accept", "recvfrom", "recv_fds", "pending_wait"])
def test_close_races_against_a_blocked_call(kind: str) -> None:
    """300 races of close() against a thread in a blocking call, at random
    moments (before, during and after it blocks): the call ends with data,
    end-of-stream or OSError(EBADF); never a crash, a hang or a leak."""
    rng = random.Random(7)
    outcomes: dict[str, int] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
        before = open_fds()
        for _ in range(300):
            keep: list[object] = []
            if kind == "recv":
                obj, peer = socketpair()
                keep.append(peer)
                call = lambda: obj.recv(16)  # noqa: E731
            elif kind == "recv_fds":
                obj, peer = socketpair()
                keep.append(peer)
                call = lambda: obj.recv_fds(1, 4)  # noqa: E731
            elif kind == "accept":
                obj = RawSocket.unix_stream().bind(abstract_addr()).listen()
                call = lambda: obj.accept()  # noqa: E731
            elif kind == "recvfrom":
                obj = RawSocket.udp4().bind(wirelane.SocketAddrV4("127.0.0.1", 0))
                call = lambda: obj.recvfrom(16)  # noqa: E731
            else:
                full = RawSocket.tcp4().bind(wirelane.SocketAddrV4("127.0.0.1", 0)).listen(0)
                first = RawSocket.tcp4().connect(full.getsockname())
                keep += [full, first]
                time.sleep(0.001)
                obj = RawSocket.tcp4().connect_nonblocking(full.getsockname())
                call = lambda: obj.wait(BOUND)  # noqa: E731
            result: list[object] = []

            def run() -> None:
                try:
                    result.append(call())
                except OSError as e:
                    result.append(e)

            t = threading.Thread(target=run, daemon=True)
            t.start()
            time.sleep(rng.choice([0, 0, 0.0005, 0.002, 0.01]))
            obj.close()
            t.join(BOUND)
            assert not t.is_alive(), f"{kind}: the blocked call never returned after close()"
            r = result[0]
            if isinstance(r, OSError):
                assert r.errno in (errno.EBADF, errno.EINVAL, errno.ENOTCONN), r
                key = f"OSError({errno.errorcode.get(r.errno or 0, r.errno)})"
            else:
                key = "returned"
            outcomes[key] = outcomes.get(key, 0) + 1
            for k in keep:
                k.close()  # type: ignore[attr-defined]
        gc.collect()
        leaked = open_fds() - before
    assert not leaked, f"leaked descriptors: {sorted(leaked)}"
    print(f"python close races ({kind}): 300 runs, outcomes {outcomes}")


def test_unix_path_socket_file_is_not_followed_when_it_is_a_plain_file(tmp_path: object) -> None:
    path = os.path.join(str(tmp_path), "plain")
    open(path, "w").close()
    with pytest.raises(ConnectionRefusedError):
        RawSocket.unix_stream().connect(UnixAddr(path))
