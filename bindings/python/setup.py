"""Build step: ship the Wirelane shared library (and its header) inside the
package, so an installed ``wirelane`` needs nothing else.

The library is ``$WIRELANE_LIB`` if set, else the newer of the repository's
``target/release/libwirelane.so`` and ``target/debug/libwirelane.so``. Build
it first (``cargo build --release``). The wheel is tagged for this platform
(``py3-none-<platform>``): it holds native code, but no CPython extension.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def find_library() -> Path:
    env = os.environ.get("WIRELANE_LIB")
    if env:
        path = Path(env)
        if not path.is_file():
            raise SystemExit(f"WIRELANE_LIB={env} does not exist")
        return path
    builds = [ROOT / "target" / kind / "libwirelane.so" for kind in ("release", "debug")]
    found = sorted((p for p in builds if p.is_file()), key=lambda p: p.stat().st_mtime, reverse=True)
    if not found:
        raise SystemExit(
            "libwirelane.so not found (tried "
            + ", ".join(map(str, builds))
            + "): run `cargo build --release` in the Wirelane repository first, "
            "or set WIRELANE_LIB"
        )
    return found[0]


class BuildWithLibrary(build_py):
    """``build_py`` that also copies the library and header into the package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "wirelane"
        target.mkdir(parents=True, exist_ok=True)
        lib = find_library()
        shutil.copy2(lib, target / "libwirelane.so")
        header = ROOT / "include" / "wirelane.h"
        if header.is_file():
            shutil.copy2(header, target / "wirelane.h")
        print(f"bundled {lib} into the package")


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
