"""The student edition: the teacher's notebooks without their solutions (``make student``).

One source: the executed teacher notebooks ``notebooks/NN_*.ipynb`` (built from
``notebooks/src``). The student edition, ``notebooks/student/NN_*.ipynb``, is the same
notebook cell for cell, except:

- a cell tagged ``solution`` (jupytext: ``# %% tags=["solution"]``) becomes a prompt,
  ``# your answer here`` (a Markdown one: *Your answer here.*), without outputs;
- a region between nbgrader's markers ``### BEGIN SOLUTION`` and ``### END SOLUTION``
  inside any code cell becomes the prompt, indented like the marker; the cell's outputs go;
- the outputs of a cell that shows the learner's result (``%lab grade``, ``%lab finish``,
  or tagged ``clear-output``) are cleared: the teacher's run would show PASS;
- every other cell keeps its source and its outputs (the task sheets of ``%lab start``
  with their collapsible hints included).

Usage:
    python scripts/student.py [--source DIR] [--out DIR]   # notebooks/ -> notebooks/student/
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Unicode

ROOT = Path(__file__).resolve().parent.parent / "notebooks"
OUT = ROOT / "student"
SOLUTION_TAG = "solution"
CLEAR_TAG = "clear-output"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"  # nbgrader's region markers
# a line that runs %lab grade or %lab finish (also as `r = %lab grade NAME`)
LEARNER_RESULT = re.compile(r"^[^#\n]*%lab\s+(grade|finish)\b", re.M)


class StudentError(ValueError):
    """A teacher notebook the student edition cannot be made from (a broken region)."""


def is_solution(cell) -> bool:
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def shows_learner_result(cell) -> bool:
    return cell.cell_type == "code" and (CLEAR_TAG in cell.metadata.get("tags", [])
                                         or bool(LEARNER_RESULT.search(cell.source)))


def replace_regions(source: str, prompt: str) -> tuple[str, int]:
    """SOURCE with each BEGIN..END SOLUTION region replaced by PROMPT: (text, regions)."""
    lines, out, inside, count = source.split("\n"), [], False, 0
    for number, line in enumerate(lines, 1):
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise StudentError(f"line {number}: {BEGIN} inside a solution region")
            inside, count = True, count + 1
            out.append(line[:len(line) - len(line.lstrip())] + prompt)
        elif marker == END:
            if not inside:
                raise StudentError(f"line {number}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise StudentError(f"{BEGIN} without {END}")
    return "\n".join(out), count


class StudentEdition(Preprocessor):
    """Replace solutions by prompts and clear the outputs that would give them away."""

    code_prompt = Unicode("# your answer here", help="What a code solution becomes.").tag(config=True)
    markdown_prompt = Unicode("*Your answer here.*", help="What a Markdown solution becomes.") \
        .tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if is_solution(cell):
            cell.source = self.code_prompt if cell.cell_type == "code" else self.markdown_prompt
            self._clear(cell)
            return cell, resources
        if cell.cell_type == "code":
            try:
                cell.source, regions = replace_regions(cell.source, self.code_prompt)
            except StudentError as exc:
                raise StudentError(f"cell {index}: {exc}") from None
            if regions or shows_learner_result(cell):
                self._clear(cell)
        return cell, resources

    @staticmethod
    def _clear(cell) -> None:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.get("metadata", {}).pop("execution", None)  # papermill's timings of the teacher's run


def student_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A student edition of the teacher notebook NB (NB itself is left as it was)."""
    copy = nbformat.from_dict(nb)
    edition, _ = StudentEdition().preprocess(copy, {})
    edition.metadata["course_edition"] = "student"
    return edition


def teacher_notebooks(source: Path = ROOT) -> list[Path]:
    return sorted(source.glob("[0-9][0-9]_*.ipynb"))


def build(source: Path = ROOT, out: Path = OUT) -> list[Path]:
    """Write the student edition of every teacher notebook in SOURCE into OUT."""
    notebooks = teacher_notebooks(source)
    if not notebooks:
        raise StudentError(f"no notebooks NN_*.ipynb in {source}")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        try:
            edition = student_notebook(nbformat.read(path, as_version=4))
        except StudentError as exc:
            raise StudentError(f"{path.name}: {exc}") from None
        nbformat.write(edition, out / path.name)
        written.append(out / path.name)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the student edition of the notebooks.")
    parser.add_argument("--source", type=Path, default=ROOT, help="the teacher notebooks' folder")
    parser.add_argument("--out", type=Path, default=OUT, help="where the student edition goes")
    args = parser.parse_args(argv)
    try:
        written = build(args.source, args.out)
    except (StudentError, OSError) as exc:
        print(f"student edition: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
