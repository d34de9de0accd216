"""Static typing proofs for ``wirelane.aio`` (mypy --strict, as
test_typecheck.py does for the sync classes):

- ``tests/typing/aio_negative.py``: each misuse line carries the error code
  mypy must report (checked with ``--warn-unused-ignores``), and with the
  ignores stripped exactly the marked lines fail: recvfrom/accept on an
  AsyncConnection, a V6 address to a V4 datagram socket, Unix-only calls on
  TCP, a forgotten ``await`` ...
- ``tests/typing/aio_positive.py``: correct use infers the documented types.
"""

from __future__ import annotations

import re
from pathlib import Path

from test_typecheck import HERE, mypy, run_mypy

NEGATIVE = HERE / "typing" / "aio_negative.py"
POSITIVE = HERE / "typing" / "aio_positive.py"
IGNORE = re.compile(r"\s*# type: ignore\[[\w, -]+\]")


def test_aio_negative_cases_are_each_rejected_with_the_expected_code() -> None:
    marked = [line for line in NEGATIVE.read_text().splitlines() if IGNORE.search(line)]
    assert len(marked) >= 40, "the aio negative file lost its cases"
    assert "Success" in run_mypy("--warn-unused-ignores", str(NEGATIVE))


def test_aio_negative_cases_fail_without_their_ignores(tmp_path: Path) -> None:
    lines = NEGATIVE.read_text().splitlines()
    marked = {i + 1 for i, line in enumerate(lines) if IGNORE.search(line)}
    stripped = tmp_path / "aio_negative_stripped.py"
    stripped.write_text("\n".join(IGNORE.sub("", line) for line in lines) + "\n")
    out, status = mypy("--no-incremental", str(stripped))
    assert status == 1
    errors = {int(m.group(1)) for m in re.finditer(r"aio_negative_stripped\.py:(\d+): error", out)}
    assert errors == marked, f"unexpected: {sorted(errors - marked)}, missing: {sorted(marked - errors)}\n{out}"


def test_aio_positive_cases_infer_the_documented_types() -> None:
    assert "Success" in run_mypy(str(POSITIVE))
