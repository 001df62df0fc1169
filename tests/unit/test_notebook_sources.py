"""Notebooks are generated from jupytext sources: they must not drift, and must keep outputs."""

from __future__ import annotations

import importlib.util
import re

import nbformat
import pytest

from kernel_helpers import paths

SPEC = importlib.util.spec_from_file_location("notebooks_tool", paths.repo_root() / "scripts/notebooks.py")
tool = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(tool)
SOURCES = tool.sources()


def test_every_source_has_its_notebook_with_the_same_inputs(capsys):
    assert SOURCES, "no notebook sources"
    assert tool.check() == 0, capsys.readouterr().out


@pytest.mark.parametrize("src", SOURCES, ids=[s.stem for s in SOURCES])
def test_stored_outputs_are_compared_in_at_least_half_of_the_code_cells(src):
    nb = nbformat.read(tool.target(src), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    ignored = [c for c in code if re.search(r"NBVAL_(IGNORE_OUTPUT|SKIP)", c.source)
               or {"nbval-ignore-output", "nbval-skip"} & set(c.metadata.get("tags", []))]
    compared = [c for c in code if c.outputs and c not in ignored]
    assert len(compared) * 2 >= len(code), f"{len(compared)} of {len(code)} code cells compared"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"], "stored errors"


def test_sync_keeps_stored_outputs():
    src = SOURCES[0]
    stored = nbformat.read(tool.target(src), as_version=4)
    rendered = tool.render(src)
    assert [c.get("outputs") for c in rendered.cells] == [c.get("outputs") for c in stored.cells]
