"""asyncio TCP echo client on wirelane.aio: sends each word, prints the echo.

    python aio_echo_client.py HOST:PORT WORD... [--uvloop]

``await aio.connect(addr)`` connects without blocking the loop and returns
an ``AsyncConnection[SocketAddrV4]`` (the domain comes from the address).
"""

from __future__ import annotations

import asyncio
import sys

from wirelane import SocketAddrV4, aio


async def talk(addr: SocketAddrV4, words: list[str]) -> None:
    async with await aio.connect(addr) as conn:
        for word in words:
            data = word.encode()
            await conn.sendall(data)
            got = b""
            while len(got) < len(data):
                chunk = await conn.recv(len(data) - len(got))
                if not chunk:
                    raise ConnectionError("the server closed the connection early")
                got += chunk
            print(got.decode(), flush=True)


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--uvloop"]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    host, _, port = args[0].rpartition(":")
    coro = talk(SocketAddrV4(host, int(port)), args[1:])
    if "--uvloop" in sys.argv:
        import uvloop

        uvloop.run(coro)
    else:
        asyncio.run(coro)
    return 0


if __name__ == "__main__":
    sys.exit(main())
