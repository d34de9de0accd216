"""Which library the package bundles: the release build, by rule (setup.py),
never whichever of debug and release happens to be newer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import wirelane

HERE = Path(__file__).resolve().parent.parent  # bindings/python


def has_debug_info(lib: Path) -> bool:
    """Whether an ELF file has a .debug_info section (a debug build has)."""
    out = subprocess.run(["readelf", "-S", "-W", str(lib)], capture_output=True, text=True, check=True)
    return ".debug_info" in out.stdout


def test_installed_package_bundles_the_release_build() -> None:
    bundled = Path(wirelane.LIBRARY_PATH).resolve()
    if os.environ.get("WIRELANE_EXPECT_INSTALLED") != "1":
        # Run from the checkout by hand: nothing is bundled, the loader
        # takes a build from cargo's target directory (test_loading.py).
        assert "site-packages" not in str(bundled), bundled
        return
    # run-tests.sh builds <target>/release/libwirelane.so and names it here.
    expected = Path(os.environ["WIRELANE_EXPECT_BUNDLED"])
    assert bundled.parent == Path(wirelane.__file__).resolve().parent, bundled
    assert bundled.read_bytes() == expected.read_bytes(), f"{bundled} is not {expected}"
    assert not has_debug_info(bundled), f"{bundled} carries DWARF: a debug build"
    debug = expected.parent.parent / "debug" / "libwirelane.so"
    if debug.is_file():
        assert debug.read_bytes() != bundled.read_bytes(), "the debug build was bundled"


def fake_checkout(tmp_path: Path, builds: dict[str, bytes]) -> Path:
    """bindings/python copied under a checkout whose scripts/target-dir.sh
    reports a target directory holding the given builds (kind -> bytes),
    each one newer than the one before."""
    pkg = tmp_path / "repo" / "bindings" / "python"
    shutil.copytree(HERE / "wirelane", pkg / "wirelane", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy2(HERE / name, pkg / name)
    scripts = tmp_path / "repo" / "scripts"
    scripts.mkdir()
    target = tmp_path / "target"
    (scripts / "target-dir.sh").write_text(f"#!/bin/sh\necho {target}\n")
    (scripts / "target-dir.sh").chmod(0o755)
    now = time.time()
    for i, (kind, data) in enumerate(builds.items()):
        lib = target / kind / "libwirelane.so"
        lib.parent.mkdir(parents=True)
        lib.write_bytes(data)
        os.utime(lib, (now + i * 100, now + i * 100))
    return pkg


def build_wheel(pkg: Path, out: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "WIRELANE_LIB"}
    return subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "--verbose",
         "--disable-pip-version-check", "-w", str(out), str(pkg)],
        capture_output=True, text=True, env=env,
    )


def test_rule_takes_release_even_when_debug_is_newer(tmp_path: Path) -> None:
    pkg = fake_checkout(tmp_path, {"release": b"release build", "debug": b"newer debug build"})
    p = build_wheel(pkg, tmp_path / "wheels")
    assert p.returncode == 0, p.stdout + p.stderr
    release = tmp_path / "target" / "release" / "libwirelane.so"
    assert f"wirelane: bundling {release} (the release build" in p.stdout + p.stderr
    (wheel,) = (tmp_path / "wheels").glob("*.whl")
    with zipfile.ZipFile(wheel) as z:
        (lib,) = [n for n in z.namelist() if n.endswith("wirelane/libwirelane.so")]
        assert z.read(lib) == b"release build"


def test_rule_refuses_a_debug_only_checkout(tmp_path: Path) -> None:
    pkg = fake_checkout(tmp_path, {"debug": b"debug build"})
    p = build_wheel(pkg, tmp_path / "wheels")
    assert p.returncode != 0
    assert "release/libwirelane.so not found" in p.stdout + p.stderr
    assert "a debug build is never bundled" in p.stdout + p.stderr
    assert not list((tmp_path / "wheels").glob("*.whl"))
