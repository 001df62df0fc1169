"""Every notebook runs to the end under papermill beside the others (see side_by_side.py)."""

from __future__ import annotations

import pytest

from .side_by_side import NOTEBOOKS, WITHOUT_LABS, parameter_names


def test_every_notebook_has_parameters():
    assert NOTEBOOKS, "no notebooks found"
    for path in NOTEBOOKS:
        assert parameter_names(path), f"{path.name} has no cell tagged 'parameters'"


@pytest.mark.notebook
@pytest.mark.parametrize("stem", WITHOUT_LABS)
def test_notebook_runs_under_papermill_beside_the_others(stem, side_by_side_runs):
    code, output, seconds = side_by_side_runs[stem]
    assert code == 0, f"{stem} failed after {seconds:.0f} s:\n{output[-4000:]}"
