"""The examples run: echo server and client (stopped with a real SIGINT),
and the UDP batch example."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import wirelane

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ENV = {**os.environ, "PYTHONPATH": str(Path(wirelane.__file__).resolve().parent.parent)}


def test_echo_server_and_client() -> None:
    server = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "echo_server.py"), "0"],
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
        # A test runner started in the background inherits SIGINT ignored,
        # and Python then never installs its Ctrl-C handler: undo that.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert line.startswith("listening on 127.0.0.1:"), line
        addr = line.split()[-1]
        client = subprocess.run(
            [sys.executable, str(EXAMPLES / "echo_client.py"), addr, "hello", "wirelane"],
            capture_output=True,
            text=True,
            env=ENV,
            timeout=30,
        )
        assert client.returncode == 0, client.stderr
        assert client.stdout.splitlines() == ["hello", "wirelane"]
        server.send_signal(signal.SIGINT)  # Ctrl-C while blocked in accept
        out, _ = server.communicate(timeout=30)
        assert server.returncode == 0
        assert out.strip() == "stopped"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_udp_batch_example() -> None:
    run = subprocess.run(
        [sys.executable, str(EXAMPLES / "udp_batch.py")],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "all 64 datagrams echoed" in run.stdout, run.stdout
