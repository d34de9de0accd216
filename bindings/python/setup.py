"""Build step: compile the Wirelane shared library with cargo (through
setuptools-rust) and ship it, with its header, inside the package, so an
installed ``wirelane`` needs nothing else.

Which library is bundled is decided by one rule, printed during the build:

* ``$WIRELANE_LIB`` set: exactly that file (an explicit override; nothing
  is built);
* otherwise: a **release** build, made now by setuptools-rust with
  ``cargo rustc --release --lib --crate-type cdylib`` of the package that
  produces ``libwirelane.so``. Cargo puts it where it puts everything
  (``CARGO_TARGET_DIR``, ``--target-dir`` in a cargo config, or the
  workspace's ``target/``), so a checkout's earlier release build is reused.
  A debug build is never picked up.

The Rust sources come from the checkout around this directory
(``../../``), or, in an sdist, from the copy under ``rust/`` that the
``sdist`` command below adds. The wheel is tagged ``py3-none-manylinux_X_Y``
(X.Y: the build machine's glibc): it holds native code but no CPython
extension, so any Python 3 can use it.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
LIB_NAME = "libwirelane.so"


def rust_root() -> Path:
    """The Cargo workspace: ``rust/`` in an sdist, else the checkout."""
    bundled = HERE / "rust"
    if (bundled / "Cargo.toml").is_file():
        return bundled
    root = HERE.parent.parent
    if (root / "Cargo.toml").is_file():
        return root
    raise SystemExit(
        f"no Rust sources found (neither {bundled}/Cargo.toml nor {root}/Cargo.toml): "
        "build from a Wirelane checkout or its sdist, or set WIRELANE_LIB"
    )


def cargo_metadata(root: Path) -> dict[str, Any]:
    """``cargo metadata --no-deps`` of the workspace (one call; it knows
    the target directory and which package builds the cdylib)."""
    cargo = os.environ.get("CARGO", "cargo")
    try:
        out = subprocess.run(
            [cargo, "metadata", "--format-version", "1", "--no-deps", "--manifest-path", str(root / "Cargo.toml")],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except FileNotFoundError:
        raise SystemExit(
            "building wirelane from source needs Rust (cargo not found on PATH): install it "
            "from your distribution or rustup, install a prebuilt wheel, or set WIRELANE_LIB"
        ) from None
    data: dict[str, Any] = json.loads(out)
    return data


def cdylib_manifest(meta: dict[str, Any]) -> Path:
    """The Cargo.toml of the package whose cdylib is ``libwirelane.so``."""
    for pkg in meta["packages"]:
        for target in pkg["targets"]:
            if "cdylib" in target["crate_types"] and target["name"].replace("-", "_") == "wirelane":
                return Path(pkg["manifest_path"])
    raise SystemExit("no package in the workspace builds the cdylib libwirelane.so")


def library_rule() -> str:
    return "WIRELANE_LIB" if os.environ.get("WIRELANE_LIB") else "release"


class BuildPy(build_py):
    """``build_py`` that also ships the header, and with ``$WIRELANE_LIB``
    the given library."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "wirelane"
        target.mkdir(parents=True, exist_ok=True)
        env = os.environ.get("WIRELANE_LIB")
        if env:
            lib = Path(env)
            if not lib.is_file():
                raise SystemExit(f"WIRELANE_LIB={env} does not exist")
            shutil.copy2(lib, target / LIB_NAME)
            print(f"wirelane: bundling WIRELANE_LIB={lib} (rule: explicit override)", file=sys.stderr)
        for candidate in [HERE / "rust" / "include" / "wirelane.h", HERE.parent.parent / "include" / "wirelane.h"]:
            if candidate.is_file():
                shutil.copy2(candidate, target / "wirelane.h")
                break


class Sdist(sdist):
    """An sdist that builds from source: it carries the Rust workspace
    (every file ``cargo package --list`` names, per package) under
    ``rust/``."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        root = rust_root()
        if root == HERE / "rust":
            shutil.copytree(root, Path(base_dir) / "rust", dirs_exist_ok=True)
            return
        meta = cargo_metadata(root)
        ws = Path(meta["workspace_root"])
        cargo = os.environ.get("CARGO", "cargo")
        wanted: set[Path] = {ws / "Cargo.toml", ws / "Cargo.lock"}
        for pkg in meta["packages"]:
            pdir = Path(pkg["manifest_path"]).parent
            listed = subprocess.run(
                [cargo, "package", "--list", "--allow-dirty", "--manifest-path", pkg["manifest_path"]],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
            wanted.update(pdir / f for f in listed)
        here = HERE.resolve()
        dest = Path(base_dir) / "rust"
        for f in sorted(wanted):
            if not f.is_file() or here in f.resolve().parents:
                continue  # cargo's generated entries; and this package itself
            out = dest / f.relative_to(ws)
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, out)


def manylinux_plat() -> str:
    """``manylinux_X_Y_<arch>`` for this machine's glibc (PEP 600: built
    here, it runs on glibc X.Y and later)."""
    libc, version = platform.libc_ver()
    if libc != "glibc" or not version:
        raise SystemExit("a manylinux wheel must be built on a glibc system")
    major, minor = version.split(".")[:2]
    return f"manylinux_{major}_{minor}_{platform.machine()}"


cmdclass: dict[str, Any] = {"build_py": BuildPy, "sdist": Sdist}
rust_extensions = []

# Commands that build the library (an sdist or the metadata steps do not).
BUILDS = ("bdist_wheel", "build", "build_ext", "build_rust", "install", "develop", "editable_wheel")
if not os.environ.get("WIRELANE_LIB") and any(a in sys.argv for a in BUILDS):
    from setuptools_rust import Binding, RustExtension, Strip

    meta = cargo_metadata(rust_root())
    manifest = cdylib_manifest(meta)
    print(
        f"wirelane: bundling a release build of {manifest} (rule: release; "
        f"cargo's target directory: {meta['target_directory']})",
        file=sys.stderr,
    )
    from setuptools_rust.build import build_rust

    class BuildRust(build_rust):  # type: ignore[misc]
        """Installs the cdylib under its own name, ``wirelane/libwirelane.so``
        (not as ``libwirelane.cpython-3XX-....so``: it is no CPython
        extension, and the wheel serves every Python 3)."""

        def get_dylib_ext_path(self, ext: Any, target_fname: str) -> str:
            path: str = super().get_dylib_ext_path(ext, target_fname)
            return os.path.join(os.path.dirname(path), LIB_NAME)

    cmdclass["build_rust"] = BuildRust
    rust_extensions.append(
        RustExtension(
            "wirelane.libwirelane",
            path=str(manifest),
            binding=Binding.NoBinding,
            debug=False,
            strip=Strip.No,
        )
    )

try:  # setuptools >= 70.1 has its own bdist_wheel; older ones use the wheel package
    from setuptools.command.bdist_wheel import bdist_wheel as _bdist_wheel
except ImportError:
    from wheel.bdist_wheel import bdist_wheel as _bdist_wheel  # type: ignore[no-redef]


class PlatformWheel(_bdist_wheel):  # type: ignore[misc,valid-type]
    """A platform wheel (it carries libwirelane.so) usable by any Python 3."""

    def finalize_options(self) -> None:
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self) -> tuple[str, str, str]:
        return "py3", "none", manylinux_plat()


cmdclass["bdist_wheel"] = PlatformWheel

class BinaryDistribution(Distribution):
    """Native code inside: the package goes to platlib, also when
    ``$WIRELANE_LIB`` replaces the Rust build."""

    def has_ext_modules(self) -> bool:
        return True


setup(cmdclass=cmdclass, distclass=BinaryDistribution, rust_extensions=rust_extensions, zip_safe=False)
