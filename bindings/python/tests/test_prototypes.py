"""The ctypes prototypes are generated from the header, never written by
hand: the committed ``wirelane/_prototypes.py`` is exactly what
``gen_prototypes.py`` makes of ``include/wirelane.h`` (regenerate with
``python bindings/python/gen_prototypes.py``), every header function is
bound from it, and no other module binds a library function itself."""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

import wirelane
from wirelane import _ffi, _lib, _prototypes

REPO = _lib.repo_root()
PACKAGE = Path(wirelane.__file__).parent


def repo() -> Path:
    if REPO is None:
        # The installed package has no repository around it: the tests run
        # from the checkout's bindings/python (run-tests.sh does).
        here = Path(__file__).resolve().parents[3]
        if (here / "include" / "wirelane.h").is_file():
            return here
        pytest.fail("no Wirelane checkout found for include/wirelane.h")
    return REPO


def generator() -> object:
    path = repo() / "bindings" / "python" / "gen_prototypes.py"
    spec = importlib.util.spec_from_file_location("gen_prototypes", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_committed_module_is_what_the_generator_makes_of_the_header() -> None:
    gen = generator()
    header = (repo() / "include" / "wirelane.h").read_text(encoding="utf-8")
    want = gen.generate(header)  # type: ignore[attr-defined]
    for path in (repo() / "bindings" / "python" / "wirelane" / "_prototypes.py", PACKAGE / "_prototypes.py"):
        got = path.read_text(encoding="utf-8")
        assert got == want, (
            f"{path} has drifted from include/wirelane.h: run `python bindings/python/gen_prototypes.py`"
        )


def test_check_mode_fails_on_drift(tmp_path: Path) -> None:
    script = repo() / "bindings" / "python" / "gen_prototypes.py"
    header = tmp_path / "wirelane.h"
    text = (repo() / "include" / "wirelane.h").read_text(encoding="utf-8")
    header.write_text(text.replace("#endif", "int wl_brand_new_export(int fd, uint32_t x);\n#endif", 1))
    out = tmp_path / "_prototypes.py"
    ok = subprocess.run([sys.executable, str(script), "--header", str(header), "--output", str(out)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert 'wl_brand_new_export: Callable[..., int] = bind("wl_brand_new_export", c_int, [c_int, c_uint32])' in out.read_text()
    committed = repo() / "bindings" / "python" / "wirelane" / "_prototypes.py"
    drift = subprocess.run(
        [sys.executable, str(script), "--check", "--header", str(header), "--output", str(committed)],
        capture_output=True,
        text=True,
    )
    assert drift.returncode == 1 and "out of date" in drift.stderr
    clean = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert clean.returncode == 0, clean.stderr


def test_an_unknown_c_type_is_an_error_naming_it(tmp_path: Path) -> None:
    script = repo() / "bindings" / "python" / "gen_prototypes.py"
    header = tmp_path / "wirelane.h"
    header.write_text("int wl_odd(long double x);\n")
    r = subprocess.run(
        [sys.executable, str(script), "--header", str(header), "--output", str(tmp_path / "o.py")],
        capture_output=True,
        text=True,
    )
    assert r.returncode != 0 and "long double" in r.stderr


def test_every_header_function_is_bound_once_from_the_generated_module() -> None:
    header = (repo() / "include" / "wirelane.h").read_text(encoding="utf-8")
    body = re.sub(r"/\*.*?\*/|//[^\n]*", "", header, flags=re.S)
    names = re.findall(r"\b(wl_\w+)\(", body)
    assert set(names) == set(_prototypes.FUNCTIONS) == set(_ffi.DECLARED)
    for name in _prototypes.FUNCTIONS:
        assert getattr(_prototypes, name) is _ffi.DECLARED[name]


def test_no_module_declares_a_library_function_by_hand() -> None:
    """Only libc and CPython functions (not in wirelane.h) are declared
    outside the generated module."""
    offenders = []
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name in ("_prototypes.py", "_native.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                fn = node.func
                name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
                if name in ("declare", "bind") and node.args and isinstance(node.args[0], ast.Constant):
                    offenders.append(f"{path.name}:{node.lineno}: {name}({node.args[0].value!r})")
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Attribute) and t.attr in ("argtypes", "restype"):
                        src = ast.unparse(t.value)
                        if "wl_" in src or "LIB." in src:
                            offenders.append(f"{path.name}:{node.lineno}: {src}.{t.attr}")
    assert not offenders, "hand-written declarations of header functions:\n" + "\n".join(offenders)
