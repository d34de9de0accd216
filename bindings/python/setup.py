"""Build step: ship the Wirelane shared library (and its header) inside the
package, so an installed ``wirelane`` needs nothing else.

Which library is bundled is decided by one rule, and printed
(``wirelane: bundling ...``):

* ``$WIRELANE_LIB`` if set: exactly that file (an explicit override);
* otherwise the **release** build, ``<target>/release/libwirelane.so``, where
  ``<target>`` is cargo's target directory as ``scripts/target-dir.sh``
  reports it (``CARGO_TARGET_DIR``, a cargo config, or the checkout's
  ``target/``). A debug build is never bundled, however new it is; build the
  release library first (``cargo build --release``).

The wheel is tagged for this platform (``py3-none-<platform>``): it holds
native code, but no CPython extension.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def find_library() -> tuple[Path, str]:
    """The library to bundle and the rule that chose it (module docstring)."""
    env = os.environ.get("WIRELANE_LIB")
    if env:
        path = Path(env)
        if not path.is_file():
            raise SystemExit(f"WIRELANE_LIB={env} does not exist")
        return path, "WIRELANE_LIB"
    try:
        target = subprocess.run(
            [str(ROOT / "scripts" / "target-dir.sh")], check=True, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as e:
        raise SystemExit(f"cannot ask cargo for its target directory (scripts/target-dir.sh): {e}") from None
    release = Path(target) / "release" / "libwirelane.so"
    if not release.is_file():
        raise SystemExit(
            f"{release} not found: run `cargo build --release` in the Wirelane "
            "repository first (a debug build is never bundled), or set WIRELANE_LIB"
        )
    return release, "the release build in cargo's target directory"


class BuildWithLibrary(build_py):
    """``build_py`` that also copies the library and header into the package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "wirelane"
        target.mkdir(parents=True, exist_ok=True)
        lib, rule = find_library()
        shutil.copy2(lib, target / "libwirelane.so")
        header = ROOT / "include" / "wirelane.h"
        if header.is_file():
            shutil.copy2(header, target / "wirelane.h")
        print(f"wirelane: bundling {lib} ({rule})")


cmdclass: dict[str, type] = {"build_py": BuildWithLibrary}

try:  # setuptools >= 70.1 has its own bdist_wheel; older ones use the wheel package
    from setuptools.command.bdist_wheel import bdist_wheel as _bdist_wheel
except ImportError:
    try:
        from wheel.bdist_wheel import bdist_wheel as _bdist_wheel
    except ImportError:
        _bdist_wheel = None  # type: ignore[assignment,misc]

if _bdist_wheel is not None:

    class PlatformWheel(_bdist_wheel):  # type: ignore[misc,valid-type]
        """A platform wheel (it carries libwirelane.so) usable by any Python 3."""

        def finalize_options(self) -> None:
            super().finalize_options()
            self.root_is_pure = False

        def get_tag(self) -> tuple[str, str, str]:
            _, _, plat = super().get_tag()
            return "py3", "none", plat

    cmdclass["bdist_wheel"] = PlatformWheel

setup(cmdclass=cmdclass)
