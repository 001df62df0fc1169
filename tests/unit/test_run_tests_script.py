"""scripts/run-tests.sh: overlapping `make test` runs; only the last one out stops the classroom.

The script runs for real (bash, flock, the kit's locks and `classroom down --if-unused`),
in a copy of the repository whose `make`, ruff and pytest are stubs and whose state is
private; whether the classroom was up before is answered by a stub `python3`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PORT = 5400  # this slice's isolated registry port: never the shared classroom's 5000
STUB_PYTHON = f"""#!/bin/bash
echo "$*" >>"$STUB_LOG"
case "$*" in
  "-m pytest"*) sleep "$STUB_SLEEP" ;;
  *"classroom down --if-unused") exec {sys.executable} "$@" ;;
esac
"""
STUB_MAKE = """#!/bin/bash
echo "make-start $(date +%s.%N)" >>"$STUB_LOG"
sleep "$STUB_MAKE_SLEEP"
echo "make-end $(date +%s.%N)" >>"$STUB_LOG"
"""


@pytest.fixture
def repo(tmp_path, monkeypatch):
    if not shutil.which("flock"):
        pytest.skip("flock (util-linux) is not installed")
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts/run-tests.sh", root / "scripts")
    (root / "kernel_helpers").symlink_to(REPO / "kernel_helpers")
    stubs = {".venv/bin/python": STUB_PYTHON, ".venv/bin/ruff": "#!/bin/sh\n", "bin/make": STUB_MAKE}
    for name, text in stubs.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
        (root / name).chmod(0o755)
    monkeypatch.setenv("PATH", f"{root / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("PODMAN_COURSE_RUNTIME", str(tmp_path / "rt"))
    monkeypatch.setenv("PODMAN_COURSE_REGISTRY_PORT", str(PORT))
    return root


def start(repo: Path, name: str, sleep: float, make: float = 0) -> tuple[subprocess.Popen, Path]:
    """Run the script: `make setup` takes MAKE seconds, pytest SLEEP seconds."""
    log = repo.parent / f"{name}.log"
    env = {**os.environ, "STUB_LOG": str(log), "STUB_SLEEP": str(sleep), "STUB_MAKE_SLEEP": str(make)}
    proc = subprocess.Popen(["bash", str(repo / "scripts/run-tests.sh")], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return proc, log


def finish(proc: subprocess.Popen) -> str:
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    return out


def test_a_lone_run_stops_the_classroom_it_found_down(repo):
    out = finish(start(repo, "one", 0)[0])
    assert "classroom registry: stopped" in out


def test_the_first_of_two_overlapping_runs_leaves_it_to_the_second(repo):
    first, first_log = start(repo, "first", 0.8, make=0.5)
    time.sleep(0.25)
    second, second_log = start(repo, "second", 2, make=0.5)
    out_first = finish(first)
    assert "left running: another `make test` run is using it" in out_first
    assert second.poll() is None
    out_second = finish(second)
    assert "classroom registry: stopped" in out_second  # it inherited "was down before"
    for log in (first_log, second_log):
        assert "-m kernel_helpers classroom down --if-unused" in log.read_text()
    times = {}
    for name, log in (("first", first_log), ("second", second_log)):
        for line in log.read_text().splitlines():
            if line.startswith("make-"):
                word, stamp = line.split()
                times[name, word] = float(stamp)
    spans = sorted((times[name, "make-start"], times[name, "make-end"]) for name in ("first", "second"))
    assert spans[1][0] >= spans[0][1]  # `make setup` one run at a time


def test_a_classroom_that_was_up_before_is_left_up(repo):
    # `classroom status` trusts only registries the kit started (their pid, binary and config):
    # a stub python3 answers that one question with "running", and runs everything else
    stub = repo / "bin/python3"
    stub.write_text(f"""#!/bin/bash
case "$*" in
  *"classroom status"*) echo "classroom registry: running (stub)"; exit 0 ;;
esac
exec {shutil.which("python3")} "$@"
""")
    stub.chmod(0o755)
    proc, log = start(repo, "up", 0)
    out = finish(proc)
    assert "--if-unused" not in log.read_text() and "classroom registry" not in out
