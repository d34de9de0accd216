"""Every state class and method on loopback: transitions, data, consumed
objects, failed transitions that leave the object usable, lifecycle."""

from __future__ import annotations

import array
import errno
import os
import socket
import tempfile
import warnings

import pytest
from conftest import BOUND, abstract_addr, listener4, listener6, tcp_pair, unix_path

import wirelane
from wirelane import (
    BoundDatagram,
    BoundSocket,
    ConnectedDatagram,
    Connection,
    ConsumedError,
    Datagram,
    Ipv4,
    Listener,
    PendingConnect,
    RawSocket,
    SocketAddrV4,
    SocketAddrV6,
    Stream,
    UnixAddr,
    socketpair,
)

LO4 = SocketAddrV4("127.0.0.1", 0)
LO6 = SocketAddrV6("::1", 0)

# --- RawSocket ------------------------------------------------------------------


@pytest.mark.parametrize(
    "factory, family, kind",
    [
        (RawSocket.tcp4, socket.AF_INET, socket.SOCK_STREAM),
        (RawSocket.tcp6, socket.AF_INET6, socket.SOCK_STREAM),
        (RawSocket.udp4, socket.AF_INET, socket.SOCK_DGRAM),
        (RawSocket.udp6, socket.AF_INET6, socket.SOCK_DGRAM),
        (RawSocket.unix_stream, socket.AF_UNIX, socket.SOCK_STREAM),
        (RawSocket.unix_datagram, socket.AF_UNIX, socket.SOCK_DGRAM),
    ],
)
def test_raw_factories(factory: object, family: int, kind: int) -> None:
    with factory() as raw:  # type: ignore[operator]
        assert raw.family == family and raw.type == kind and raw.proto == 0
        assert raw.fileno() >= 0
        assert os.get_inheritable(raw.fileno()) is False  # close-on-exec
        assert raw.gettimeout() is None and raw.getblocking()
        assert not raw.closed


def test_raw_new_generic_and_bad_arguments() -> None:
    with RawSocket.new(Ipv4, Datagram) as raw:
        assert raw.type == socket.SOCK_DGRAM
    with pytest.raises(TypeError, match="domain is Ipv4"):
        RawSocket.new(int, Stream)  # type: ignore[type-var]


def test_state_classes_cannot_be_built_directly() -> None:
    with pytest.raises(TypeError, match="factories and transitions"):
        Listener(object(), None, None, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="type marker"):
        Stream()


def test_getsockname_of_unbound_raw_is_the_wildcard() -> None:
    with RawSocket.tcp4() as raw:
        assert raw.getsockname() == SocketAddrV4("0.0.0.0", 0)
    with RawSocket.unix_stream() as u:
        assert u.getsockname().is_unnamed


# --- stream transitions ---------------------------------------------------------


def test_tcp4_full_lifecycle() -> None:
    raw = RawSocket.tcp4()
    bound = raw.bind(LO4)
    assert isinstance(bound, BoundSocket)
    assert raw.closed
    with pytest.raises(ConsumedError, match=r"consumed by bind\(\)"):
        raw.getsockname()
    raw.close()  # a no-op on a consumed object
    lst = bound.listen(8)
    assert isinstance(lst, Listener)
    with pytest.raises(ConsumedError, match=r"consumed by listen\(\)"):
        bound.fileno()
    addr = lst.getsockname()
    assert addr.host == "127.0.0.1" and addr.port > 0
    client = RawSocket.tcp4().connect(addr)
    lst.settimeout(BOUND)
    server, peer = lst.accept()
    assert peer == client.getsockname()
    assert server.getpeername() == peer
    assert client.getpeername() == addr
    client.sendall(b"ping")
    assert server.recv(10) == b"ping"
    server.send(b"pong")
    assert client.recv(10) == b"pong"
    for s in (client, server, lst):
        s.close()


def test_tcp6_and_unix_streams() -> None:
    lst6 = listener6()
    c6 = RawSocket.tcp6().connect(lst6.getsockname())
    s6, peer6 = lst6.accept()
    assert isinstance(peer6, SocketAddrV6) and peer6.host == "::1"
    c6.sendall(b"six")
    assert s6.recv(3) == b"six"
    for path in (unix_path(), abstract_addr()):
        lst = RawSocket.unix_stream().bind(path).listen()
        lst.settimeout(BOUND)
        assert lst.getsockname() == path
        c = RawSocket.unix_stream().connect(path)
        s, peer = lst.accept()
        assert peer.is_unnamed
        assert c.getpeername() == path
        creds = s.peer_credentials()
        assert (creds.pid, creds.uid, creds.gid) == (os.getpid(), os.getuid(), os.getgid())
        c.sendall(b"unix")
        assert s.recv(4) == b"unix"
        for x in (c, s, lst):
            x.close()
    for x in (c6, s6, lst6):
        x.close()


def test_failed_bind_leaves_the_raw_socket_usable() -> None:
    lst = listener4()
    raw = RawSocket.tcp4()
    with pytest.raises(OSError) as e:
        raw.bind(lst.getsockname())
    assert e.value.errno == errno.EADDRINUSE
    assert not raw.closed
    bound = raw.bind(LO4)  # retry with another address works
    assert bound.getsockname().port != 0
    bound.close()
    lst.close()


def test_failed_connect_leaves_the_raw_socket_usable() -> None:
    lst = listener4()
    addr = lst.getsockname()
    lst.close()
    raw = RawSocket.tcp4()
    with pytest.raises(ConnectionRefusedError):
        raw.connect(addr)
    assert not raw.closed
    lst2 = listener4()
    conn = raw.connect(lst2.getsockname())  # Linux allows a new connect after a failed one
    assert isinstance(conn, Connection)
    conn.close()
    lst2.close()


def test_wrong_family_address_is_rejected_at_runtime_too() -> None:
    raw = RawSocket.tcp4()
    with pytest.raises(OSError) as e:
        raw.bind(SocketAddrV6("::1", 0))  # type: ignore[arg-type]
    assert e.value.errno == errno.EAFNOSUPPORT
    assert not raw.closed
    raw.close()


def test_failed_listen_leaves_the_bound_socket_usable() -> None:
    # Two sockets bound to one port with SO_REUSEADDR: the second listen fails.
    first = RawSocket.tcp4()
    first.set_reuse_address(True)
    b1 = first.bind(LO4)
    second = RawSocket.tcp4()
    second.set_reuse_address(True)
    b2 = second.bind(b1.getsockname())
    l1 = b1.listen()
    with pytest.raises(OSError) as e:
        b2.listen()
    assert e.value.errno == errno.EADDRINUSE
    assert not b2.closed and b2.getsockname() == l1.getsockname()
    b2.close()
    l1.close()


def test_listen_default_backlog_and_stdlib_style_tuple_address() -> None:
    raw = RawSocket.tcp4()
    lst = raw.bind(("127.0.0.1", 0)).listen()  # type: ignore[arg-type]
    assert lst.getsockname().host == "127.0.0.1"
    lst.close()


def test_connection_pair_and_socketpair() -> None:
    a, b = Connection.pair()
    a.sendall(b"x")
    assert b.recv(1) == b"x"
    assert a.getpeername().is_unnamed
    a.close()
    b.close()
    c, d = socketpair()
    e, f = socketpair(Datagram)
    assert isinstance(e, ConnectedDatagram)
    e.send(b"dgram")
    assert f.recv(10) == b"dgram"
    with pytest.raises(TypeError):
        socketpair(int)  # type: ignore[call-overload]
    for s in (c, d, e, f):
        s.close()


def test_recv_variants(pair: tuple[Connection[SocketAddrV4], Connection[SocketAddrV4]]) -> None:
    client, server = pair
    client.sendall(b"abcdefghij")
    buf = bytearray(4)
    assert server.recv_into(buf) == 4 and buf == b"abcd"
    big = bytearray(b"......")
    view = memoryview(big)[2:]
    assert server.recv_into(view, 3) == 3
    assert big == b"..efg."
    assert server.recv(2, socket.MSG_PEEK) == b"hi"
    assert server.recv(100) == b"hij"
    arr = array.array("i", [0, 0])
    client.sendall(b"\x01\x00\x00\x00\x02\x00\x00\x00")
    assert server.recv_into(arr, 0, socket.MSG_WAITALL) == 8
    assert list(arr) == [1, 2]
    with pytest.raises(ValueError, match="negative"):
        server.recv(-1)
    with pytest.raises(ValueError, match="too small"):
        server.recv_into(bytearray(2), 5)
    with pytest.raises(TypeError, match="read-write"):
        server.recv_into(b"readonly")


def test_send_accepts_any_bytes_like_without_copying(
    pair: tuple[Connection[SocketAddrV4], Connection[SocketAddrV4]],
) -> None:
    client, server = pair
    data = b"0123456789"
    client.sendall(memoryview(data)[3:7])
    client.sendall(bytearray(b"ba"))
    client.sendall(array.array("b", [65, 66]))
    assert client.send(b"") == 0
    got = b""
    while len(got) < 8:
        got += server.recv(100)
    assert got == b"3456baAB"
    with pytest.raises(TypeError, match="bytes-like"):
        client.send("text")


def test_vectored_send_and_receive(pair: tuple[Connection[SocketAddrV4], Connection[SocketAddrV4]]) -> None:
    client, server = pair
    assert client.send_vectored([b"head", memoryview(b"--body--")[2:6], bytearray(b"!")]) == 9
    a, b = bytearray(3), bytearray(10)
    n = server.recv_vectored([a, b])
    assert n == 9 and a == b"hea" and b[:6] == b"dbody!"


def test_sendall_large_buffer(pair: tuple[Connection[SocketAddrV4], Connection[SocketAddrV4]]) -> None:
    client, server = pair
    data = os.urandom(4 * 1024 * 1024)
    from conftest import run_in_thread

    t, out = run_in_thread(lambda: client.sendall(data))
    got = bytearray()
    while len(got) < len(data):
        chunk = server.recv(1 << 20)
        assert chunk
        got += chunk
    t.join(BOUND)
    assert out == [None]
    assert got == data


def test_shutdown_gives_eof_and_broken_pipe_not_sigpipe(
    pair: tuple[Connection[SocketAddrV4], Connection[SocketAddrV4]],
) -> None:
    client, server = pair
    client.shutdown(socket.SHUT_WR)
    assert server.recv(1) == b""
    server.close()
    with pytest.raises((BrokenPipeError, ConnectionResetError)):
        for _ in range(100):
            client.sendall(b"x" * 65536)
    with pytest.raises(OSError) as e:
        client.shutdown(99)
    assert e.value.errno == errno.EINVAL


def test_dup_shares_the_connection(pair: tuple[Connection[SocketAddrV4], Connection[SocketAddrV4]]) -> None:
    client, server = pair
    other = client.dup()
    assert other.fileno() != client.fileno()
    assert other.gettimeout() == client.gettimeout()
    other.sendall(b"via dup")
    other.close()
    assert server.recv(20) == b"via dup"


def test_peer_credentials_on_tcp_is_an_error(
    pair: tuple[Connection[SocketAddrV4], Connection[SocketAddrV4]],
) -> None:
    client, _ = pair
    with pytest.raises(OSError) as e:
        client.peer_credentials()  # type: ignore[misc]
    assert e.value.errno == errno.EAFNOSUPPORT


def test_makefile_text_and_binary(pair: tuple[Connection[SocketAddrV4], Connection[SocketAddrV4]]) -> None:
    client, server = pair
    w = client.makefile("w")
    r = server.makefile("rb")
    w.write("line one\nline two\n")
    w.flush()
    assert r.readline() == b"line one\n"
    assert r.readline() == b"line two\n"
    rw = client.makefile("rwb", buffering=0)
    assert isinstance(rw, wirelane.SocketIO)
    rw.write(b"raw")
    assert server.recv(3) == b"raw"
    # Closing the connection is deferred until its files are closed.
    client.close()
    assert client.fileno() >= 0
    w.close()
    rw.close()
    assert client.closed and client.fileno() == -1
    assert r.read() == b""
    r.close()
    with pytest.raises(ValueError, match="invalid mode"):
        server.makefile("x")


def test_sendfile_regular_file_and_fallback(
    pair: tuple[Connection[SocketAddrV4], Connection[SocketAddrV4]],
) -> None:
    client, server = pair
    payload = os.urandom(100_000)
    with tempfile.TemporaryFile() as f:
        f.write(payload)
        f.flush()
        f.seek(0)
        assert client.sendfile(f, 10, 50_000) == 50_000
        assert f.tell() == 50_010
        got = bytearray()
        while len(got) < 50_000:
            got += server.recv(65536)
        assert bytes(got) == payload[10:50_010]
    import io

    assert client.sendfile(io.BytesIO(b"in memory")) == 9
    assert server.recv(9) == b"in memory"
    with open(__file__) as text, pytest.raises(ValueError, match="binary"):
        client.sendfile(text)
    client.setblocking(False)
    with pytest.raises(ValueError, match="non-blocking"):
        client.sendfile(io.BytesIO(b"x"))


# --- PendingConnect --------------------------------------------------------------


def test_connect_nonblocking_wait_and_finish() -> None:
    lst = listener4()
    pending = RawSocket.tcp4().connect_nonblocking(lst.getsockname())
    assert isinstance(pending, PendingConnect)
    assert pending.wait(BOUND)
    conn = pending.finish()
    assert pending.closed
    with pytest.raises(ConsumedError, match=r"finish\(\)"):
        pending.wait(0)
    assert conn.gettimeout() == 0.0  # the connection stays non-blocking
    conn.setblocking(True)
    server, _ = lst.accept()
    conn.sendall(b"np")
    assert server.recv(2) == b"np"
    for s in (conn, server, lst):
        s.close()


def test_pending_wait_connected_and_refused() -> None:
    lst = listener4()
    conn = RawSocket.tcp4().connect_nonblocking(lst.getsockname()).wait_connected(BOUND)
    assert conn.gettimeout() is None
    conn.close()
    addr = lst.getsockname()
    lst.close()
    pending = RawSocket.tcp4().connect_nonblocking(addr)
    assert pending.wait(BOUND)
    with pytest.raises(ConnectionRefusedError):
        pending.finish()
    assert not pending.closed  # a failed finish leaves it usable: close it
    pending.close()


def test_pending_finish_while_in_flight_is_blocking_io_error() -> None:
    # A listener whose accept queue is full drops SYNs, so the handshake
    # stays in flight.
    full = _full_listener()
    pending = RawSocket.tcp4().connect_nonblocking(full[0].getsockname())
    assert not pending.wait(0.05)
    with pytest.raises(BlockingIOError):
        pending.finish()
    assert not pending.closed
    assert pending.take_error() == 0
    pending.close()
    for s in full:
        s.close()


def _full_listener() -> list[wirelane.Listener[SocketAddrV4] | Connection[SocketAddrV4]]:
    """A listener with backlog 0 and its accept queue filled."""
    lst = RawSocket.tcp4().bind(LO4).listen(0)
    out: list[wirelane.Listener[SocketAddrV4] | Connection[SocketAddrV4]] = [lst]
    for _ in range(2):
        p = RawSocket.tcp4().connect_nonblocking(lst.getsockname())
        if p.wait(0.5):
            out.append(p.finish())
        else:
            p.close()
    return out


# --- datagrams ----------------------------------------------------------------


def test_udp_bound_datagram_roundtrip() -> None:
    a = RawSocket.udp4().bind(LO4)
    b = RawSocket.udp4().bind(LO4)
    assert isinstance(a, BoundDatagram)
    a.settimeout(BOUND)
    b.settimeout(BOUND)
    assert a.sendto(b"hello", b.getsockname()) == 5
    data, sender = b.recvfrom(100)
    assert data == b"hello" and sender == a.getsockname()
    a.sendto(memoryview(b"xxworld")[2:], b.getsockname())
    buf = bytearray(10)
    n, sender = b.recvfrom_into(buf)
    assert buf[:n] == b"world" and sender == a.getsockname()
    a.sendto(b"truncated!", b.getsockname())
    assert b.recvfrom(4)[0] == b"trun"
    d = a.dup()
    d.sendto(b"dup", b.getsockname())
    assert b.recvfrom(10)[0] == b"dup"
    for s in (a, b, d):
        s.close()


def test_udp_connect_from_raw_and_from_bound() -> None:
    server = RawSocket.udp6().bind(LO6)
    server.settimeout(BOUND)
    direct = RawSocket.udp6().connect(server.getsockname())
    assert isinstance(direct, ConnectedDatagram)
    assert direct.getpeername() == server.getsockname()
    direct.send(b"one")
    data, peer = server.recvfrom(10)
    assert data == b"one"
    bound = RawSocket.udp6().bind(LO6)
    conn = bound.connect(server.getsockname())
    with pytest.raises(ConsumedError):
        bound.sendto(b"x", server.getsockname())
    conn.settimeout(BOUND)
    conn.send_vectored([b"t", b"wo"])
    assert server.recvfrom(10)[0] == b"two"
    server.sendto(b"back", conn.getsockname())
    assert conn.recv(10) == b"back"
    server.sendto(b"into", conn.getsockname())
    buf = bytearray(8)
    assert conn.recv_into(buf) == 4 and buf[:4] == b"into"
    server.sendto(b"scatter", conn.getsockname())
    x, y = bytearray(3), bytearray(10)
    assert conn.recv_vectored([x, y]) == 7 and x == b"sca" and y[:4] == b"tter"
    c2 = conn.dup()
    c2.close()
    for s in (server, direct, conn):
        s.close()


def test_udp_connected_refused_after_icmp() -> None:
    dead = RawSocket.udp4().bind(LO4)
    addr = dead.getsockname()
    dead.close()
    conn = RawSocket.udp4().connect(addr)
    conn.settimeout(BOUND)
    conn.send(b"anyone?")
    with pytest.raises(ConnectionRefusedError):
        conn.recv(10)
    conn.close()


def test_unix_datagram_bound_and_unnamed_sender() -> None:
    path = unix_path()
    server = RawSocket.unix_datagram().bind(path)
    server.settimeout(BOUND)
    client = RawSocket.unix_datagram().connect(path)
    client.send(b"u")
    data, sender = server.recvfrom(10)
    assert data == b"u" and sender.is_unnamed
    a, b = ConnectedDatagram.pair()
    a.send(b"pair")
    assert b.recv(10) == b"pair"
    for s in (server, client, a, b):
        s.close()


# --- lifecycle -------------------------------------------------------------------


def test_close_detach_fileno_like_the_stdlib() -> None:
    raw = RawSocket.tcp4()
    fd = raw.fileno()
    assert raw.detach() == fd
    assert raw.closed and raw.fileno() == -1 and raw.detach() == -1
    with pytest.raises(OSError) as e:
        raw.getsockname()
    assert e.value.errno == errno.EBADF and "detached" in str(e.value)
    os.close(fd)
    other = RawSocket.udp4()
    other.close()
    other.close()
    assert other.fileno() == -1
    with pytest.raises(OSError, match="closed"):
        other.bind(LO4)
    assert "closed" in repr(other)


def test_with_block_closes_and_survives_a_transition() -> None:
    with RawSocket.tcp4() as raw:
        with raw.bind(LO4) as bound:
            pass
    assert raw.closed and bound.closed
    with pytest.raises(ConsumedError):
        raw.fileno()
    with pytest.raises(OSError, match="closed"):
        bound.listen()


def test_unclosed_object_is_freed_with_a_resource_warning() -> None:
    import gc

    raw = RawSocket.tcp4()
    fd = raw.fileno()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        del raw
        gc.collect()
    assert any(issubclass(x.category, ResourceWarning) for x in w)
    with pytest.raises(OSError):
        os.fstat(fd)


def test_repr_shows_state_and_addresses() -> None:
    client, server, lst = tcp_pair()
    assert repr(lst).startswith("<wirelane.Listener fd=")
    assert "raddr=" in repr(client)
    lst.close()
    assert repr(lst) == "<wirelane.Listener [closed]>"
    client.close()
    server.close()


def test_take_error_and_kernel_timeouts() -> None:
    with RawSocket.tcp4() as raw:
        assert raw.take_error() == 0
        assert raw.read_timeout() is None and raw.write_timeout() is None
        raw.set_read_timeout(1.5)
        raw.set_write_timeout(0.25)
        # The kernel keeps timeouts in jiffies (up to 10 ms granularity).
        assert raw.read_timeout() == pytest.approx(1.5, abs=0.011)
        assert raw.write_timeout() == pytest.approx(0.25, abs=0.011)
        raw.set_read_timeout(None)
        assert raw.read_timeout() is None
        with pytest.raises(ValueError):
            raw.set_read_timeout(0)


def test_kernel_read_timeout_raises_timeout_error(
    pair: tuple[Connection[SocketAddrV4], Connection[SocketAddrV4]],
) -> None:
    _, server = pair
    server.settimeout(None)
    server.set_read_timeout(0.05)
    with pytest.raises(TimeoutError):
        server.recv(1)


def test_adopt_from_fd_checks_state_and_family() -> None:
    lst = listener4()
    fd = lst.detach()
    with pytest.raises(OSError) as e:
        Connection.from_fd(fd, Ipv4)
    assert e.value.errno == errno.EINVAL  # a listener is not a connection
    with pytest.raises(OSError) as e2:
        Listener.from_fd(fd, UnixAddr)
    assert e2.value.errno == errno.EAFNOSUPPORT
    os.fstat(fd)  # still open, still the caller's
    back = Listener.from_fd(fd, Ipv4)
    # listener4() set a timeout, so the descriptor is O_NONBLOCK: adopted as 0.0.
    assert back.fileno() == fd and back.gettimeout() == 0.0
    with pytest.raises(OSError) as e3:
        RawSocket.from_fd(-1, Ipv4, Stream)
    assert e3.value.errno == errno.EBADF
    b = RawSocket.tcp4().bind(LO4)
    bfd = b.detach()
    b2 = BoundSocket.from_fd(bfd, Ipv4)
    with pytest.raises(OSError):
        RawSocket.from_fd(b2.fileno(), Ipv4, Stream)  # bound, not fresh
    r = RawSocket.udp4()
    rfd = r.detach()
    with pytest.raises(OSError) as e4:
        RawSocket.from_fd(rfd, Ipv4, Stream)
    assert e4.value.errno == errno.EPROTOTYPE
    r2 = RawSocket.from_fd(rfd, Ipv4, Datagram)
    d = r2.bind(LO4)
    d2 = BoundDatagram.from_fd(d.detach(), Ipv4)
    dc = d2.connect(d2.getsockname())
    dc2 = ConnectedDatagram.from_fd(dc.detach(), Ipv4)
    for s in (back, b2, dc2):
        s.close()


def test_failed_datagram_connect_leaves_the_bound_socket_usable() -> None:
    d = RawSocket.udp4().bind(LO4)
    with pytest.raises(OSError) as e:
        d.connect(SocketAddrV6("::1", 9))  # type: ignore[arg-type]
    assert e.value.errno == errno.EAFNOSUPPORT
    assert not d.closed
    peer = RawSocket.udp4().bind(LO4)
    c = d.connect(peer.getsockname())
    assert c.getpeername() == peer.getsockname()
    raw = RawSocket.udp6()
    with pytest.raises(OSError):
        raw.connect(SocketAddrV4("127.0.0.1", 9))  # type: ignore[arg-type]
    assert not raw.closed
    for s in (c, peer, raw):
        s.close()
