"""The student edition runs under papermill to the end with the labs left undone.

It is built (scripts/student.py, as ``make student`` does) from the stored teacher notebooks
into ``test-artifacts/notebooks/student-edition``; the notebooks it changes (those with
solutions or grades) run in test_papermill.py's one side-by-side run, with leased ports. Every
``%lab grade`` then reports FAIL (nobody did the task), and nothing raises; as an ordinary user
a lab that needs root (the systemd host's) says so in one ``skipped:`` line instead.
"""

from __future__ import annotations

import os

import nbformat
import pytest

from .side_by_side import ARTIFACTS, WITH_LABS

RUNS = ARTIFACTS  # the executed copies (test_papermill.py runs them beside the other notebooks)
# the grade's words in English and in the zh-CN edition (whose student edition runs here if present)
FAILED, ALL_PASS = ("FAIL", "未通过"), ("all checks pass", "所有检查项都通过了")


def _grade_texts(nb) -> list[str]:
    return ["".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in c.outputs)
            for c in nb.cells if c.cell_type == "code" and "%lab grade" in c.source]


def test_some_notebooks_have_labs():
    assert len(WITH_LABS) >= 3, WITH_LABS


@pytest.mark.notebook
@pytest.mark.parametrize("stem", WITH_LABS)
def test_the_student_edition_runs_to_the_end_with_every_grade_failing(stem, side_by_side_runs):
    code, output, seconds = side_by_side_runs[stem]
    assert code == 0, f"student edition of {stem} failed after {seconds:.0f} s:\n{output[-4000:]}"
    ran = nbformat.read(RUNS / f"{stem}.ipynb", as_version=4)
    assert any(c.source == "# your answer here" for c in ran.cells), \
        f"{stem}: no prompt (notebook not synced?)"
    grades = _grade_texts(ran)
    assert grades, f"{stem}: no %lab grade output"
    for text in grades:
        if os.geteuid() != 0 and text.startswith("skipped: ") and ("needs root)" in text or "需要 root）" in text):
            continue  # an ordinary user: a lab on the systemd host says so in one line instead
        assert any(word in text for word in FAILED) and not any(word in text for word in ALL_PASS), text
    assert os.geteuid() != 0 or not any(t.startswith("skipped: ") for t in grades), grades
    errors = [o for c in ran.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
