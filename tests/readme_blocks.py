#!/usr/bin/env python3
"""Runs every C, C++, Python and shell code block of README.md in its own
language, so the README cannot drift from the code (the Rust blocks are
doctests already). `make readme-test` runs it, as part of `make test`, after
the Python suite has made bindings/python/.venv and `make c-release-test`
the release library.

    python3 tests/readme_blocks.py [README.md ...]

How a block is run is its language's default unless the line just before
its fence is a marker, `<!-- readme-test: ITEM, ITEM, ... -->`. Defaults:

  ```c       compiled (-std=c11 -Wall -Wextra -Wpedantic -Werror) against
             include/ and the release library, run, must exit 0
  ```cpp     the same with -std=c++17
  ```python  run by bindings/python/.venv's interpreter (the installed
             package, not the checkout), must exit 0
  ```sh      run by `bash -euo pipefail` in the scratch directory, must
             exit 0

All blocks of one README share one scratch directory ($SCRATCH): it holds
links to the repository's scripts/, include/ and bindings/, and every
`file` block, so a README's commands run there as they would at the root.
Marker items:

  c | cpp | python | sh     the fence's language, restated (checked)
  file NAME                 not run by itself: written to $SCRATCH/NAME for
                            the shell blocks (some sh block must name it)
  fragment                  (c, cpp) statements, not a program: the body
                            of main() after #include "wirelane.h" (or
                            <wirelane.hpp>), -Wno-unused-variable
  context FILE              (fragment) #include FILE (from the repository
                            root) first: it defines the names the fragment
                            uses but does not declare
  compile-only              compiled, not run (e.g. it needs a peer)
  prepend "LINE"            (python) LINE is run first, e.g. the imports a
                            snippet continuing an earlier one assumes
  server                    a TCP server: started with 127.0.0.1:0 as its
                            argument (C) and must print "listening on
                            HOST:PORT"; one client's line is echoed back,
                            then it is stopped
  server tcp|udp at ADDR    a server that prints nothing: a line (TCP) or a
                            datagram (UDP) sent to ADDR, retried until it
                            listens, is echoed back
  serve PROG ...            (sh) after the block, each PROG it built is
                            checked as a `server`
  static PROG ...           (sh) after the block, each PROG must be a
                            static executable (no ELF program interpreter)
  replace "A" with "B"      the test runs the block with A replaced by B
                            (B may use $SCRATCH; $ROOT, the repository; and
                            $PORT, a port that was free a moment ago),
                            e.g. a system prefix by one in $SCRATCH, or a
                            cargo command by one naming the manifest (cargo
                            cannot find the workspace from $SCRATCH)
  with DIR first on PATH    (sh) DIR (from the repository root) leads PATH,
                            e.g. the test venv, so `pip` installs there
                            (build isolation off: the venv has the backend)
  skip, REASON...           not run; the reason is printed (a block is
                            never skipped silently)

An unknown item, an unmarked block in another language than these, or a
`file` no shell block names fails the test.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("c", "cpp", "python", "sh")
MARKER = re.compile(r"^<!--\s*readme-test:\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^```(\w*)\s*$")
REPLACE = re.compile(r'^replace "(.*)" with "(.*)"$')
WITH_PATH = re.compile(r"^with (\S+) first on PATH$")
PREPEND = re.compile(r'^prepend "(.*)"$')
SERVER_AT = re.compile(r"^server (tcp|udp) at (\d+\.\d+\.\d+\.\d+):(\S+)$")


class Failure(Exception):
    pass


@dataclass
class Block:
    source: Path
    line: int
    lang: str
    text: str
    file: str | None = None
    fragment: bool = False
    server: bool = False
    server_at: tuple[str, str, int] | None = None  # (tcp|udp, host, port)
    context: str | None = None
    compile_only: bool = False
    serve: list[str] = field(default_factory=list)
    static: list[str] = field(default_factory=list)
    replace: list[tuple[str, str]] = field(default_factory=list)
    path_first: list[str] = field(default_factory=list)
    skip: str | None = None
    server_port: str = ""
    prepend: list[str] = field(default_factory=list)

    def where(self) -> str:
        name = self.source.relative_to(ROOT) if self.source.is_relative_to(ROOT) else self.source
        return f"{name}:{self.line} ({self.lang})"


def split_items(marker: str) -> list[str]:
    """Splits on commas outside double quotes."""
    items, cur, quoted = [], "", False
    for ch in marker:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            items.append(cur.strip())
            cur = ""
        else:
            cur += ch
    items.append(cur.strip())
    return [i for i in items if i]


def parse(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m or not m.group(1):
            i += 1
            continue
        lang, start = m.group(1), i
        j = i + 1
        while j < len(lines) and lines[j].rstrip() != "```":
            j += 1
        if j == len(lines):
            raise Failure(f"{path.name}:{start + 1}: unterminated ```{lang} block")
        text = "\n".join(lines[i + 1 : j]) + "\n"
        i = j + 1
        prev = lines[start - 1] if start > 0 else ""
        marker = MARKER.match(prev)
        if lang not in LANGS:
            if marker:
                raise Failure(f"{path.name}:{start + 1}: readme-test marker on a ```{lang} block")
            continue  # rust: doctests; mermaid, text: not code
        b = Block(path, start + 1, lang, text)
        items = split_items(marker.group(1)) if marker else []
        k = 0
        while k < len(items):
            item = items[k]
            if item in LANGS:
                if item != lang:
                    raise Failure(f"{b.where()}: marker says {item}")
            elif item == "skip":
                b.skip = ", ".join(items[k + 1 :]) or "(no reason given)"
                if b.skip == "(no reason given)":
                    raise Failure(f"{b.where()}: skip needs a reason")
                break
            elif item.startswith("file "):
                b.file = item[5:].strip()
            elif item == "fragment":
                b.fragment = True
            elif item == "server":
                b.server = True
            elif sa := SERVER_AT.match(item):
                b.server_at = (sa.group(1), sa.group(2), 0)
                b.server_port = sa.group(3)
            elif item.startswith("context "):
                b.context = item[8:].strip()
            elif item == "compile-only":
                b.compile_only = True
            elif pp := PREPEND.match(item):
                b.prepend.append(pp.group(1))
            elif item.startswith("serve "):
                b.serve = item[6:].split()
            elif item.startswith("static "):
                b.static = item[7:].split()
            elif r := REPLACE.match(item):
                if r.group(1) not in text:
                    raise Failure(f'{b.where()}: replace "{r.group(1)}": not in the block')
                b.replace.append((r.group(1), r.group(2)))
            elif p := WITH_PATH.match(item):
                b.path_first.append(p.group(1))
            else:
                raise Failure(f"{b.where()}: unknown readme-test item {item!r}")
            k += 1
        blocks.append(b)
    return blocks


def target_dir() -> Path:
    out = subprocess.run([str(ROOT / "scripts/target-dir.sh")], check=True, capture_output=True, text=True)
    return Path(out.stdout.strip())


def venv_python() -> Path:
    py = ROOT / "bindings/python/.venv/bin/python"
    if not py.is_file():
        raise Failure(f"{py} missing: run `make python-test` (bindings/python/run-tests.sh) first")
    return py


def run(cmd: list[str], cwd: Path, env: dict[str, str], what: str, timeout: int = 900) -> None:
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise Failure(f"{what}: {cmd[0]} exited {p.returncode}\n--- stdout\n{p.stdout}\n--- stderr\n{p.stderr}")


def check_server(cmd: list[str], cwd: Path, env: dict[str, str], what: str) -> str:
    """Starts a server, reads its "listening on HOST:PORT", echoes a line."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([proc.stdout], [], [], left)[0]:
                raise Failure(f"{what}: no 'listening on' line within 60 s")
            chunk = os.read(proc.stdout.fileno(), 1)
            if not chunk:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise Failure(f"{what}: exited ({proc.wait()}) before listening: {err}")
            line += chunk
        text = line.decode().strip()
        m = re.fullmatch(r"listening on (\d+\.\d+\.\d+\.\d+):(\d+)", text)
        if not m:
            raise Failure(f"{what}: expected 'listening on HOST:PORT', got {text!r}")
        host, port = m.group(1), int(m.group(2))
        if port == 0:
            raise Failure(f"{what}: printed port 0, not the bound port")
        got = echo_once("tcp", host, port)
        if got != b"ping from the README\n":
            raise Failure(f"{what}: echoed {got!r}")
        if proc.poll() is not None:
            raise Failure(f"{what}: exited ({proc.returncode}) after one client; a server keeps serving")
        return f"{host}:{port}"
    finally:
        proc.kill()
        proc.wait()


def is_static(exe: Path) -> bool:
    """No PT_INTERP program header: the kernel runs it without ld.so."""
    data = exe.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise Failure(f"{exe}: not a 64-bit ELF file")
    order: Literal["little", "big"] = "little" if data[5] == 1 else "big"
    phoff = int.from_bytes(data[32:40], order)
    phentsize = int.from_bytes(data[54:56], order)
    phnum = int.from_bytes(data[56:58], order)
    types = [int.from_bytes(data[phoff + i * phentsize : phoff + i * phentsize + 4], order) for i in range(phnum)]
    return 3 not in types  # PT_INTERP


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def echo_once(kind: str, host: str, port: int) -> bytes:
    msg = b"ping from the README\n"
    if kind == "udp":
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.settimeout(0.5)
            u.sendto(msg, (host, port))
            return u.recvfrom(2048)[0]
    with socket.create_connection((host, port), timeout=30) as c:
        c.sendall(msg)
        got = b""
        while len(got) < len(msg):
            chunk = c.recv(len(msg) - len(got))
            if not chunk:
                break
            got += chunk
        return got


def check_server_at(cmd: list[str], cwd: Path, env: dict[str, str], what: str, kind: str, host: str, port: int) -> str:
    """Starts a server that prints nothing and echoes through it at host:port."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise Failure(f"{what}: exited ({proc.returncode}) instead of serving: {err}")
            try:
                got = echo_once(kind, host, port)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise Failure(f"{what}: nothing served {kind} at {host}:{port} within 60 s") from None
                time.sleep(0.1)
        if got != b"ping from the README\n":
            raise Failure(f"{what}: echoed {got!r}")
        return f"{kind} {host}:{port}"
    finally:
        proc.kill()
        proc.wait()


def compile_and_run(b: Block, text: str, scratch: Path, env: dict[str, str], n: int) -> None:
    lib = target_dir() / "release"
    if not (lib / "libwirelane.so").is_file():
        raise Failure(f"{b.where()}: {lib}/libwirelane.so missing: cargo build --release -p wirelane-ffi")
    context = f'#include "{ROOT / b.context}"\n' if b.context else ""
    if b.lang == "c":
        if b.fragment:
            text = f'#include <stdio.h>\n#include "wirelane.h"\n{context}\nint main(void) {{\n{text}    return 0;\n}}\n'
        src, cc, std = scratch / f"block{n}.c", os.environ.get("CC", "cc"), "-std=c11"
    else:
        if b.fragment:
            text = f"#include <wirelane.hpp>\n{context}\nint main() {{\n{text}    return 0;\n}}\n"
        src, cc, std = scratch / f"block{n}.cpp", os.environ.get("CXX", "c++"), "-std=c++17"
    src.write_text(text)
    exe = scratch / f"block{n}"
    flags = [std, "-Wall", "-Wextra", "-Wpedantic", "-Werror"] + (["-Wno-unused-variable"] if b.fragment else [])
    run(
        [cc, *flags, f"-I{ROOT / 'include'}", "-o", str(exe), str(src),
         f"-L{lib}", f"-Wl,-rpath,{lib}", "-lwirelane", "-pthread"],
        scratch, env, f"{b.where()}: compile",
    )
    if b.compile_only:
        print("  compiled (not run: compile-only)")
    elif b.server:
        print(f"  served {check_server([str(exe), '127.0.0.1:0'], scratch, env, b.where())}")
    else:
        run([str(exe)], scratch, env, f"{b.where()}: run", timeout=120)


def main(argv: list[str]) -> int:
    readmes = [Path(a).resolve() for a in argv] or [ROOT / "README.md"]
    total = skipped = 0
    for readme in readmes:
        blocks = parse(readme)
        scratch = Path(tempfile.mkdtemp(prefix="wl-readme-"))
        try:
            for name in ("scripts", "include", "bindings"):
                (scratch / name).symlink_to(ROOT / name)
            sh_text = "".join(b.text for b in blocks if b.lang == "sh")
            for b in blocks:
                if b.file:
                    if not re.search(rf"(^|[\s/]){re.escape(b.file)}(\s|$)", sh_text):
                        raise Failure(f"{b.where()}: file {b.file} is used by no sh block")
                    (scratch / b.file).write_text(b.text)
            env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
            env["SCRATCH"] = str(scratch)
            print(f"readme-test: {readme}: {len(blocks)} blocks, scratch {scratch}")
            for n, b in enumerate(blocks):
                text = b.text
                port = free_port()
                for a, rep in b.replace:
                    rep = rep.replace("$SCRATCH", str(scratch)).replace("$ROOT", str(ROOT))
                    text = text.replace(a, rep.replace("$PORT", str(port)))
                if b.server_at:
                    kind, host, _ = b.server_at
                    b.server_at = (kind, host, int(b.server_port.replace("$PORT", str(port))))
                if b.skip:
                    skipped += 1
                    print(f"- {b.where()}: not run: {b.skip}")
                    continue
                if b.file:
                    print(f"- {b.where()}: {b.file}, built and run by a shell block")
                    continue
                total += 1
                print(f"- {b.where()}: run" + (f" (replaced {b.replace})" if b.replace else ""))
                if b.lang == "sh":
                    benv = dict(env)
                    if b.path_first:
                        benv["PATH"] = os.pathsep.join([str(ROOT / d) for d in b.path_first] + [env["PATH"]])
                        benv["PIP_NO_BUILD_ISOLATION"] = "0"
                        benv["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
                    run(["bash", "-euo", "pipefail", "-c", text], scratch, benv, b.where())
                    for prog in b.static:
                        if not is_static(scratch / prog):
                            raise Failure(f"{b.where()}: {prog} is not a static executable")
                        print(f"  {prog}: a static executable")
                    for prog in b.serve:
                        print(f"  {prog}: served {check_server([prog, '127.0.0.1:0'], scratch, env, f'{b.where()} {prog}')}")
                elif b.lang == "python":
                    py = str(venv_python())
                    src = scratch / f"block{n}.py"
                    src.write_text("".join(f"{line}\n" for line in b.prepend) + text)
                    if b.server_at:
                        kind, host, p = b.server_at
                        print(f"  served {check_server_at([py, '-I', str(src)], scratch, env, b.where(), kind, host, p)}")
                    elif b.server:
                        print(f"  served {check_server([py, '-I', str(src)], scratch, env, b.where())}")
                    else:
                        run([py, "-I", str(src)], scratch, env, b.where(), timeout=120)
                else:
                    compile_and_run(b, text, scratch, env, n)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    print(f"readme-test: {total} blocks run, {skipped} not run (reasons above), 0 failed")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (Failure, subprocess.TimeoutExpired) as e:
        print(f"readme-test: FAIL: {e}", file=sys.stderr)
        sys.exit(1)
