"""Static typing proofs, run with mypy (installed by run-tests.sh):

- the package itself is ``mypy --strict`` clean (and ships ``py.typed``);
- ``tests/typing/negative.py``: every misuse line carries the error code
  mypy must report, checked with ``--warn-unused-ignores`` so a misuse
  that stops being rejected fails;
- ``tests/typing/positive.py``: correct use infers the documented types
  (``assert_type``);
- the examples are strict-clean too.
"""

from __future__ import annotations

import os
import re
import site
import sys
from pathlib import Path

import pytest

import wirelane

HERE = Path(__file__).resolve().parent
PKG_DIR = Path(wirelane.__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"

try:
    from mypy import api as mypy_api
except ImportError:  # pragma: no cover - run-tests.sh installs it
    mypy_api = None


INSTALLED = any(
    PKG_DIR.is_relative_to(p) for p in [*site.getsitepackages(), site.getusersitepackages()]
)


def mypy(*args: str) -> tuple[str, int]:
    """Runs mypy --strict on ``args``. An installed package is found through
    the interpreter's site-packages (so its ``py.typed`` is what makes it
    checkable), with the working directory moved away from the source tree;
    a source checkout is found through MYPYPATH."""
    if mypy_api is None:
        pytest.fail("mypy is not installed: run bindings/python/run-tests.sh or `pip install mypy`")
    saved_path, saved_cwd = os.environ.get("MYPYPATH"), os.getcwd()
    if INSTALLED:
        os.environ.pop("MYPYPATH", None)
        os.chdir(HERE.parent / ".venv" if (HERE.parent / ".venv").is_dir() else "/")
    else:
        os.environ["MYPYPATH"] = str(PKG_DIR.parent)
    try:
        out, err, status = mypy_api.run(
            ["--strict", "--python-executable", sys.executable, "--cache-dir", str(HERE.parent / ".mypy_cache"), *args]
        )
    finally:
        os.chdir(saved_cwd)
        if saved_path is None:
            os.environ.pop("MYPYPATH", None)
        else:
            os.environ["MYPYPATH"] = saved_path
    return out + err, status


def run_mypy(*args: str) -> str:
    out, status = mypy(*args)
    assert status == 0, f"mypy {' '.join(args)} failed:\n{out}"
    return out


def test_package_ships_py_typed() -> None:
    assert (PKG_DIR / "py.typed").is_file()


def test_package_is_strict_clean() -> None:
    out = run_mypy("-p", "wirelane")
    assert "Success" in out
    if INSTALLED:
        # mypy checked the installed copy, found through its py.typed marker.
        assert "site-packages" in str(PKG_DIR)


def test_negative_cases_are_each_rejected_with_the_expected_code() -> None:
    negative = HERE / "typing" / "negative.py"
    marked = [line for line in negative.read_text().splitlines() if re.search(r"# type: ignore\[[\w, -]+\]", line)]
    assert len(marked) >= 50, "the negative file lost its cases"
    out = run_mypy("--warn-unused-ignores", str(negative))
    assert "Success" in out


def test_negative_cases_fail_without_their_ignores(tmp_path: Path) -> None:
    """Stripping the ignores must produce exactly one error per marked line."""
    negative = HERE / "typing" / "negative.py"
    lines = negative.read_text().splitlines()
    marked = {i + 1 for i, line in enumerate(lines) if "# type: ignore[" in line}
    stripped = tmp_path / "negative_stripped.py"
    stripped.write_text("\n".join(re.sub(r"\s*# type: ignore\[[\w, -]+\]", "", line) for line in lines) + "\n")
    out, status = mypy("--no-incremental", str(stripped))
    assert status == 1
    error_lines = {int(m.group(1)) for m in re.finditer(r"negative_stripped\.py:(\d+): error", out)}
    assert error_lines == marked, f"unexpected: {sorted(error_lines - marked)}, missing: {sorted(marked - error_lines)}\n{out}"


def test_positive_cases_infer_the_documented_types() -> None:
    out = run_mypy(str(HERE / "typing" / "positive.py"))
    assert "Success" in out


def test_examples_are_strict_clean() -> None:
    files = sorted(str(p) for p in EXAMPLES.glob("*.py"))
    assert files, "no examples found"
    out = run_mypy(*files)
    assert "Success" in out
