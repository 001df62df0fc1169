"""Replay mode: every notebook of both editions executes end to end where podman is really absent.

Each notebook runs under papermill inside ``scripts/without-podman.sh`` (podman, skopeo and
buildah covered by /dev/null in a private mount namespace as root; a PATH without them as an
ordinary user), with no ``PODMAN_COURSE_MODE``: the kit must find out by itself that it cannot run
podman and replay. Checked: no cell fails, the banner says why, every output of a recorded cell
comes under the replay mark, and a command of the learner's own that was never recorded gets one
line. Executed copies are kept in ``test-artifacts/replay``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from kernel_helpers import paths

REPO = paths.repo_root()
WITHOUT_PODMAN = REPO / "scripts" / "without-podman.sh"
OUT = REPO / "test-artifacts" / "replay"
EDITIONS = {"en": REPO / "notebooks", "zh-CN": REPO / "notebooks" / "zh-CN"}
MARKS = {"en": "▶ recorded output (", "zh-CN": "▶ 录制的输出（"}
BANNERS = {"en": "Replay mode: podman is not installed here.", "zh-CN": "回放模式：这里没有安装 podman。"}
NOT_RECORDED = {"en": "not recorded; this needs a real podman", "zh-CN": "未录制；这需要真正的 podman"}
LIVE_ONLY = {"en": "replay mode: this needs a real podman", "zh-CN": "回放模式下不可用：这需要真正的 podman"}
KERNELS = {"en": "podman-course", "zh-CN": "podman-course-zh-cn"}
PARALLEL = 3
RETRIES = 2  # a kernel start that lost jupyter_client's port race (see side_by_side.py)


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PODMAN_COURSE_MODE"}
    env["PYTHONPATH"] = str(REPO)
    return env


def run_replayed(source: Path, out: Path, kernel: str) -> tuple[int, str]:
    """papermill SOURCE -> OUT where podman is absent; (exit status, its output's tail)."""
    argv = [str(WITHOUT_PODMAN), sys.executable, "-m", "papermill", str(source), str(out),
            "-k", kernel, "--cwd", str(source.parent), "--no-progress-bar", "--log-level", "WARNING"]
    for attempt in range(RETRIES + 1):
        got = subprocess.run(argv, capture_output=True, text=True, timeout=900, env=_env())
        tail = (got.stdout + got.stderr)[-3000:]
        if got.returncode == 0 or "Address already in use" not in tail or attempt == RETRIES:
            return got.returncode, tail
        time.sleep(2)
    return got.returncode, tail


@pytest.fixture(scope="module")
def replayed() -> dict[tuple[str, str], tuple[int, str, Path]]:
    jobs = []
    for edition, folder in EDITIONS.items():
        for source in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
            out = OUT / edition / source.name
            out.parent.mkdir(parents=True, exist_ok=True)
            jobs.append((edition, source, out))
    with ThreadPoolExecutor(PARALLEL) as pool:
        results = pool.map(lambda job: (job, run_replayed(job[1], job[2], KERNELS[job[0]])), jobs)
        return {(edition, source.stem): (*answer, out) for (edition, source, out), answer in results}


def _texts(output) -> str:
    if output.output_type == "stream":
        return output.text
    data = output.get("data", {})
    return str(data.get("text/plain", "")) + str(output.get("evalue", ""))


def _params():
    return [(edition, p.stem) for edition, folder in EDITIONS.items()
            for p in sorted(folder.glob("[0-9][0-9]_*.ipynb"))]


@pytest.mark.parametrize("edition,name", _params())
def test_notebook_replays_without_podman(replayed, edition, name):
    code, tail, out = replayed[(edition, name)]
    assert code == 0, f"{edition}/{name} failed in replay mode:\n{tail}"
    nb = nbformat.read(out, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    banner = [c for c in cells if c.outputs and BANNERS[edition] in _texts(c.outputs[0])]
    assert banner, f"{edition}/{name}: no replay banner saying why"
    marked = 0
    for cell in cells:
        if not cell.outputs or cell is banner[0]:
            continue
        first = _texts(cell.outputs[0])
        assert first.startswith(MARKS[edition]), (
            f"{edition}/{name}: an output without the replay mark:\n{cell.source[:200]}\n-> {first[:300]}")
        assert all(o.output_type != "error" for o in cell.outputs)
        marked += 1
    assert marked >= 5


def _notebook(cells: list[tuple[str, list[str]]], kernel: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(src, metadata={"tags": tags}) for src, tags in cells]
    return nb


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_unrecorded_commands_say_so_in_one_line(tmp_path, edition):
    """A command the recordings do not hold, a lab check and a web request: one line each
    (the command: not recorded; the others: replay mode cannot do them at all)."""
    source, out = tmp_path / "mine.ipynb", tmp_path / "mine.out.ipynb"
    nbformat.write(_notebook([
        ("%load_ext kernel_helpers", []),
        ("r = %podman ps --filter name=never-recorded-here\nr", []),
        ("assert r.returncode == -1 and r.df is None", []),
        ("%lab start   03-rhel7", ["raises-exception"]),  # spaced: no recorded cell has this code
        ("from kernel_helpers.lesson import fetch\nfetch(8080)", ["raises-exception"]),
    ], KERNELS[edition]), source)
    code, tail = run_replayed(source, out, KERNELS[edition])
    assert code == 0, tail
    cells = nbformat.read(out, as_version=4).cells
    assert _texts(cells[1].outputs[0]).strip() == NOT_RECORDED[edition]
    for cell in cells[3:]:
        shown = "".join(_texts(o) for o in cell.outputs)
        assert LIVE_ONLY[edition] in shown and "Traceback" not in shown and len(shown.strip().splitlines()) == 1, shown


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_a_learners_own_command_answers_from_the_notebooks_recording(tmp_path, edition):
    """A cell the course does not have, in 03 after its dashboard: `%podman ps -a` answers with
    the recorded result at that point (marked), and the dashboard works on the recorded data."""
    nb = nbformat.read(EDITIONS[edition] / "03_running_containers.ipynb", as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if c.source.strip() == "%podman_widget dashboard")
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell("%podman  ps -a"))
    source, out = tmp_path / "03.ipynb", tmp_path / "03.out.ipynb"
    nbformat.write(nb, source)
    code, tail = run_replayed(source, out, KERNELS[edition])
    assert code == 0, tail
    cells = nbformat.read(out, as_version=4).cells
    dashboard, mine = cells[at], cells[at + 1]
    assert _texts(dashboard.outputs[0]).startswith(MARKS[edition])
    assert "rhel7" in _texts(dashboard.outputs[1]), _texts(dashboard.outputs[1])
    shown = "".join(_texts(o) for o in mine.outputs)
    assert "$ podman ps -a" in shown and "rhel7" in shown and MARKS[edition][2:] in shown, shown
