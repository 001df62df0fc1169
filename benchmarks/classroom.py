"""Load test of the hub classroom: N learners at once, each through the hub's REST API.

Usage (as root; the hub's test authenticator must be allowed):
    PODMAN_COURSE_HUB_TEST_AUTH=1 .venv/bin/python benchmarks/classroom.py N \\
        [--prefix pch-l] [--keep] [--json FILE]

It writes a roster of N learners (PREFIX01..), brings the hub up with the test
authenticator (``hub up``: accounts, clones, classroom registry, JupyterHub), then:

1. one learner alone (the baseline), then all N at once; each learner: logs in through the
   login form, starts their server, opens a kernel, runs notebook 03's code cells (up to its
   labs), then ``%lab start 03-rhel7``, the solution cells and ``%lab grade 03-rhel7``
   (expects "all checks pass"), then ``%lab finish``;
2. cross-effects, while every learner's kernel still runs: each learner leaves a marked
   container (label ``course.bench=LOGIN``) publishing a port it leased from its own block,
   and a marked image tag; then each looks at ``podman ps -a`` and ``podman images``: another
   learner's mark seen there, a port outside the learner's block, or one port held by two
   learners is a cross-effect; so is a kernel not running as the learner's own uid.

Prints spawn times, p50/p95 cell latency (alone and with N), failures and cross-effects;
exit status 0 only with no failure and no cross-effect. ``hub down`` (and, without
--keep, the accounts' removal) runs at the end, also on failure.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from kernel_helpers.hub import cli, config  # noqa: E402
from kernel_helpers.hub.client import Learner  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "03_running_containers.ipynb"
LAB = "03-rhel7"
SKIP = ("%podman_widget", "run_builder(")  # widgets: nothing to measure without a browser
PORT_ENV = "PODMAN_COURSE_REGISTRY_PORT"
NOTES_PORT_CELLS = ("localhost:5001", "bad.returncode", "good.ok")  # the login cells and their checks


def notebook_cells(path: Path = NOTEBOOK) -> tuple[list[str], list[str]]:
    """(the lesson's code cells before its first lab, the solution cells of LAB).

    The notes log in to ``localhost:5001``, the classroom's push endpoint on its default
    ports; a classroom moved elsewhere (``PODMAN_COURSE_REGISTRY_PORT``) cannot answer
    there, so those cells are left out then (``skipped_cells`` says which).
    """
    cells = [c.source for c in nbformat.read(path, 4).cells if c.cell_type == "code"]
    if os.environ.get(PORT_ENV, "5000") != "5000":
        cells = [s for s in cells if not any(k in s for k in NOTES_PORT_CELLS)]
    start = next(i for i, s in enumerate(cells) if s.strip() == f"%lab start {LAB}")
    grade = next(i for i, s in enumerate(cells) if s.strip() == f"%lab grade {LAB}")
    lesson = [s for s in cells[:start] if not any(k in s for k in SKIP)]
    return lesson, cells[start + 1:grade]


@dataclass
class Run:
    login: str
    spawn_s: float = 0.0
    login_s: float = 0.0
    kernel_s: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    grade_passed: bool = False
    uid: int = -1
    pool: str = ""
    seen: dict = field(default_factory=dict)  # what this learner's podman shows of the marks


MARK = '''
import json, os
from kernel_helpers import ports, lesson
from kernel_helpers.session import kernel_sandbox
_port = ports.lease(kernel_sandbox().id)[0]
_r = lesson.podman(["run", "-d", "--name", "mark", "--label", "course.bench={login}",
                    "-p", f"{{_port}}:8080", "registry.redhat.io/rhel8/httpd-24"])
_t = lesson.podman(["tag", "registry.redhat.io/rhel8/httpd-24", "localhost/mark-{login}"])
print(json.dumps({{"uid": os.getuid(), "pool": os.environ.get("PODMAN_COURSE_PORT_POOL", ""),
                  "port": _port, "run_ok": _r.ok, "tag_ok": _t.ok, "err": _r.stderr[-300:]}}))
'''
LOOK = '''
import json
from kernel_helpers import lesson
_ps = lesson.podman(["ps", "-a", "--format", "{{.Names}} {{.Labels}}"])
_im = lesson.podman(["images", "--format", "{{.Repository}}"])
print(json.dumps({"labels": [w.split("course.bench:")[1].split()[0].strip("]},")
                             for w in _ps.stdout.splitlines() if "course.bench:" in w],
                  "images": [w for w in _im.stdout.split() if "/mark-" in w], "ok": _ps.ok and _im.ok}))
'''


def _last_json(text: str) -> dict:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {}


def learner_run(url: str, login: str, password: str, barrier: threading.Barrier | None) -> Run:
    run = Run(login)
    lesson, solution = notebook_cells()
    with Learner(url, login, password, timeout=600) as me:
        try:
            t = time.monotonic()
            me.login()
            run.login_s = time.monotonic() - t
            run.spawn_s = me.start_server()
            t = time.monotonic()
            me.open_kernel()
            run.kernel_s = time.monotonic() - t
            for code in [*lesson, f"%lab start {LAB}", *solution]:
                reply = me.execute(code)
                run.latencies.append(reply.seconds)
                if not reply.ok:
                    run.failures.append(f"{login}: {code.splitlines()[0][:60]!r}: {reply.error[:200]}")
            reply = me.execute(f"%lab grade {LAB}")
            run.latencies.append(reply.seconds)
            run.grade_passed = reply.ok and "all checks pass" in reply.text
            if not run.grade_passed:
                run.failures.append(f"{login}: lab grade did not pass: {reply.text[-300:]}")
            if barrier is not None:
                reply = me.execute(MARK.format(login=login))
                mark = _last_json(reply.text)
                if not reply.ok:
                    run.failures.append(f"{login}: marking raised {reply.error}")
                run.uid, run.pool = mark.get("uid", -1), mark.get("pool", "")
                run.seen["port"] = mark.get("port")
                if not (mark.get("run_ok") and mark.get("tag_ok")):
                    run.failures.append(f"{login}: marking failed: {mark.get('err', mark)}")
                barrier.wait(timeout=900)
                reply = me.execute(LOOK)
                run.seen.update(_last_json(reply.text))
                if not (reply.ok and run.seen.get("ok")):
                    run.failures.append(f"{login}: looking failed: {reply.error or reply.text[-200:]}")
                barrier.wait(timeout=900)
            me.execute(f"%lab finish {LAB}")
        except Exception as exc:  # a failed learner is a result, not the end of the run
            run.failures.append(f"{login}: {type(exc).__name__}: {exc}")
            if barrier is not None:
                barrier.abort()
        finally:
            try:
                me.close()
                me.stop_server()
            except Exception as exc:
                run.failures.append(f"{login}: stopping: {exc}")
    return run


def cross_effects(runs: list[Run]) -> list[str]:
    found = []
    ports: dict[int, str] = {}
    for run in runs:
        uid = pwd.getpwnam(run.login).pw_uid
        if run.uid != uid:
            found.append(f"{run.login}: kernel runs as uid {run.uid}, not {uid}")
        if run.login not in run.seen.get("labels", []) or \
                f"localhost/mark-{run.login}" not in run.seen.get("images", []):
            found.append(f"{run.login} does not see its own marks: the check itself failed ({run.seen})")
        others = [x for x in run.seen.get("labels", []) if x != run.login]
        if others:
            found.append(f"{run.login} sees containers of {sorted(set(others))}")
        images = [x for x in run.seen.get("images", []) if not x.endswith(f"/mark-{run.login}")]
        if images:
            found.append(f"{run.login} sees images {images}")
        port = run.seen.get("port")
        if port is not None:
            low, _, high = run.pool.partition("-")
            if not (low.isdigit() and high.isdigit() and int(low) <= port <= int(high)):
                found.append(f"{run.login} leased port {port} outside its block {run.pool}")
            if port in ports:
                found.append(f"port {port} leased by {ports[port]} and {run.login}")
            ports[port] = run.login
    return found


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def concurrent(url: str, logins: list[str], passwords: dict) -> list[Run]:
    barrier = threading.Barrier(len(logins))
    runs: dict[str, Run] = {}

    def one(login: str) -> None:
        runs[login] = learner_run(url, login, passwords[login], barrier)

    threads = [threading.Thread(target=one, args=(x,)) for x in logins]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [runs[x] for x in logins]


def report(alone: Run, runs: list[Run], wall: float) -> dict:
    together = [s for r in runs for s in r.latencies]
    result = {
        "n": len(runs), "wall_s": round(wall, 1),
        "alone": {"spawn_s": round(alone.spawn_s, 2), "p50_s": round(_pct(alone.latencies, .5), 3),
                  "p95_s": round(_pct(alone.latencies, .95), 3),
                  "total_s": round(sum(alone.latencies), 1), "failures": alone.failures},
        "together": {"spawn_s": [round(r.spawn_s, 2) for r in runs],
                     "p50_s": round(_pct(together, .5), 3), "p95_s": round(_pct(together, .95), 3),
                     "total_s": [round(sum(r.latencies), 1) for r in runs]},
        "grades_passed": sum(r.grade_passed for r in runs),
        "failures": [f for r in runs for f in r.failures],
        "cross_effects": cross_effects(runs),
        "runs": [asdict(r) for r in runs],
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--prefix", default="pch-l", help="learner logins: PREFIX01, PREFIX02, ...")
    parser.add_argument("--keep", action="store_true", help="keep the accounts (hub down only)")
    parser.add_argument("--json", type=Path, help="write the full result here too")
    args = parser.parse_args(argv)
    logins = [f"{args.prefix}{i:02d}" for i in range(1, args.n + 1)]
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as fh:
        fh.write("login,name\n" + "".join(f"{x},Bench learner {x}\n" for x in logins))
    try:
        t = time.monotonic()
        cli.up(Path(fh.name), test_auth=True, out=lambda line: None)
        print(f"hub up in {time.monotonic() - t:.1f} s ({args.n} learners)", flush=True)
        passwords = json.loads(config.passwords_file().read_text())
        url = config.public_url()
        alone = learner_run(url, logins[0], passwords[logins[0]], None)
        print(f"alone: spawn {alone.spawn_s:.1f} s, {len(alone.latencies)} cells in "
              f"{sum(alone.latencies):.1f} s, failures {len(alone.failures)}", flush=True)
        t = time.monotonic()
        runs = concurrent(url, logins, passwords)
        result = report(alone, runs, time.monotonic() - t)
    finally:
        cli.down(remove_accounts=not args.keep, out=lambda line: None)
        os.unlink(fh.name)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    a, n = result["alone"], result["together"]
    print(f"N={args.n}: wall {result['wall_s']} s; spawn alone {a['spawn_s']} s, together {n['spawn_s']}")
    print(f"cell latency p50/p95: alone {a['p50_s']}/{a['p95_s']} s, together {n['p50_s']}/{n['p95_s']} s "
          f"(x{n['p50_s'] / a['p50_s']:.1f}/x{n['p95_s'] / a['p95_s']:.1f})")
    print(f"lab grades passed: {result['grades_passed']}/{args.n}")
    print(f"failures: {len(result['failures'])}" + "".join(f"\n  {f}" for f in result["failures"]))
    print(f"cross-effects: {len(result['cross_effects'])}" +
          "".join(f"\n  {f}" for f in result["cross_effects"]))
    return 0 if not result["failures"] and not result["cross_effects"] else 1


if __name__ == "__main__":
    sys.exit(main())
