"""Finding and loading the library, and the ABI version check."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import wirelane
from wirelane import _ffi, _lib

ENV = {**os.environ, "PYTHONPATH": str(Path(wirelane.__file__).resolve().parent.parent)}


def test_library_version_matches_the_package_and_header() -> None:
    assert _lib.parse_version(wirelane.LIBRARY_VERSION)[:2] == _lib.EXPECTED_ABI
    assert _ffi.HEADER_PATH is not None, "no header found next to the library or in the checkout"
    assert _lib.header_version(_ffi.HEADER_PATH) == _lib.parse_version(wirelane.LIBRARY_VERSION)
    text = _ffi.HEADER_PATH.read_text()
    assert f'#define WIRELANE_VERSION "{wirelane.LIBRARY_VERSION}"' in text


def test_version_mismatch_is_refused(tmp_path: Path) -> None:
    lib = Path(wirelane.LIBRARY_PATH)
    _lib.check_version("0.1.9", lib, None)  # any patch release is fine
    for bad in ("0.2.0", "1.1.0", "0.0.3"):
        with pytest.raises(_lib.AbiVersionError, match="expects ABI 0.1.x"):
            _lib.check_version(bad, lib, None)
    with pytest.raises(_lib.AbiVersionError, match="malformed"):
        _lib.parse_version("banana")
    header = tmp_path / "wirelane.h"
    header.write_text(
        "#define WIRELANE_VERSION_MAJOR 0\n#define WIRELANE_VERSION_MINOR 7\n#define WIRELANE_VERSION_PATCH 0\n"
    )
    with pytest.raises(_lib.AbiVersionError, match="declares Wirelane 0.7.0"):
        _lib.check_version("0.1.0", lib, header)
    header.write_text("nothing here\n")
    with pytest.raises(_lib.AbiVersionError, match="does not define"):
        _lib.check_version("0.1.0", lib, header)


def test_wirelane_lib_env_is_used_exclusively() -> None:
    ok = subprocess.run(
        [sys.executable, "-c", "import wirelane; print(wirelane.LIBRARY_PATH)"],
        env={**ENV, "WIRELANE_LIB": wirelane.LIBRARY_PATH},
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == wirelane.LIBRARY_PATH
    bad = subprocess.run(
        [sys.executable, "-c", "import wirelane"],
        env={**ENV, "WIRELANE_LIB": "/nonexistent/libwirelane.so"},
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0
    assert "LibraryNotFoundError" in bad.stderr
    assert "/nonexistent/libwirelane.so (not found)" in bad.stderr
    assert "cargo build" in bad.stderr


def test_repository_builds_newest_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "bindings" / "python" / "wirelane"
    pkg.mkdir(parents=True)
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "wirelane"\n')
    release = tmp_path / "target" / "release" / "libwirelane.so"
    debug = tmp_path / "target" / "debug" / "libwirelane.so"
    for p in (release, debug):
        p.parent.mkdir(parents=True)
        p.write_bytes(b"")
    now = time.time()
    os.utime(release, (now - 100, now - 100))
    os.utime(debug, (now, now))
    monkeypatch.setattr(_lib, "_PACKAGE_DIR", pkg)
    # Nothing installed under this name: the last step finds nothing either.
    monkeypatch.setattr(_lib, "SONAME", "libwirelane-test-not-installed.so.0")
    monkeypatch.delenv("WIRELANE_LIB", raising=False)
    monkeypatch.delenv("CARGO_TARGET_DIR", raising=False)
    assert _lib.repo_root() == tmp_path
    assert _lib.target_dir(tmp_path) == tmp_path / "target"  # no scripts/target-dir.sh here
    assert _lib.candidate_paths() == [pkg / "libwirelane.so", debug, release]
    os.utime(release, (now + 100, now + 100))
    assert _lib.candidate_paths()[1] == release
    with pytest.raises(_lib.LibraryNotFoundError, match="not found"):
        release.unlink()
        debug.unlink()
        _lib.load()


def test_where_the_library_came_from() -> None:
    pkg_dir = Path(wirelane.__file__).resolve().parent
    lib = Path(wirelane.LIBRARY_PATH).resolve()
    if os.environ.get("WIRELANE_EXPECT_INSTALLED") == "1":
        # run-tests.sh installs the package: it must load the copy it ships.
        assert "site-packages" in str(pkg_dir), pkg_dir
        assert lib.parent == pkg_dir, lib
        assert (pkg_dir / "wirelane.h").is_file()
    else:
        root = _lib.repo_root()
        assert root is not None and lib.is_relative_to(_lib.target_dir(root)), lib
