"""Which library the package bundles: the release build, by rule (setup.py),
never whichever of debug and release happens to be newer."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

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
    # setuptools-rust (run-tests.sh's pip install) builds
    # <target>/release/libwirelane.so; run-tests.sh names it here. That the
    # build is release-only by rule is tested in test_packaging.py.
    expected = Path(os.environ["WIRELANE_EXPECT_BUNDLED"])
    assert bundled.parent == Path(wirelane.__file__).resolve().parent, bundled
    assert bundled.read_bytes() == expected.read_bytes(), f"{bundled} is not {expected}"
    assert not has_debug_info(bundled), f"{bundled} carries DWARF: a debug build"
    debug = expected.parent.parent / "debug" / "libwirelane.so"
    if debug.is_file():
        assert debug.read_bytes() != bundled.read_bytes(), "the debug build was bundled"
