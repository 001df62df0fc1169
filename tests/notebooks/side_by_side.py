"""Every notebook runs end to end under papermill, on the real engine, all side by side.

All notebooks start at once, each in its own kernel (so its own sandbox). Parameters
whose names end in ``_PORT`` are replaced by ports leased for the run, so notebooks
never race each other (or a learner's JupyterLab) for a host port. Executed copies and
their run times are kept in ``test-artifacts/notebooks`` for inspection.

The notebooks with labs run in their STUDENT edition here (solutions replaced by prompts,
see test_student_edition.py, which checks those runs): nbval already executes every teacher
notebook from top to bottom, so one papermill run per notebook is enough. The notebooks
without labs (whose student edition is the teacher's) run as they are, in English; the student
edition is the zh-CN one where that edition exists (its code is the English edition's, a unit
test compares them, and its kernel speaks Chinese), so each language runs under papermill.
Each notebook runs with the kernel its metadata names.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from kernel_helpers import paths, ports
from kernel_helpers.sandbox import Sandbox

NOTEBOOKS = sorted((paths.repo_root() / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ZH_CN = paths.repo_root() / "notebooks" / "zh-CN"  # the Chinese edition (same code, other kernel)
ARTIFACTS = paths.repo_root() / "test-artifacts" / "notebooks"
KERNEL = "podman-course"
# jupyter_client picks a kernel's five ZMQ ports by binding port 0 and closing it again; kernels
# started at the same moment by separate papermill processes can be handed the same port, and
# one of them dies at start. Such a start (and only such a start) is tried again, alone.
KERNEL_START_RACE = ("Address already in use", "Kernel died before replying to kernel_info")
START_GAP = 1.0  # seconds between two papermill starts


def parameter_names(path: Path) -> list[str]:
    """Names assigned in the cell tagged ``parameters``."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            tree = ast.parse(cell.source)
            return [t.id for node in tree.body if isinstance(node, ast.Assign)
                    for t in node.targets if isinstance(t, ast.Name)]
    return []


def _start(path: Path, owner: Sandbox, out: Path = ARTIFACTS) -> tuple[subprocess.Popen, float]:
    """Start papermill on PATH (output into the folder OUT), its *_PORT parameters leased."""
    port_names = [n for n in parameter_names(path) if n.endswith("_PORT")]
    leased = owner.lease_ports(len(port_names)) if port_names else []
    kernel = nbformat.read(path, as_version=4).metadata.get("kernelspec", {}).get("name", KERNEL)
    argv = [sys.executable, "-m", "papermill", str(path), str(out / path.name),
            "-k", kernel, "--cwd", str(path.parent), "--no-progress-bar",
            "--execution-timeout", "600"]
    for name, port in zip(port_names, leased, strict=True):
        argv += ["-p", name, str(port)]
    env = {**os.environ, ports.GRANT_ENV: owner.id}  # the kernel takes the leases over
    return (subprocess.Popen(argv, stdout=subprocess.PIPE, env=env, stderr=subprocess.STDOUT,
                             text=True), time.monotonic())


def _finish(proc: subprocess.Popen, start: float) -> tuple[int, str, float]:
    try:
        out, _ = proc.communicate(timeout=900)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return proc.returncode, out, time.monotonic() - start


def run_side_by_side(notebooks: list[Path], out: Path) -> dict[str, tuple[int, str, float]]:
    """Start papermill on NOTEBOOKS at once (executed copies and timings.txt into OUT);
    {stem: (returncode, output, seconds)}."""
    out.mkdir(parents=True, exist_ok=True)
    owner = Sandbox.create(kind="test")  # holds the leased ports for the whole run
    started, results, retried = {}, {}, []
    try:
        for path in notebooks:
            started[path.stem] = _start(path, owner, out)
            time.sleep(START_GAP)
        for stem, (proc, start) in started.items():
            results[stem] = _finish(proc, start)
        for path in notebooks:
            code, output, _ = results[path.stem]
            if code != 0 and any(text in output for text in KERNEL_START_RACE):
                retried.append(path.stem)
                started[path.stem] = _start(path, owner, out)
                results[path.stem] = _finish(*started[path.stem])
    finally:
        for proc, _ in started.values():
            if proc.poll() is None:
                proc.kill()
        owner.remove()
    (out / "timings.txt").write_text(
        "".join(f"{stem}\t{seconds:.1f} s\trc={code}{' (kernel start retried)' if stem in retried else ''}\n"
                for stem, (code, _, seconds) in results.items()))
    return results


SOURCES = paths.repo_root() / "notebooks" / "src"
# the notebooks whose student edition differs from the teacher's: they run in that edition
WITH_LABS = sorted(p.stem for p in SOURCES.glob("[0-9][0-9]_*.py") if 'tags=["solution"]' in p.read_text())
WITHOUT_LABS = [p.stem for p in NOTEBOOKS if p.stem not in WITH_LABS]
EDITION = ARTIFACTS / "student-edition"  # the student edition, as written by scripts/student.py


def student_tool():
    spec = importlib.util.spec_from_file_location("student_tool", paths.repo_root() / "scripts/student.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


