"""Run All twice in one kernel: a notebook's second run behaves like its first.

Learners run cells again. Every code cell of the notebook is executed in order, then all of
them again in the same kernel (so the same sandbox, holding what the first run left). The
second run must raise nothing, and no cell may show a podman error in the second run that it
did not show in the first (a cell that shows a refusal on purpose shows it both times).

One notebook is run: 03 names its containers, stops, restarts and removes them, so it has the
most to trip over when run again (about a minute and a half on a quiet machine).
"""

from __future__ import annotations

import re

import jupytext
import pytest
from nbclient import NotebookClient

from kernel_helpers import paths

NOTEBOOK = "03_running_containers"
KERNEL = "podman-course"
ERROR_BOX = re.compile(r'class="kh-error"[^>]*>(.*?)</div>', re.S)


def shown_errors(outputs) -> list[str]:
    """The exceptions a cell raised and the podman errors it showed (first line of each)."""
    found = []
    for out in outputs:
        if out.output_type == "error":
            found.append(f"raised {out.ename}: {out.evalue.strip()[:300]}")
        for box in ERROR_BOX.findall(out.get("data", {}).get("text/html", "")):
            found.append("showed " + box.strip().splitlines()[0][:300])
    return found


def run_all_twice(stem: str) -> list[tuple[int, int, str, list[str]]]:
    """Execute the notebook twice in one kernel; (round, index, source, errors) of each code cell."""
    nb = jupytext.read(paths.repo_root() / "notebooks" / "src" / f"{stem}.py")
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=600, allow_errors=True,
                            resources={"metadata": {"path": str(paths.repo_root() / "notebooks")}})
    runs = []
    with client.setup_kernel():
        for round_ in (1, 2):
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                cell.outputs = []
                client.execute_cell(cell, index)
                runs.append((round_, index, cell.source, shown_errors(cell.outputs)))
    return runs


@pytest.mark.notebook
def test_run_all_twice_in_one_kernel(classroom_up):
    runs = run_all_twice(NOTEBOOK)
    first = {index: errors for round_, index, _, errors in runs if round_ == 1}
    problems = [f"round {round_}, cell {index} ({source.splitlines()[0][:60]!r}): {errors}"
                for round_, index, source, errors in runs
                if any(e.startswith("raised") for e in errors)
                or (round_ == 2 and len(errors) > len(first[index]))]
    assert not problems, "\n".join(problems)
