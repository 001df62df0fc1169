"""Benchmarks of the kit against the raw podman CLI, measured in the same run.

Usage:
    .venv/bin/python benchmarks/bench.py [--runs N] [--notebooks] [--cold]

Prints medians over N runs, and ratios against the raw CLI:
- ``%podman ps -a`` (runner + JSON + DataFrame + HTML) vs ``podman ps -a --format json``;
- sandbox creation (and its first podman command);
- ``%podman --rootless ps -a`` vs the same podman run by hand through runuser;
- the systemd host's boot and removal, next to a plain ``podman run -d``;
- warm set-up (``python -m kernel_helpers setup`` with everything done);
- with --notebooks: the whole notebook suite under papermill;
- with --cold: set-up from nothing in a throw-away state folder (builds every image).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kernel_helpers import runner  # noqa: E402
from kernel_helpers.sandbox import Sandbox  # noqa: E402


def timed(fn, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def line(label: str, samples: list[float], base: list[float] | None = None) -> None:
    med = statistics.median(samples) * 1000
    extra = ""
    if base:
        ref = statistics.median(base) * 1000
        extra = f"  (+{med - ref:.1f} ms, x{med / ref:.2f} of raw CLI)"
    print(f"{label:<48} median {med:8.1f} ms over {len(samples)}{extra}")


def bench_ps(runs: int) -> None:
    sandbox = Sandbox.create(kind="run")
    try:
        env = sandbox.full_env()
        for i in range(3):
            sandbox.podman("run", "-d", "--name", f"b{i}", "localhost:5000/busybox", "sleep", "600",
                           check=True)
        raw = timed(lambda: subprocess.run(["podman", "ps", "-a", "--format", "json"], env=env,
                                           capture_output=True, check=True), runs)
        kit = timed(lambda: runner.run("podman", ["ps", "-a"], env=env)._repr_html_(), runs)
        line("raw: podman ps -a --format json", raw)
        line("kit: %podman ps -a (table rendered)", kit, raw)
    finally:
        sandbox.remove()


def bench_rootless(runs: int) -> None:
    """``%podman --rootless ps -a`` against the same podman run by hand through runuser."""
    from kernel_helpers import rootless, rootless_account
    if rootless_account.unavailable_reason():
        print(f"{'rootless':<48} skipped: {rootless_account.unavailable_reason()}")
        return
    sandbox = Sandbox.create(kind="run")
    try:
        created = timed(lambda: rootless.world_for(sandbox.id), 1)
        world = rootless.world_for(sandbox.id)
        argv = [*world.prefix(), "podman", "ps", "-a", "--format", "json"]
        subprocess.run(argv, capture_output=True)  # the world's pause process starts here
        raw = timed(lambda: subprocess.run(argv, capture_output=True, check=True), runs)
        kit = timed(lambda: runner.run("podman", ["ps", "-a"], env=world.env(), prefix=world.prefix(),
                                       prompt="$")._repr_html_(), runs)
        line("rootless world creation", created)
        line("raw: runuser ... podman ps -a --format json", raw)
        line("kit: %podman --rootless ps -a", kit, raw)
    finally:
        sandbox.remove()


def bench_systemd_host() -> None:
    """Boot and removal of the systemd host (notebook 07), against a plain container."""
    from kernel_helpers.systemd_host import SystemdHost
    sandbox = Sandbox.create(kind="run")
    try:
        env = sandbox.full_env()
        plain = timed(lambda: sandbox.podman("run", "-d", "localhost:5000/busybox", "sleep", "60",
                                             check=True), 3)
        hosts: list = []
        boot = timed(lambda: hosts.append(SystemdHost.start(name=f"sdh{len(hosts)}", env=env)), 3)
        gone = timed(lambda: hosts.pop().remove(), 3)
        line("raw: podman run -d busybox", plain)
        line("systemd host: start until systemd is running", boot, plain)
        line("systemd host: removal", gone)
    finally:
        sandbox.remove()


def bench_sandbox(runs: int) -> None:
    made = []
    create = timed(lambda: made.append(Sandbox.create(kind="run")), runs)
    first = timed(lambda: made[-1].podman("ps"), 1)
    remove = timed(lambda: made.pop().remove(), len(made))
    line("sandbox creation", create)
    line("first podman ps in a new sandbox", first)
    line("sandbox removal (empty)", remove)


def bench_command(label: str, argv: list[str], env: dict | None = None, runs: int = 1) -> None:
    failures = []

    def once():
        done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            failures.append((done.stdout + done.stderr).strip().splitlines()[-5:])

    samples = timed(once, runs)
    if failures:
        print(f"{label:<48} FAILED:", *failures[-1], sep="\n  ")
    else:
        line(label, samples)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--notebooks", action="store_true")
    parser.add_argument("--cold", action="store_true")
    args = parser.parse_args()
    py = sys.executable
    bench_ps(args.runs)
    bench_sandbox(args.runs)
    bench_rootless(args.runs)
    bench_systemd_host()
    bench_command("warm set-up (python -m kernel_helpers setup)", [py, "-m", "kernel_helpers", "setup"])
    if args.notebooks:
        bench_command("notebook suite under papermill", [py, "-m", "pytest", "-q", "tests/notebooks"])
    if args.cold:
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, PODMAN_COURSE_STATE=f"{tmp}/state", PODMAN_COURSE_RUNTIME=f"{tmp}/run",
                       PODMAN_COURSE_REGISTRY_PORT="5100")
            try:
                bench_command("cold set-up (new state folder, every image)",
                              [py, "-m", "kernel_helpers", "setup"], env)
                bench_command("warm set-up right after it", [py, "-m", "kernel_helpers", "setup"], env)
            finally:
                subprocess.run([py, "-m", "kernel_helpers", "clean", "--all"], env=env, cwd=ROOT)
                subprocess.run([py, "-m", "kernel_helpers", "classroom", "down"], env=env, cwd=ROOT)
                subprocess.run([py, "-c", "import sys; from kernel_helpers.sandbox import _unmount_under;"
                                "from pathlib import Path; _unmount_under(Path(sys.argv[1]))", tmp], cwd=ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
