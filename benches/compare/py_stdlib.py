"""The Python standard library client: the `socket` module, each workload
written the ordinary way. No sendmmsg in the stdlib (a batch is a sendto
loop); GSO through sendmsg with a UDP_SEGMENT control message;
socket.sendfile (os.sendfile inside) for the sendfile workload.
"""

import socket
import struct
import sys

import common


def main():
    p = common.parse(sys.argv[1:])
    train = b"x" * p.train_len
    msg = train[: p.size]
    view = memoryview(train)
    segments = [view[i : i + p.size] for i in range(0, p.train_len, p.size)] if p.size else []
    count = p.count
    state = {"check": 0}

    def sink_count(sock, connected):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 5, 0))
        if connected:
            sock.send(common.END_MARKER)
        else:
            sock.sendto(common.END_MARKER, p.peer)
        while True:
            reply = sock.recv(16)
            if len(reply) == 8:
                return common.decode_count(reply)

    w = p.workload
    if w == "tcp_pingpong":
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.connect(p.peer)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buf = bytearray(p.size)
        bview = memoryview(buf)

        def timed():
            size = p.size
            send, recv_into = s.send, s.recv_into
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
    elif w in ("udp_rr", "udp_loop", "udp_gso", "udp_send", "udp_batch"):
        # No read timeout while timed: SO_RCVTIMEO makes every blocking
        # receive arm a kernel timer. sink_count sets one (untimed).
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        connected = w in ("udp_rr", "udp_loop", "udp_gso")
        if connected:
            s.connect(p.peer)
        else:
            # Bound to 127.0.0.1:0 like every other client's unconnected
            # socket (a wildcard-bound one takes another route lookup).
            s.bind(("127.0.0.1", 0))
        buf = bytearray(65536)
        peer = p.peer
        if w == "udp_rr":

            def timed():
                send, recv_into, size = s.send, s.recv_into, p.size
                for _ in range(count):
                    if send(msg) != size:
                        raise RuntimeError("short send")
                    if recv_into(buf) != size:
                        raise RuntimeError("short echo")

        elif w == "udp_loop":

            def timed():
                send = s.send
                for _ in range(count):
                    for seg in segments:
                        send(seg)

        elif w == "udp_gso":
            control = [(common.SOL_UDP, common.UDP_SEGMENT, struct.pack("=H", p.size))]
            data = [train]

            def timed():
                sendmsg, total = s.sendmsg, p.train_len
                for _ in range(count):
                    if sendmsg(data, control) != total:
                        raise RuntimeError("short GSO send")

        elif w == "udp_send":

            def timed():
                sendto = s.sendto
                for _ in range(count):
                    sendto(msg, peer)

        else:

            def timed():
                # No sendmmsg in the stdlib: one sendto per message.
                sendto = s.sendto
                for _ in range(count):
                    for seg in segments:
                        sendto(seg, peer)

        if w == "udp_rr":
            check = lambda: count
        else:
            check = lambda: sink_count(s, connected)
    elif w == "tcp_connect_name":
        create_connection, address = socket.create_connection, ("localhost", p.port)

        def timed():
            for _ in range(count):
                create_connection(address).close()

        check = lambda: count
    elif w in ("tcp_sendfile", "tcp_copy"):
        f = open(p.file, "rb", buffering=0)
        buf = bytearray(65536)
        bview = memoryview(buf)

        def timed():
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.connect(p.peer)
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
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
            if c.recv(1) != b"":
                raise RuntimeError("sink sent data")
            c.close()
            state["check"] = sent

        check = lambda: state["check"]
    else:
        sys.exit(f"python stdlib client: unsupported workload {w}")

    common.serve(timed, check)


if __name__ == "__main__":
    main()
