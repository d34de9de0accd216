"""Finding, loading and version-checking the Wirelane shared library.

The library is loaded in this order:

1. ``$WIRELANE_LIB`` if set (and then only that path);
2. the copy shipped inside the package (``wirelane/libwirelane*.so``, put
   there by the build step in ``setup.py``: a release build);
3. when the package runs from a source checkout without a bundled copy,
   cargo's ``release`` or ``debug`` build, the newer one, in cargo's
   target directory (:func:`target_dir`: ``CARGO_TARGET_DIR``, a cargo
   config, or the checkout's ``target/``);
4. when none of these exists (an installed package without a bundled
   copy), the installed library by its soname, :data:`SONAME`
   (``libwirelane.so.0``), through the dynamic linker's search
   (``LD_LIBRARY_PATH``, the ``ldconfig`` cache): the name
   ``scripts/install.sh`` installs and programs linked with ``-lwirelane``
   load.

Steps 1 to 3 load by full path, so a library elsewhere on the system never
shadows the one named or built here.

It is loaded with :class:`ctypes.CDLL`, so the GIL is released during every
call. At import the library's ``wl_version()`` (and, when a header is found,
its ``WIRELANE_VERSION_*`` macros) must match :data:`EXPECTED_ABI`.
"""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
from pathlib import Path
from typing import Final

#: The ABI this package is written against: (major, minor). While the major
#: version is 0 a minor bump may break the ABI, so both must match; any patch
#: release is accepted.
EXPECTED_ABI: Final = (0, 1)

LIB_NAME: Final = "libwirelane.so"
#: The shared library's soname (``src/ffi/build.rs`` sets it): its major
#: version is the ABI's, so it follows from :data:`EXPECTED_ABI`.
SONAME: Final = f"libwirelane.so.{EXPECTED_ABI[0]}"
HEADER_NAME: Final = "wirelane.h"

_PACKAGE_DIR: Final = Path(__file__).resolve().parent


class LibraryNotFoundError(ImportError):
    """The Wirelane shared library could not be found or loaded."""


class AbiVersionError(ImportError):
    """The loaded library (or header) is not the version this package expects."""


def repo_root() -> Path | None:
    """The Wirelane checkout this package sits in, if any.

    Walks up from the package directory to the first directory whose
    ``Cargo.toml`` declares the ``wirelane`` crate.
    """
    for parent in _PACKAGE_DIR.parents:
        cargo = parent / "Cargo.toml"
        try:
            text = cargo.read_text(encoding="utf-8")
        except OSError:
            continue
        if re.search(r'(?m)^name\s*=\s*"wirelane"\s*$', text):
            return parent
    return None


def target_dir(root: Path) -> Path:
    """Cargo's target directory for the checkout at ``root``, as
    ``scripts/target-dir.sh`` (``cargo metadata``) reports it; when cargo
    cannot be asked, ``$CARGO_TARGET_DIR`` or ``root/target``."""
    script = root / "scripts" / "target-dir.sh"
    if script.is_file():
        try:
            out = subprocess.run([str(script)], capture_output=True, text=True, check=True, timeout=60)
            if out.stdout.strip():
                return Path(out.stdout.strip())
        except (OSError, subprocess.SubprocessError):
            pass
    env = os.environ.get("CARGO_TARGET_DIR")
    return root / env if env else root / "target"


def candidate_paths() -> list[Path]:
    """Every path the loader tries, in order (see the module docstring)."""
    env = os.environ.get("WIRELANE_LIB")
    if env:
        return [Path(env)]
    bundled = sorted(_PACKAGE_DIR.glob("libwirelane*.so"))
    paths = bundled or [_PACKAGE_DIR / LIB_NAME]
    root = repo_root()
    if root is not None and not bundled:
        target = target_dir(root)
        builds = [target / kind / LIB_NAME for kind in ("release", "debug")]
        existing = [p for p in builds if p.is_file()]
        # The newest build first: it is the one the developer just made.
        existing.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        paths.extend(existing or builds)
    return paths


def load() -> tuple[ctypes.CDLL, Path]:
    """Loads the first library found; raises :class:`LibraryNotFoundError`
    naming every path tried."""
    tried: list[str] = []
    candidates = candidate_paths()
    for path in candidates:
        if not path.is_file():
            tried.append(f"{path} (not found)")
            continue
        try:
            return ctypes.CDLL(str(path.resolve())), path
        except OSError as e:
            tried.append(f"{path} ({e})")
    if not os.environ.get("WIRELANE_LIB"):
        try:
            lib = ctypes.CDLL(SONAME)
        except OSError as e:
            tried.append(f"{SONAME} through the dynamic linker ({e})")
        else:
            return lib, loaded_path(SONAME)
    hint = (
        "build it with `cargo build` (or `cargo build --release`) in the "
        "Wirelane repository, install a wheel that ships it, install the "
        f"library (scripts/install.sh: {SONAME}, then ldconfig), or point "
        "$WIRELANE_LIB at libwirelane.so"
    )
    raise LibraryNotFoundError(
        "cannot load the Wirelane shared library; tried:\n  "
        + "\n  ".join(tried)
        + "\n"
        + hint
    )


def loaded_path(soname: str) -> Path:
    """Where the dynamic linker found the library it loaded as ``soname``
    (from ``/proc/self/maps``); ``soname`` itself if that cannot be read."""
    try:
        maps = Path("/proc/self/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return Path(soname)
    for line in maps.splitlines():
        fields = line.split(None, 5)
        # The mapped file's real name: the versioned file the soname links to.
        if len(fields) == 6 and Path(fields[5]).name.startswith(LIB_NAME):
            return Path(fields[5])
    return Path(soname)


def parse_version(text: str) -> tuple[int, int, int]:
    """Parses ``"MAJOR.MINOR.PATCH"`` (a pre-release suffix is ignored)."""
    m = re.match(r"^(\d+)\.(\d+)\.(\d+)", text)
    if m is None:
        raise AbiVersionError(f"malformed Wirelane version string {text!r}")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def header_version(header: Path) -> tuple[int, int, int]:
    """The ``WIRELANE_VERSION_MAJOR/MINOR/PATCH`` macros of a header."""
    text = header.read_text(encoding="utf-8")
    parts = []
    for name in ("MAJOR", "MINOR", "PATCH"):
        m = re.search(rf"(?m)^#define\s+WIRELANE_VERSION_{name}\s+(\d+)\s*$", text)
        if m is None:
            raise AbiVersionError(f"{header} does not define WIRELANE_VERSION_{name}")
        parts.append(int(m.group(1)))
    return parts[0], parts[1], parts[2]


def header_path(lib_path: Path) -> Path | None:
    """The header that belongs with a library: shipped next to the package
    copy, or the repository's ``include/wirelane.h``."""
    shipped = _PACKAGE_DIR / HEADER_NAME
    if lib_path.resolve().parent == _PACKAGE_DIR and shipped.is_file():
        return shipped
    root = repo_root()
    if root is not None and (root / "include" / HEADER_NAME).is_file():
        return root / "include" / HEADER_NAME
    return None


def check_version(lib_version: str, lib_path: Path, header: Path | None) -> None:
    """Raises :class:`AbiVersionError` unless the library (and header) match
    :data:`EXPECTED_ABI`."""
    got = parse_version(lib_version)
    if got[:2] != EXPECTED_ABI:
        raise AbiVersionError(
            f"{lib_path} is Wirelane {lib_version}, but this Python package "
            f"expects ABI {EXPECTED_ABI[0]}.{EXPECTED_ABI[1]}.x; rebuild the "
            "library or install the matching package"
        )
    if header is not None:
        hv = header_version(header)
        if hv[:2] != EXPECTED_ABI:
            raise AbiVersionError(
                f"{header} declares Wirelane {hv[0]}.{hv[1]}.{hv[2]}, but this "
                f"Python package expects ABI {EXPECTED_ABI[0]}.{EXPECTED_ABI[1]}.x"
            )
