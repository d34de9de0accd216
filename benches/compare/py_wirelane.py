"""The Python binding client (bindings/python, ctypes over the C ABI):
every workload, written as the binding's README shows. Batches are one
``send_batch`` call per 64 messages (a reused ``SendBatch``, one
``sendmmsg``); GSO is ``ConnectedDatagram.send_segmented``. Its
``Connection.sendfile`` calls ``os.sendfile`` (the kernel's sendfile, no
copy through Python).
"""

import socket
import sys

import common
import wirelane
from wirelane import Ipv4, RawSocket, SendBatch, SocketAddrV4


def main():
    p = common.parse(sys.argv[1:])
    peer = SocketAddrV4(p.host, p.port)
    train = b"x" * p.train_len
    msg = train[: p.size]
    view = memoryview(train)
    segments = [view[i : i + p.size] for i in range(0, p.train_len, p.size)] if p.size else []
    count = p.count
    state = {"check": 0}
    w = p.workload

    def sink_count(sock, connected):
        sock.set_read_timeout(5.0)
        if connected:
            sock.send(common.END_MARKER)
        else:
            sock.sendto(common.END_MARKER, peer)
        reply = bytearray(16)
        while True:
            n = sock.recv_into(reply) if connected else sock.recvfrom_into(reply)[0]
            if n == 8:
                return common.decode_count(bytes(reply[:8]))

    if w == "tcp_pingpong":
        conn = RawSocket.tcp4().connect(peer)
        conn.set_tcp_nodelay(True)
        buf = bytearray(p.size)
        bview = memoryview(buf)

        def timed():
            size = p.size
            send, recv_into = conn.send, conn.recv_into
            for _ in range(count):
                if send(msg) != size:
                    raise RuntimeError("short send")
                got = 0
                while got < size:
                    n = recv_into(bview[got:], size - got)
                    if n == 0:
                        raise RuntimeError("echo peer closed")
                    got += n

        check = lambda: count
    elif w == "udp_gso":
        sock = RawSocket.udp4().connect(peer)

        def timed():
            send_segmented, size, batch = sock.send_segmented, p.size, p.batch
            for _ in range(count):
                r = send_segmented(train, size)
                if not r.offloaded or r.datagrams != batch:
                    raise RuntimeError(f"GSO send not offloaded: {r}")

        check = lambda: sink_count(sock, True)
    elif w == "udp_batch":
        sock = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
        batch = SendBatch(Ipv4, p.batch)
        for i in range(0, p.train_len, p.size):
            batch.push(train[i : i + p.size], peer)

        def timed():
            send_batch, n = sock.send_batch, p.batch
            for _ in range(count):
                if send_batch(batch) != n:
                    raise RuntimeError("partial sendmmsg")

        check = lambda: sink_count(sock, False)
    elif w in ("udp_rr", "udp_loop"):
        # No read timeout while timed (SO_RCVTIMEO arms a kernel timer per
        # blocking receive); sink_count sets one, untimed.
        sock = RawSocket.udp4().connect(peer)
        buf = bytearray(65536)
        if w == "udp_rr":

            def timed():
                send, recv_into, size = sock.send, sock.recv_into, p.size
                for _ in range(count):
                    if send(msg) != size:
                        raise RuntimeError("short send")
                    if recv_into(buf) != size:
                        raise RuntimeError("short echo")

            check = lambda: count
        else:

            def timed():
                send = sock.send
                for _ in range(count):
                    for seg in segments:
                        send(seg)

            check = lambda: sink_count(sock, True)
    elif w == "udp_send":
        sock = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))

        def timed():
            sendto = sock.sendto
            for _ in range(count):
                sendto(msg, peer)

        check = lambda: sink_count(sock, False)
    elif w == "tcp_connect_name":
        create_connection, address = wirelane.create_connection, ("localhost", p.port)

        def timed():
            for _ in range(count):
                create_connection(address).close()

        check = lambda: count
    elif w in ("tcp_sendfile", "tcp_copy"):
        f = open(p.file, "rb", buffering=0)
        buf = bytearray(65536)
        bview = memoryview(buf)

        def timed():
            c = RawSocket.tcp4().connect(peer)
            c.set_tcp_nodelay(True)
            f.seek(0)
            if w == "tcp_sendfile":
                sent = c.sendfile(f)
            else:
                sent = 0
                readinto, sendall = f.readinto, c.sendall
                while True:
                    n = readinto(buf)
                    if not n:
                        break
                    sendall(bview[:n])
                    sent += n
            c.shutdown(socket.SHUT_WR)
            if c.recv_into(bytearray(1)) != 0:
                raise RuntimeError("sink sent data")
            c.close()
            state["check"] = sent

        check = lambda: state["check"]
    else:
        sys.exit(f"python binding client: unsupported workload {w}")

    common.serve(timed, check)


if __name__ == "__main__":
    main()
