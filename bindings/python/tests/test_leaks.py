"""No descriptor leaks: /proc/self/fd is the same before and after many
transitions, failed transitions, dropped objects and error paths."""

from __future__ import annotations

import gc
import os
import socket
import warnings

import pytest
from conftest import abstract_addr, open_fds, unix_path

from wirelane import (
    BoundSocket,
    Connection,
    ConnectorBuilder,
    DatagramBuilder,
    Ipv4,
    Listener,
    ListenerBuilder,
    Pipe,
    RawSocket,
    RecvBatch,
    SendBatch,
    SocketAddrV4,
    SocketAddrV6,
    Stream,
    UnixAddr,
    pipe,
    socketpair,
)

LO4 = SocketAddrV4("127.0.0.1", 0)
ROUNDS = 100


def churn(listener: Listener[SocketAddrV4], dead: SocketAddrV4) -> None:
    addr = listener.getsockname()
    # Successful transitions through every state.
    client = RawSocket.tcp4().connect(addr)
    server, _ = listener.accept()
    client.sendall(b"x")
    server.recv(1)
    pending = RawSocket.tcp4().connect_nonblocking(addr)
    pending.wait(5)
    conn = pending.finish()
    extra, _ = listener.accept()
    dup = conn.dup()
    for s in (client, server, conn, extra, dup):
        s.close()
    udp = RawSocket.udp4().bind(LO4).connect(addr)
    udp.close()
    a, b = socketpair()
    a.close()
    b.close()
    # Failed transitions: the object survives and is then closed.
    raw = RawSocket.tcp4()
    with pytest.raises(OSError):
        raw.bind(addr)  # EADDRINUSE
    with pytest.raises(ConnectionRefusedError):
        raw.connect(dead)
    with pytest.raises(OSError):
        raw.bind(SocketAddrV6("::1", 0))  # type: ignore[arg-type]
    raw.close()
    with pytest.raises(ValueError):
        RawSocket.tcp4().bind(SocketAddrV4("nonsense", 0)).close()
    refused = RawSocket.tcp4().connect_nonblocking(dead)
    refused.wait(5)
    with pytest.raises(ConnectionRefusedError):
        refused.finish()
    refused.close()
    # Adoption failures hand the descriptor back.
    fd = RawSocket.udp4().detach()
    with pytest.raises(OSError):
        Connection.from_fd(fd, Ipv4)
    with pytest.raises(OSError):
        RawSocket.from_fd(fd, Ipv4, Stream)
    os.close(fd)
    # Builders: failures close the socket they made.
    with pytest.raises(OSError):
        ListenerBuilder(Ipv4).bind(addr)
    with pytest.raises(ConnectionRefusedError):
        ConnectorBuilder(Ipv4).connect(dead)
    DatagramBuilder(Ipv4).bind(LO4).close()
    # Unix paths and a bound socket that is dropped, not closed.
    path = unix_path()
    lst = RawSocket.unix_stream().bind(path).listen()
    with pytest.raises(OSError):
        RawSocket.unix_stream().bind(path)
    lst.close()
    os.unlink(str(path))
    RawSocket.unix_datagram().bind(abstract_addr())  # dropped: __del__ frees it
    with pytest.raises(OSError):
        RawSocket.unix_stream().connect(UnixAddr("/nonexistent/wirelane.sock"))
    # Fast paths: batches, descriptor passing, pipes.
    with SendBatch(Ipv4, 4) as batch, RecvBatch(Ipv4, 4, 64) as inbox:
        d = RawSocket.udp4().bind(LO4)
        batch.push(b"b", d.getsockname())
        d.send_batch(batch)
        d.recv_batch(inbox)
        d.close()
    x, y = socketpair()
    r, w = pipe()
    x.send_fds(b"f", [r, w])
    _, fds = y.recv_fds(1, 4)
    for fd in (r, w, *fds):
        os.close(fd)
    x.send_fds(b"f", [x.fileno(), y.fileno()])
    with pytest.raises(OSError):
        y.recv_fds(1, 1)  # too many: the library closes what arrived
    Pipe().close()
    x.close()
    y.close()
    # stdlib interop both ways.
    std = socket.socket()
    std.bind(("127.0.0.1", 0))
    BoundSocket.from_socket(std, Ipv4).close()
    socket.socket(fileno=RawSocket.tcp4().detach()).close()


def test_no_descriptor_leaks_across_many_transitions() -> None:
    listener = RawSocket.tcp4().bind(LO4).listen(512)
    listener.settimeout(5)
    dead_l = RawSocket.tcp4().bind(LO4)
    dead = dead_l.getsockname()  # bound, never listening: connects are refused
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        churn(listener, dead)  # warm-up: caches, lazy imports
        gc.collect()
        before = open_fds()
        for _ in range(ROUNDS):
            churn(listener, dead)
        gc.collect()
        after = open_fds()
    listener.close()
    dead_l.close()
    assert after == before, f"leaked: {sorted(after - before)}, closed: {sorted(before - after)}"
