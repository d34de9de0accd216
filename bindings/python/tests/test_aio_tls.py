"""``loop.start_tls`` on streams made from the sync classes: a plain
connection upgraded to TLS mid-stream (a STARTTLS exchange), the client on
a ``Connection`` passed to ``create_connection(sock=)`` and upgraded with
``loop.start_tls``, the server on a ``Listener`` passed to
``asyncio.start_server(sock=)`` and upgraded with ``StreamWriter.start_tls``
(which calls ``loop.start_tls``). The certificate is self-signed, made by
the ``openssl`` command (scripts/ensure-tools.sh installs it) for this run.
Both loops."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from pathlib import Path
from typing import Any

import pytest

from wirelane import RawSocket, SocketAddrV4

from aio_support import run, socket_fds  # noqa: F401 (run is a fixture)


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A fresh self-signed certificate for ``localhost`` and its key."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("the openssl command is missing: run scripts/ensure-tools.sh (or apt-get install openssl)")
    d = tmp_path_factory.mktemp("tls")
    key, crt = d / "key.pem", d / "cert.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(crt), "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return crt, key


class Client(asyncio.Protocol):
    """Collects what arrives; ``until(data)`` waits for it."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.event = asyncio.Event()
        self.lost: asyncio.Future[Exception | None] = asyncio.get_running_loop().create_future()

    def data_received(self, data: bytes) -> None:
        self.buf += data
        self.event.set()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.lost.done():
            self.lost.set_result(exc)

    async def until(self, data: bytes) -> None:
        while bytes(self.buf) != data:
            assert data.startswith(bytes(self.buf)), f"got {bytes(self.buf)!r}, waiting for {data!r}"
            self.event.clear()
            await self.event.wait()
        self.buf.clear()


def test_start_tls_on_streams_from_the_sync_classes(run: Any, cert: tuple[Path, Path]) -> None:
    crt, key = cert
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(crt, key)
    client_ctx = ssl.create_default_context(cafile=str(crt))

    async def main() -> None:
        before = socket_fds()
        loop = asyncio.get_running_loop()
        served: asyncio.Future[str] = loop.create_future()

        async def handle(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            try:
                assert await r.readline() == b"STARTTLS\n"
                w.write(b"OK\n")
                await w.drain()
                await w.start_tls(server_ctx)
                while data := await r.read(100):
                    w.write(data.upper())
                    await w.drain()
                served.set_result(w.get_extra_info("cipher")[1])
                w.close()
            except BaseException as exc:  # surfaced by the test, not lost in the loop
                served.set_exception(exc)

        lst = RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", 0)).listen()
        addr = lst.getsockname()
        server = await asyncio.start_server(handle, sock=lst)

        conn = RawSocket.tcp4().connect(addr)
        transport, proto = await loop.create_connection(Client, sock=conn)
        transport.write(b"STARTTLS\n")
        await proto.until(b"OK\n")
        tls = await loop.start_tls(transport, proto, client_ctx, server_hostname="localhost")
        assert tls is not None
        assert tls.get_extra_info("peercert")["subject"] == ((("commonName", "localhost"),),)
        tls.write(b"secret over tls")
        await proto.until(b"SECRET OVER TLS")
        tls.close()
        assert await proto.lost is None
        assert (await served).startswith("TLS")
        server.close()
        await server.wait_closed()
        for _ in range(100):  # uvloop closes its handles one iteration later
            if conn.closed and lst.closed:
                break
            await asyncio.sleep(0.001)
        assert conn.closed and lst.closed
        assert socket_fds() == before

    run(main)


def test_start_tls_rejects_an_untrusted_certificate(run: Any, cert: tuple[Path, Path]) -> None:
    """The upgrade really verifies: a client that does not trust the
    self-signed certificate fails the handshake, and nothing leaks."""
    crt, key = cert
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(crt, key)
    untrusting = ssl.create_default_context()  # the system store: our certificate is not in it

    async def main() -> None:
        before = socket_fds()
        loop = asyncio.get_running_loop()

        async def handle(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            try:
                await w.start_tls(server_ctx)
            except (ssl.SSLError, ConnectionError, OSError):
                pass
            w.close()

        lst = RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", 0)).listen()
        server = await asyncio.start_server(handle, sock=lst)
        conn = RawSocket.tcp4().connect(lst.getsockname())
        transport, proto = await loop.create_connection(Client, sock=conn)
        with pytest.raises(ssl.SSLCertVerificationError):
            await loop.start_tls(transport, proto, untrusting, server_hostname="localhost")
        transport.close()
        await proto.lost
        server.close()
        await server.wait_closed()
        for _ in range(200):  # the server side's failed handshake closes asynchronously
            if conn.closed and lst.closed and socket_fds() == before:
                break
            await asyncio.sleep(0.005)
        assert conn.closed and lst.closed
        assert socket_fds() == before

    run(main)
