"""The student edition (scripts/student.py, ``make student``): what is stripped and what is kept,
and the drift test between the two editions. No podman here."""

from __future__ import annotations

import importlib.util

import jupytext
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kernel_helpers import labs, paths

SPEC = importlib.util.spec_from_file_location("student_tool", paths.repo_root() / "scripts/student.py")
student = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(student)

PROMPT = "# your answer here"
SOURCES = sorted((paths.repo_root() / "notebooks" / "src").glob("[0-9][0-9]_*.py"))


def _out(text: str):
    return new_output("stream", name="stdout", text=text)


def _code(source: str, tags=(), text="out\n", count=1):
    cell = new_code_cell(source, outputs=[_out(text)] if text else [], execution_count=count)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def _teacher() -> nbformat.NotebookNode:
    return new_notebook(cells=[
        new_markdown_cell("### Lab x"),
        _code("%lab start 03-rhel7", text="<details><summary>Hint 1</summary>\n\nuse -d\n\n</details>"),
        _code("%podman run -d --name rhel7 ubi7 sleep infinity", tags=["solution"], text="ID\n"),
        _code("%%podman exec -i rhel7 bash\necho hi > /tmp/notes.txt", tags=["solution"], text=""),
        _code("%lab grade 03-rhel7", text="lab 03-rhel7: all checks pass: well done\n"),
        _code("r = %lab grade 03-rhel7\nr.passed", text="True\n"),
        _code("%lab finish 03-rhel7", text="lab 03-rhel7 finished:\n  removed container rhel7\n"),
        _code("x = 1\n    ### BEGIN SOLUTION\n    x = 2\n    ### END SOLUTION\nprint(x)", text="2\n"),
        _code("print('kept')  # %lab grade in a comment", text="kept\n"),
        _code("show()", tags=["clear-output"], text="volatile\n"),
        new_markdown_cell("The answer is **42**.", metadata={"tags": ["solution"]}),
        new_markdown_cell("**Recap** and [next](04.ipynb)"),
    ])


def test_solution_cells_become_prompts_without_outputs():
    teacher = _teacher()
    edition = student.student_notebook(teacher)
    cells = edition.cells
    assert [c.source for c in cells[2:4]] == [PROMPT, PROMPT]
    assert cells[2].outputs == [] and cells[2].execution_count is None
    assert cells[2].metadata["tags"] == ["solution"]  # still marked: the drift test pairs them
    assert cells[10].source == "*Your answer here.*"
    assert teacher.cells[2].source.startswith("%podman run")  # the teacher notebook is not changed


def test_regions_become_an_indented_prompt_and_the_cell_loses_its_outputs():
    cell = student.student_notebook(_teacher()).cells[7]
    assert cell.source == f"x = 1\n    {PROMPT}\nprint(x)"
    assert cell.outputs == []


def test_grade_and_finish_outputs_are_cleared_the_task_and_the_rest_are_kept():
    teacher = _teacher()
    cells = student.student_notebook(teacher).cells
    for index in (4, 5, 6, 9):
        assert cells[index].outputs == [] and cells[index].source == teacher.cells[index].source
    for index in (0, 1, 8, 11):
        assert cells[index] == teacher.cells[index]
    assert "<details><summary>Hint 1</summary>" in cells[1].outputs[0].text


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nx = 1", "without ### END SOLUTION"),
    ("### END SOLUTION", "without ### BEGIN SOLUTION"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside a solution region"),
])
def test_a_broken_region_is_refused_with_the_cell_and_line(source, message):
    with pytest.raises(student.StudentError, match=message):
        student.student_notebook(new_notebook(cells=[new_code_cell(source)]))


def test_build_writes_every_notebook_and_main_reports_a_missing_folder(tmp_path, capsys):
    source = tmp_path / "teacher"
    source.mkdir()
    nbformat.write(_teacher(), source / "03_x.ipynb")
    nbformat.write(new_notebook(), source / "notes.ipynb")  # not a course notebook
    assert student.main(["--source", str(source), "--out", str(tmp_path / "student")]) == 0
    assert [p.name for p in (tmp_path / "student").iterdir()] == ["03_x.ipynb"]
    written = nbformat.read(tmp_path / "student" / "03_x.ipynb", as_version=4)
    assert written.metadata["course_edition"] == "student"
    assert student.main(["--source", str(tmp_path / "none"), "--out", str(tmp_path / "o")]) == 1
    assert "no notebooks NN_*.ipynb" in capsys.readouterr().err


def assert_no_drift(teacher: nbformat.NotebookNode, edition: nbformat.NotebookNode, name: str) -> None:
    """The drift test: the same cells in the same order; every non-solution cell's source is the
    teacher's, every teacher solution cell is a prompt in the student edition."""
    assert len(edition.cells) == len(teacher.cells), f"{name}: the editions differ in length"
    for index, (t, s) in enumerate(zip(teacher.cells, edition.cells, strict=True)):
        where = f"{name} cell {index}"
        assert t.cell_type == s.cell_type, where
        if student.is_solution(t):
            assert s.source in (PROMPT, "*Your answer here.*"), f"{where}: the solution is still there"
            assert not s.get("outputs"), f"{where}: a solution's output is still there"
        elif student.BEGIN in t.source:
            assert PROMPT in s.source and student.BEGIN not in s.source, where
        else:
            assert s.source == t.source, f"{where}: the editions drifted apart"
            if t.cell_type == "code" and not student.shows_learner_result(t):
                assert s.outputs == t.outputs, f"{where}: an output was lost"


@pytest.mark.parametrize("src", SOURCES, ids=[s.stem for s in SOURCES])
def test_the_editions_of_every_course_notebook_do_not_drift(src):
    """From the jupytext source (what the teacher edition is made of), tags included."""
    teacher = jupytext.read(src)
    assert_no_drift(teacher, student.student_notebook(teacher), src.stem)


def test_every_lab_is_graded_in_its_notebook_after_its_solutions():
    """Each notebook grades exactly the catalogue's labs of that notebook, with solution cells."""
    by_notebook: dict[str, set[str]] = {}
    for lab in labs.labs().values():
        by_notebook.setdefault(lab.notebook, set()).add(lab.name)
    for stem, names in by_notebook.items():
        teacher = jupytext.read(paths.repo_root() / "notebooks" / "src" / f"{stem}.py")
        solutions = [c for c in teacher.cells if student.is_solution(c)]
        grades = {c.source.split("%lab grade", 1)[1].split()[0] for c in teacher.cells
                  if c.cell_type == "code" and "%lab grade" in c.source}
        assert solutions and grades == names, stem
        assert all(c.cell_type == "code" for c in solutions), stem


def test_a_student_edition_on_disk_is_not_stale():
    """``notebooks/student`` is git-ignored: when it exists, it must be what ``make student`` writes now."""
    out = student.OUT
    if not out.is_dir():
        pytest.skip("no student edition written here (make student writes it)")
    for path in student.teacher_notebooks():
        fresh = student.student_notebook(nbformat.read(path, as_version=4))
        assert (out / path.name).exists(), f"{path.name}: missing; run make student"
        assert nbformat.read(out / path.name, as_version=4) == fresh, f"{path.name}: stale; run make student"
