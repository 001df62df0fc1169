"""The one side-by-side papermill run that test_papermill.py and test_student_edition.py read."""

from __future__ import annotations

import pytest

from .side_by_side import ARTIFACTS, EDITION, NOTEBOOKS, WITH_LABS, ZH_CN, run_side_by_side, student_tool


@pytest.fixture(scope="session")
def side_by_side_runs(classroom_up):
    """Start papermill at once on every notebook: the teacher's where there is no lab, the
    student edition (zh-CN's, where that edition exists) where there is;
    {stem: (returncode, output, seconds)}."""
    source = ZH_CN if any(ZH_CN.glob("[0-9][0-9]_*.ipynb")) else NOTEBOOKS[0].parent
    written = {p.stem: p for p in student_tool().build(source=source, out=EDITION)}
    teacher = {p.stem: p for p in NOTEBOOKS}
    chosen = [written[stem] if stem in WITH_LABS else teacher[stem] for stem in sorted(teacher)]
    return run_side_by_side(chosen, ARTIFACTS)
