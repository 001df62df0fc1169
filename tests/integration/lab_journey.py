"""One lab's whole journey, in a fresh sandbox of its own; prints what happened as JSON.

Run by ``test_labs.py`` side by side with the other labs' journeys (a lab spends most of its
time waiting on containers, so running several at once saves most of the wall time):

    python tests/integration/lab_journey.py 03-rhel7

The journey, as a learner might live it:
1. start, grade: every check should FAIL, each with a hint ("fresh");
2. the typical wrong attempt, grade: the checks the lab file names should FAIL ("wrong");
3. start again: the lab is reset (the wrong attempt's containers gone), grade: all FAIL ("reset");
4. the solution, grade: every check should PASS ("solution");
5. finish: nothing of the lab is left ("leftovers": what is, as readable lines).
The test asserts; this script only records. The sandbox is removed at exit, even on failure.
"""

from __future__ import annotations

import json
import sys
import traceback

from kernel_helpers import ports, session
from kernel_helpers.labs import LabError, lifecycle, loader, pushed, state
from kernel_helpers.labs.probe import Probe
from kernel_helpers.labs.views import Skipped
from kernel_helpers.sandbox import Sandbox

SYSTEMD_HOST_DOWN = "the systemd host did not start"


def rows(result) -> list[dict]:
    return [{"id": r.id, "passed": r.passed, "reason": r.reason, "hint": r.hint}
            for r in result.rows]


def worlds(lab) -> dict[str, state.Snapshot]:
    probes = {"root": Probe(False)} | ({"rootless": Probe(True)} if lab.rootless else {})
    return {key: state.Snapshot.take(probe) for key, probe in probes.items()}


def leftovers(lab, before: dict, sandbox: Sandbox, report) -> list[str]:
    """What the lab left behind, one readable line each (empty: nothing)."""
    after, found = worlds(lab), []
    for key, snap in before.items():
        for part in ("containers", "pods", "volumes", "images"):
            new = set(getattr(after[key], part)) - set(getattr(snap, part))
            found += [f"{key} {part}: {item}" for item in sorted(new)]
    bound = lab.bind(lifecycle.variables(lab))
    found += [f"network {n}" for n in set(bound.cleanup.networks) & set(after["root"].networks)]
    found += [f"tags of {r}: {pushed.tags(r)}" for r in bound.cleanup.repositories if pushed.tags(r)]
    found += [f"logged in to {r}" for r in bound.cleanup.logout
              if Probe(lab.rootless).run("login", "--get-login", r).ok]
    if state.load(sandbox.dir, lab.name) is not None:
        found.append("the lab's snapshot file")
    found += [f"port lease {port}" for port in ports.leases(sandbox.id)]
    found += [line for line in report.lines if line.startswith("could not")]
    return found


def journey(name: str) -> dict:
    sandbox = session.adopt(Sandbox.create(kind="test").activate())
    lab, got = loader.get(name), {"lab": name}
    before = worlds(lab)
    try:
        sheet = lifecycle.start(name)
    except LabError as exc:
        if getattr(lab, "systemd_host", False) and SYSTEMD_HOST_DOWN in str(exc):
            return {**got, "skip": f"{name} needs the kit's systemd host, which cannot run here: {exc}"}
        raise
    if isinstance(sheet, Skipped):  # an ordinary user: the lab needs root and says so in one line
        graded = lifecycle.grade(name)
        assert isinstance(graded, Skipped) and not graded.passed, graded
        assert sheet.line.startswith("skipped: ") and "\n" not in sheet.line, sheet.line
        got["leftovers"] = leftovers(lab, before, sandbox, lifecycle.finish(name))
        assert not got["leftovers"], got["leftovers"]
        return {**got, "skip": f"needs root, checked that start and grade say so in one line: {sheet.line}"}
    got["task_unbound"] = "{" in sheet.lab.task.replace("{{", "")
    got["fresh"] = rows(lifecycle.grade(name))
    lifecycle.perform(name, "wrong")
    got["wrong"] = rows(lifecycle.grade(name))
    got["reset"] = bool(lifecycle.start(name).reset)
    got["after_reset"] = rows(lifecycle.grade(name))
    lifecycle.perform(name, "solution")
    got["solution"] = rows(lifecycle.grade(name))
    got["leftovers"] = leftovers(lab, before, sandbox, lifecycle.finish(name))
    return got


def main(name: str) -> int:
    try:
        print(json.dumps(journey(name)))
        return 0
    except Exception:  # the test shows it: what failed, and where
        print(json.dumps({"lab": name, "error": traceback.format_exc()}))
        return 1
    finally:
        try:
            lifecycle.finish(name)  # the push registry and logins are shared: never leave them
        except Exception:  # noqa: BLE001 - best effort; the sandbox goes at exit anyway
            pass


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
