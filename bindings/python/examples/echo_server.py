"""TCP echo server: one thread per connection, Ctrl-C to stop.

    python echo_server.py [PORT]        (default 8080, 0 picks a free port)

Each state is its own type: ``ListenerBuilder(Ipv4).bind(...)`` gives a
``Listener[Ipv4]``; ``accept()`` gives a ``Connection[Ipv4]``.
"""

from __future__ import annotations

import sys
import threading

from wirelane import Connection, Ipv4, ListenerBuilder, SocketAddrV4


def echo(conn: Connection[Ipv4]) -> None:
    with conn:
        buf = bytearray(4096)
        while True:
            try:
                n = conn.recv_into(buf)
            except OSError:
                return
            if n == 0:
                return
            conn.sendall(memoryview(buf)[:n])


def main() -> int:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    with ListenerBuilder(Ipv4).reuse_addr(True).bind(SocketAddrV4("127.0.0.1", port)) as listener:
        print(f"listening on {listener.getsockname()}", flush=True)
        try:
            while True:
                conn, peer = listener.accept()
                threading.Thread(target=echo, args=(conn,), daemon=True).start()
        except KeyboardInterrupt:
            print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
