"""The student edition runs under papermill to the end with the labs left undone.

It is built (scripts/student.py, as ``make student`` does) from the stored teacher notebooks
into ``test-artifacts/notebooks/student-edition``; the notebooks it changes (those with
solutions or grades) run side by side as in test_papermill.py, with leased ports. Every
``%lab grade`` then reports FAIL (nobody did the task), and nothing raises.
"""

from __future__ import annotations

import importlib.util

import nbformat
import pytest

from kernel_helpers import paths
from tests.notebooks.test_papermill import ARTIFACTS, run_side_by_side

SPEC = importlib.util.spec_from_file_location("student_tool", paths.repo_root() / "scripts/student.py")
student = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(student)

EDITION = ARTIFACTS / "student-edition"  # the student edition, as written
RUNS = ARTIFACTS / "student"             # the executed copies
SOURCES = paths.repo_root() / "notebooks" / "src"
# the notebooks whose student edition differs from the teacher's (the others run in test_papermill)
WITH_LABS = sorted(p.stem for p in SOURCES.glob("[0-9][0-9]_*.py") if 'tags=["solution"]' in p.read_text())


def _grade_texts(nb) -> list[str]:
    return ["".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in c.outputs)
            for c in nb.cells if c.cell_type == "code" and "%lab grade" in c.source]


@pytest.fixture(scope="session")
def student_runs(classroom_up):
    written = {p.stem: p for p in student.build(out=EDITION)}
    return run_side_by_side([written[stem] for stem in WITH_LABS], RUNS)


def test_some_notebooks_have_labs():
    assert len(WITH_LABS) >= 3, WITH_LABS


@pytest.mark.notebook
@pytest.mark.parametrize("stem", WITH_LABS)
def test_the_student_edition_runs_to_the_end_with_every_grade_failing(stem, student_runs):
    code, output, seconds = student_runs[stem]
    assert code == 0, f"student edition of {stem} failed after {seconds:.0f} s:\n{output[-4000:]}"
    ran = nbformat.read(RUNS / f"{stem}.ipynb", as_version=4)
    assert any(c.source == "# your answer here" for c in ran.cells), f"{stem}: no prompt (notebook not synced?)"
    grades = _grade_texts(ran)
    assert grades, f"{stem}: no %lab grade output"
    for text in grades:
        assert "FAIL" in text and "all checks pass" not in text, text
    errors = [o for c in ran.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
