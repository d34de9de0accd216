"""The shared library's soname and the loader's last step: an installed
``libwirelane.so.0`` found through the dynamic linker."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import wirelane
from wirelane import _lib


def _soname_of(lib: Path) -> str:
    if shutil.which("readelf") is None:
        pytest.fail("readelf missing: apt-get install -y binutils")
    out = subprocess.run(["readelf", "-d", str(lib)], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if "(SONAME)" in line:
            return line.split("[", 1)[1].rstrip("]")
    return ""


def test_soname_follows_the_abi_major() -> None:
    assert _lib.SONAME == f"libwirelane.so.{_lib.EXPECTED_ABI[0]}" == "libwirelane.so.0"
    # The library this package loaded carries that soname.
    assert _soname_of(Path(wirelane.LIBRARY_PATH).resolve()) == _lib.SONAME


def _package_copy(dest: Path) -> Path:
    """The pure-Python package alone (no bundled library), outside any
    checkout: what an install that relies on the system library looks like."""
    src = Path(wirelane.__file__).resolve().parent
    pkg = dest / "wirelane"
    shutil.copytree(src, pkg, ignore=shutil.ignore_patterns("*.so", "*.so.*", "__pycache__", "wirelane.h"))
    return dest


def test_installed_library_is_found_by_its_soname(tmp_path: Path) -> None:
    # An installed layout: the versioned file and the soname link to it.
    libdir = tmp_path / "lib"
    libdir.mkdir()
    real = libdir / f"libwirelane.so.{wirelane.LIBRARY_VERSION}"
    shutil.copyfile(Path(wirelane.LIBRARY_PATH).resolve(), real)
    (libdir / _lib.SONAME).symlink_to(real.name)
    site = _package_copy(tmp_path / "site")
    env = {k: v for k, v in os.environ.items() if k not in ("WIRELANE_LIB", "LD_LIBRARY_PATH")}
    code = "import wirelane; print(wirelane.LIBRARY_PATH); print(wirelane.LIBRARY_VERSION)"
    found = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "PYTHONPATH": str(site), "LD_LIBRARY_PATH": str(libdir)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert found.returncode == 0, found.stderr
    path, version = found.stdout.split()
    assert Path(path) == real  # the file the soname points to, found by ld.so
    assert version == wirelane.LIBRARY_VERSION

    # Without it on the search path, the error names the soname it tried.
    missing = subprocess.run(
        [sys.executable, "-c", "import wirelane"],
        env={**env, "PYTHONPATH": str(site)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    if subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True).stdout.count(_lib.SONAME):
        pytest.fail(f"{_lib.SONAME} is installed system-wide here; this check needs it absent")
    assert missing.returncode != 0
    assert "LibraryNotFoundError" in missing.stderr
    assert f"{_lib.SONAME} through the dynamic linker" in missing.stderr
