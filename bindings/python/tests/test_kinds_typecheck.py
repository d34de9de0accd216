"""Static typing proofs for the socket-kind states (SEQPACKET, ICMP echo,
raw IP), run with mypy --strict like test_typecheck.py: every misuse line
of ``typing/kinds_negative.py`` is rejected with the error code it names
(and only those lines are), and ``typing/kinds_positive.py`` infers the
documented types."""

from __future__ import annotations

import re
from pathlib import Path

from test_typecheck import HERE, mypy, run_mypy

NEGATIVE = HERE / "typing" / "kinds_negative.py"


def test_kinds_negative_cases_are_each_rejected_with_the_expected_code() -> None:
    marked = [line for line in NEGATIVE.read_text().splitlines() if re.search(r"# type: ignore\[[\w, -]+\]", line)]
    assert len(marked) >= 40, "the negative file lost its cases"
    out = run_mypy("--warn-unused-ignores", str(NEGATIVE))
    assert "Success" in out


def test_kinds_negative_cases_fail_without_their_ignores(tmp_path: Path) -> None:
    lines = NEGATIVE.read_text().splitlines()
    marked = {i + 1 for i, line in enumerate(lines) if "# type: ignore[" in line}
    stripped = tmp_path / "kinds_negative_stripped.py"
    stripped.write_text("\n".join(re.sub(r"\s*# type: ignore\[[\w, -]+\]", "", line) for line in lines) + "\n")
    out, status = mypy("--no-incremental", str(stripped))
    assert status == 1
    error_lines = {int(m.group(1)) for m in re.finditer(r"kinds_negative_stripped\.py:(\d+): error", out)}
    assert error_lines == marked, f"unexpected: {sorted(error_lines - marked)}, missing: {sorted(marked - error_lines)}\n{out}"


def test_kinds_positive_cases_infer_the_documented_types() -> None:
    out = run_mypy(str(HERE / "typing" / "kinds_positive.py"))
    assert "Success" in out
