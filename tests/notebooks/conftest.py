"""The one side-by-side papermill run that test_papermill.py and test_student_edition.py read."""

from __future__ import annotations

import pytest

from .side_by_side import ARTIFACTS, EDITION, NOTEBOOKS, WITH_LABS, run_side_by_side, student_tool


@pytest.fixture(scope="session")
def side_by_side_runs(classroom_up):
    """Start papermill at once on every notebook: the teacher's where there is no lab, the
    student edition where there is; {stem: (returncode, output, seconds)}."""
    written = {p.stem: p for p in student_tool().build(out=EDITION)}
    teacher = {p.stem: p for p in NOTEBOOKS}
    chosen = [written[stem] if stem in WITH_LABS else teacher[stem] for stem in sorted(teacher)]
    return run_side_by_side(chosen, ARTIFACTS)
