"""Zero copy: sendfile through the library, splice/tee/pipes, MSG_ZEROCOPY."""

from __future__ import annotations

import os
import tempfile

import pytest
from conftest import BOUND, tcp_pair

from wirelane import SPLICE_F_MOVE, Pipe, pipe, socketpair, splice, splice_all, tee


def test_sendfile_uses_the_library_and_keeps_stdlib_semantics() -> None:
    client, server, lst = tcp_pair()
    data = os.urandom(300_000)
    with tempfile.TemporaryFile() as f:
        f.write(data)
        f.seek(0)
        assert client.sendfile(f) == len(data)
        assert f.tell() == len(data)
        got = bytearray()
        while len(got) < len(data):
            got += server.recv(1 << 20)
        assert bytes(got) == data
        assert client.sendfile(f, 299_990) == 10
        assert server.recv(10) == data[-10:]
    r, w = os.pipe()
    os.write(w, b"from a pipe")
    os.close(w)
    with os.fdopen(r, "rb") as pf:  # not a regular file: falls back to send
        assert client.sendfile(pf) == 11
    assert server.recv(11) == b"from a pipe"
    for s in (client, server, lst):
        s.close()


def test_pipes_splice_and_tee() -> None:
    r, w = pipe()
    assert not os.get_inheritable(r)
    os.write(w, b"through the kernel")
    with Pipe() as p:
        assert p.capacity() >= 4096
        assert p.set_capacity(1 << 16) >= 1 << 16
        assert splice(r, p.writer, 100, flags=SPLICE_F_MOVE) == 18
        assert p.pending() == 18
        r2, w2 = pipe()
        assert tee(p.reader, w2, 100) == 18
        assert p.pending() == 18  # tee does not consume
        with tempfile.TemporaryFile() as f:
            assert splice(p.reader, f, 100, dst_offset=5) == 18
            assert os.pread(f.fileno(), 23, 0) == b"\0" * 5 + b"through the kernel"
            assert f.tell() == 0  # an offset leaves the file position alone
        assert os.read(r2, 100) == b"through the kernel"
        reader, writer = p.detach()
        with pytest.raises(ValueError, match="closed"):
            p.pending()
    for fd in (r, w, r2, w2, reader, writer):
        os.close(fd)


def test_splice_all_proxies_a_file_into_a_socket() -> None:
    a, b = socketpair()
    b.settimeout(BOUND)
    data = os.urandom(200_000)
    with tempfile.TemporaryFile() as f, Pipe() as via:
        f.write(data)
        f.seek(0)
        got = bytearray()
        import threading

        def reader() -> None:
            while len(got) < len(data):
                got.extend(b.recv(1 << 20))

        t = threading.Thread(target=reader)
        t.start()
        assert splice_all(f, a, len(data), via, timeout=BOUND) == len(data)
        t.join(BOUND)
        assert bytes(got) == data
        f.seek(0)
        assert splice_all(f, a, len(data) + 100, via, timeout=BOUND) == len(data)  # end of input
    a.close()
    b.close()


def test_splice_all_timeout_reports_progress() -> None:
    a, b = socketpair()
    r, w = pipe()
    os.write(w, b"x" * 10)
    with Pipe() as via, pytest.raises(TimeoutError) as e:
        splice_all(r, a, 100, via, timeout=0.2)  # the source never has 100 bytes
    assert getattr(e.value, "transferred") == 10 and getattr(e.value, "in_pipe") == 0
    for fd in (r, w):
        os.close(fd)
    a.close()
    b.close()


def test_msg_zerocopy_send_and_completion() -> None:
    client, server, lst = tcp_pair()
    client.set_zerocopy(True)
    assert client.zerocopy()
    buf = bytearray(b"zero copy payload")
    assert client.send_zerocopy(buf) == len(buf)
    assert client.send_zerocopy(b"second") == 6
    assert len(client._zc_state.pins) == 2
    completions = []
    while len(client._zc_state.pins) > 0:
        c = client.wait_zerocopy_completion(BOUND)
        assert c is not None
        completions.append(c)
    assert completions[0].first == 0 and completions[-1].last == 1
    assert all(c.copied for c in completions)  # loopback always copies
    assert client.recv_zerocopy_completion() is None
    buf.extend(b"!")  # no longer pinned: resizing works again
    got = b""
    while len(got) < 23:
        got += server.recv(100)
    assert got == b"zero copy payloadsecond"
    for s in (client, server, lst):
        s.close()
