"""The asyncio examples run, each on the default loop and on uvloop: the
echo server (stopped with a real SIGINT) with the echo client, and the UDP
batch receiver."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from test_examples import ENV, EXAMPLES

LOOP_FLAGS = {"asyncio": [], "uvloop": ["--uvloop"]}


@pytest.mark.parametrize("loop", list(LOOP_FLAGS))
def test_aio_echo_server_and_client(loop: str) -> None:
    flags = LOOP_FLAGS[loop]
    server = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "aio_echo_server.py"), "0", *flags],
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # see test_examples.py
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert line.startswith("listening on 127.0.0.1:"), line
        addr = line.split()[-1]
        clients = [
            subprocess.Popen(
                [sys.executable, str(EXAMPLES / "aio_echo_client.py"), addr, f"hello{i}", "wirelane", *flags],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=ENV,
            )
            for i in range(3)  # served concurrently, one task each
        ]
        for i, c in enumerate(clients):
            out, err = c.communicate(timeout=30)
            assert c.returncode == 0, err
            assert out.splitlines() == [f"hello{i}", "wirelane"]
        server.send_signal(signal.SIGINT)  # Ctrl-C while awaiting accept
        out, _ = server.communicate(timeout=30)
        assert server.returncode == 0
        assert out.strip() == "stopped"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


@pytest.mark.parametrize("loop", list(LOOP_FLAGS))
def test_aio_udp_receiver(loop: str) -> None:
    run = subprocess.run(
        [sys.executable, str(EXAMPLES / "aio_udp_receiver.py"), "3000", *LOOP_FLAGS[loop]],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "received all 3000 datagrams in order" in run.stdout, run.stdout
