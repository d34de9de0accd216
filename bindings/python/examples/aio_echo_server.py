"""asyncio TCP echo server on wirelane.aio: one task per connection,
Ctrl-C to stop.

    python aio_echo_server.py [PORT] [--uvloop]   (default 8080, 0 picks a free port)

``aio.wrap`` turns the typed ``Listener`` into an ``AsyncListener``;
``await accept()`` gives ``AsyncConnection``s, served in their own tasks.
``--uvloop`` runs the same code on uvloop.
"""

from __future__ import annotations

import asyncio
import sys

from wirelane import Ipv4, ListenerBuilder, SocketAddrV4, aio


async def echo(conn: aio.AsyncConnection[Ipv4]) -> None:
    async with conn:
        buf = bytearray(4096)
        while True:
            try:
                n = await conn.recv_into(buf)
            except OSError:
                return
            if n == 0:
                return
            await conn.sendall(memoryview(buf)[:n])


async def serve(port: int) -> None:
    sync = ListenerBuilder(Ipv4).reuse_addr(True).bind(SocketAddrV4("127.0.0.1", port))
    tasks: set[asyncio.Task[None]] = set()
    async with aio.wrap(sync) as listener:
        print(f"listening on {listener.getsockname()}", flush=True)
        while True:
            conn, _peer = await listener.accept()
            task = asyncio.create_task(echo(conn))
            tasks.add(task)  # keep a reference until it ends
            task.add_done_callback(tasks.discard)


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--uvloop"]
    port = int(args[0]) if args else 8080
    try:
        if "--uvloop" in sys.argv:
            import uvloop

            uvloop.run(serve(port))
        else:
            asyncio.run(serve(port))
    except KeyboardInterrupt:  # asyncio cancelled serve(), which closed the listener
        print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
