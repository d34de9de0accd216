"""Packaging: ``python -m build`` makes an sdist that builds from source and
a ``py3-none-manylinux`` wheel; the wheel installs into a fresh venv and
imports and works with no Rust on ``PATH``; the library it bundles is a
release build by rule (no debug sections), the rule is printed, cargo's
target directory (here ``CARGO_TARGET_DIR``) is where it is built, and
``WIRELANE_LIB`` bundles exactly the given file instead."""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import wirelane
from wirelane import _lib

HERE = Path(__file__).resolve().parents[1]  # bindings/python in the checkout


def checkout() -> Path:
    if not (HERE / "setup.py").is_file() or not (HERE.parent.parent / "Cargo.toml").is_file():
        pytest.fail(f"the packaging tests run from a Wirelane checkout ({HERE} is not one)")
    return HERE


def elf_sections(data: bytes) -> set[str]:
    """The section names of an ELF64 little-endian shared object."""
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "not an ELF64 LE file"
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    strtab = struct.unpack_from("<Q", data, shoff + shstrndx * shentsize + 0x18)[0]
    names = set()
    for i in range(shnum):
        name_off = struct.unpack_from("<I", data, shoff + i * shentsize)[0]
        end = data.index(b"\0", strtab + name_off)
        names.add(data[strtab + name_off : end].decode())
    return names


def no_rust_path() -> str:
    """``PATH`` without any directory holding cargo or rustc."""
    dirs = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d]
    return os.pathsep.join(
        d for d in dirs if not (Path(d, "cargo").exists() or Path(d, "rustc").exists())
    ) or "/usr/bin:/bin"


def test_sdist_and_wheel_build_install_and_run_without_rust(tmp_path: Path) -> None:
    src = checkout()
    out = tmp_path / "dist"
    target = tmp_path / "cargo-target"
    env = {**os.environ, "CARGO_TARGET_DIR": str(target)}
    env.pop("WIRELANE_LIB", None)
    # sdist first, then the wheel from the sdist (build's default): the
    # sdist must carry everything cargo needs.
    r = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(src)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert r.returncode == 0, f"python -m build failed:\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    log = r.stdout + r.stderr
    assert "wirelane: bundling a release build" in log and "rule: release" in log, log[-3000:]
    assert f"cargo's target directory: {target}" in log
    sdists = list(out.glob("wirelane-*.tar.gz"))
    wheels = list(out.glob("wirelane-*.whl"))
    assert len(sdists) == 1 and len(wheels) == 1, sorted(p.name for p in out.iterdir())
    with tarfile.open(sdists[0]) as tf:
        names = tf.getnames()
    base = sdists[0].name[: -len(".tar.gz")]
    for need in ("rust/Cargo.toml", "rust/Cargo.lock", "rust/src/lib.rs", "rust/include/wirelane.h", "setup.py", "wirelane/_prototypes.py"):
        assert f"{base}/{need}" in names, f"the sdist lacks {need}"
    assert not any("/rust/target/" in n or "/rust/bindings/" in n for n in names)
    # The wheel: any Python 3, this platform's manylinux tag.
    whl = wheels[0]
    assert "-py3-none-manylinux_" in whl.name, whl.name
    with zipfile.ZipFile(whl) as zf:
        members = set(zf.namelist())
        assert {"wirelane/libwirelane.so", "wirelane/wirelane.h", "wirelane/_prototypes.py", "wirelane/py.typed"} <= members
        lib = zf.read("wirelane/libwirelane.so")
        tag = zf.read(next(n for n in members if n.endswith(".dist-info/WHEEL"))).decode()
    assert "Root-Is-Purelib: false" in tag
    # Release by rule: built in cargo's target dir, with no debug info.
    built = target / "release" / "libwirelane.so"
    assert built.is_file(), f"cargo did not build into CARGO_TARGET_DIR ({built})"
    sections = elf_sections(lib)
    assert ".debug_info" not in sections, "the wheel bundles a library with debug info (a debug build?)"
    assert not (target / "debug").exists(), "a debug build was made"
    # A fresh venv, no Rust on PATH, no index: it installs and works.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    plain = {"PATH": no_rust_path(), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--no-index", "--no-deps", "--disable-pip-version-check", str(whl)],
        env=plain,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    probe = (
        "import wirelane, sys\n"
        "a, b = wirelane.socketpair()\n"
        "a.sendall(b'ping'); assert b.recv(4) == b'ping'\n"
        "print(wirelane.LIBRARY_PATH)\n"
    )
    run = subprocess.run(
        [str(venv / "bin" / "python"), "-I", "-c", probe], env=plain, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().startswith(str(venv)), run.stdout
    assert hashlib.sha256(Path(run.stdout.strip()).read_bytes()).digest() == hashlib.sha256(lib).digest()


def test_wirelane_lib_bundles_exactly_that_file(tmp_path: Path) -> None:
    src = checkout()
    given = Path(wirelane.LIBRARY_PATH)
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-v", "-w", str(tmp_path), str(src)],
        env={**os.environ, "WIRELANE_LIB": str(given)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert f"bundling WIRELANE_LIB={given} (rule: explicit override)" in r.stdout + r.stderr
    (whl,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(whl) as zf:
        assert zf.read("wirelane/libwirelane.so") == given.read_bytes()
        assert not [n for n in zf.namelist() if n.startswith("wirelane/libwirelane") and n != "wirelane/libwirelane.so"]


def test_building_without_rust_says_how(tmp_path: Path) -> None:
    src = checkout()
    env = {"PATH": no_rust_path(), "HOME": str(tmp_path)}
    r = subprocess.run(
        [sys.executable, "setup.py", "-q", "bdist_wheel", "-d", str(tmp_path)],
        cwd=src,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode != 0
    assert "needs Rust (cargo not found on PATH)" in r.stdout + r.stderr
    shutil.rmtree(src / "build", ignore_errors=True)


def test_the_installed_package_loads_its_bundled_release_copy() -> None:
    if not os.environ.get("WIRELANE_EXPECT_INSTALLED") or os.environ.get("WIRELANE_LIB"):
        pytest.fail("run the tests on the installed package, as run-tests.sh does")
    paths = _lib.candidate_paths()
    assert paths[0] == Path(wirelane.__file__).parent / "libwirelane.so"
    assert Path(wirelane.LIBRARY_PATH) == paths[0]
    assert ".debug_info" not in elf_sections(paths[0].read_bytes())
