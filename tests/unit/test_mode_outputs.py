"""The user-mode expected outputs (tests/mode_outputs.py): keys, files, and no stale entry."""

from __future__ import annotations

import json
import os

import nbformat
import pytest

from tests import mode_outputs

NOTEBOOKS = mode_outputs.FOLDER.parents[2] / "notebooks"


def notebook(*sources: str, markdown: str = "text"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(markdown)] + [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def test_keys_tell_repeated_cells_apart_and_ignore_prose_and_blank_lines():
    nb = notebook("%podman ps", "x = 1", "%podman ps\n")
    keys = [mode_outputs.keys(nb)[id(c)] for c in nb.cells if c.cell_type == "code"]
    assert keys[0].split("#")[0] == keys[2].split("#")[0] and keys[0] != keys[2]
    assert (keys[0][-2:], keys[2][-2:]) == ("#0", "#1")
    again = notebook("%podman ps", "x = 1", "%podman ps", markdown="other prose")
    assert [mode_outputs.keys(again)[id(c)] for c in again.cells if c.cell_type == "code"] == keys


def test_write_then_read_back_and_an_empty_notebook_removes_its_file(tmp_path):
    out = {"output_type": "execute_result", "execution_count": 7, "data": {"text/plain": "a"}, "metadata": {}}
    written = mode_outputs.write(tmp_path, "09_x", {"k#0": ("print(1)\n", [out])})
    data = json.loads(written.read_text())
    assert data["mode"] == mode_outputs.MODE and data["cells"]["k#0"]["source"] == ["print(1)"]
    assert mode_outputs.expected("09_x", tmp_path) == {"k#0": [{**out, "execution_count": None}]}
    assert mode_outputs.write(tmp_path, "09_x", {}) is None and not written.exists()
    assert mode_outputs.expected("09_x", tmp_path) == {}


def test_a_changed_cell_makes_its_entry_stale(tmp_path):
    nb = notebook("print(1)", "print(2)")
    key = mode_outputs.keys(nb)[id(nb.cells[2])]
    mode_outputs.write(tmp_path, "09_x", {key: ("print(2)", [])})
    assert mode_outputs.stale("09_x", nb, tmp_path) == []
    nb.cells[2].source = "print(3)"
    assert mode_outputs.stale("09_x", nb, tmp_path) == [key]


RECORDED = sorted(mode_outputs.FOLDER.rglob("*.json"))
NAMES = [p.relative_to(mode_outputs.FOLDER).with_suffix("").as_posix() for p in RECORDED]


@pytest.mark.parametrize("name", NAMES)
def test_every_recorded_entry_matches_a_cell_of_the_current_notebook(name):
    source = NOTEBOOKS / f"{name}.ipynb"
    assert source.exists(), f"{name}.json: no notebook {source.name}"
    assert mode_outputs.name_of(source) == name
    stale = mode_outputs.stale(name, nbformat.read(source, as_version=4))
    assert not stale, (f"{name}.json: {len(stale)} entries match no cell of {source.name} any more "
                       f"(its code changed): {mode_outputs.RECORD_HINT}")


@pytest.mark.parametrize("path", RECORDED, ids=NAMES)
def test_recorded_outputs_hold_no_value_of_the_recording_machine(path):
    text = path.read_text()
    assert "/home/pc-" not in text and "pc-recorder" not in text and "pc-learner" not in text
    assert os.uname().release not in text  # masked as KERNEL-RELEASE
    assert json.loads(text)["mode"] == mode_outputs.MODE
