"""Runs a Python snippet in a fresh mount + network namespace
(``unshare --mount --net``), the way tests/common/blackhole_netns.rs does
for the Rust tests: loopback up, 198.51.100.0/24 and 2001:db8::/64 routed
into an ``ifb`` device that drops every packet (so 198.51.100.2 and
2001:db8::2 never answer), and private ``/etc/hosts``,
``/etc/resolv.conf`` and ``/etc/nsswitch.conf`` bind-mounted over the
real ones for that namespace only. Needs root, ``unshare`` and ``mount``
(util-linux) and ``ip`` (iproute2): scripts/ensure-tools.sh installs them."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap

BLACKHOLE_V4 = "198.51.100.2"
"""An IPv4 address that never answers inside the namespace."""

_SETUP = """\
set -e
ip link set lo up
ip link add bh0 type ifb
ip link set bh0 up
ip addr add 198.51.100.1/24 dev bh0
ip -6 addr add 2001:db8::1/64 dev bh0 nodad
for f in hosts resolv.conf nsswitch.conf; do
    mount --bind "$WL_NETNS_DIR/$f" "/etc/$f"
done
exec "$@"
"""


def run(script: str, *, hosts: str, resolv: str = "", timeout: float = 30.0) -> str:
    """Runs ``script`` (Python source) with this interpreter inside a new
    namespace with these ``/etc/hosts`` and ``/etc/resolv.conf`` contents
    (and ``hosts: files dns``); returns its stdout and fails the calling
    test, showing both streams, unless it exits 0."""
    with tempfile.TemporaryDirectory(prefix="wirelane-netns-") as d:
        for name, text in (("hosts", hosts), ("resolv.conf", resolv), ("nsswitch.conf", "hosts: files dns\n")):
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        try:
            out = subprocess.run(
                ["unshare", "--mount", "--net", "--propagation", "private", "--",
                 "sh", "-c", _SETUP, "sh", sys.executable, "-c", textwrap.dedent(script)],
                env={**os.environ, "WL_NETNS_DIR": d},
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except FileNotFoundError as e:
            raise AssertionError(f"{e}: install util-linux and iproute2 (scripts/ensure-tools.sh)") from None
    assert out.returncode == 0, f"the namespace script failed ({out.returncode}):\n{out.stdout}\n{out.stderr}"
    return out.stdout
