"""start, grade and finish one lab in this kernel's sandbox; run a lab's steps.

- ``start(NAME)``: ``finish`` first (starting again resets), lease the lab's host ports,
  record a snapshot of the world(s) it uses, then the set-up (pulls and steps).
- ``grade(NAME)``: run every check, read-only; a ``GradeResult``, recorded (``records``).
- ``finish(NAME)``: remove what came after the snapshot and the names the lab declares,
  delete its repositories on the push endpoint, log out, give back its ports and those the
  learner's ``-p`` leased since start.

A rootless lab's world is the course user's (``%podman --rootless``); the sandbox's own
(root) world is snapshotted too, so what a learner made there by mistake goes at finish.
"""

from __future__ import annotations

import subprocess

from .. import commands, endpoints, ports, privilege, rootless, systemd_host
from ..errors import KitError, PortBusy
from ..i18n import _
from ..session import kernel_sandbox
from . import hostside, loader, pushed, records, state
from .checks_units import HOST_NAME
from .format import Lab, LabError, Step
from .kinds import REGISTRY, failed
from .probe import Probe, ProbeError
from .texts import localized
from .views import FinishReport, GradeResult, LabSheet, Row, Skipped

STEP_TIMEOUT = 300.0  # seconds for one step of a set-up, solution or wrong attempt
OUTPUT_CAP = 4000  # characters of a shell step's output kept


def variables(lab: Lab, saved: state.Saved | None = None, lease: bool = False,
              preferred: dict | None = None) -> dict:
    """The values of a lab's ``{VARIABLE}``s in this kernel's sandbox.

    Ports: those recorded at start, else (LEASE) the preferred port (a notebook's own
    parameter of the same name, e.g. ``WEB_PORT``) or the default one when it is free for
    this sandbox, or a port of the pool; else the defaults.
    """
    sandbox = kernel_sandbox()
    values = {"SANDBOX": sandbox.id, "PULL": endpoints.pull_host(), "PUSH": endpoints.push_host(),
              "COURSE_USER": endpoints.COURSE_USER, "COURSE_PASSWORD": endpoints.COURSE_PASSWORD,
              "FILES": str(hostside.folder(lab)), "SYSTEMD_HOST": HOST_NAME}
    for key, default in lab.ports:
        if saved and key in saved.variables:
            values[key] = int(saved.variables[key])
        elif lease:
            try:
                values[key] = sandbox.claim_port(_port(preferred, key, default))
            except PortBusy:
                values[key] = sandbox.lease_ports(1)[0]
        else:
            values[key] = default
    return values


def _port(preferred: dict | None, key: str, default: int) -> int:
    """PREFERRED[KEY] when it is a port number (a notebook's parameter), else DEFAULT."""
    value = (preferred or {}).get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536 \
        else default


def _worlds(lab: Lab) -> dict[str, Probe]:
    worlds = {"root": Probe(False)}
    if lab.rootless:
        worlds["rootless"] = Probe(True)
    return worlds


def run_step(lab: Lab, step: Step) -> tuple[bool, str]:
    """Run one (bound) step as the learner would: (it succeeded, its output as text)."""
    if step.tool == "shell":
        sandbox = kernel_sandbox()
        prefix, env = [], sandbox.full_env()
        if lab.rootless:
            world = rootless.world_for(sandbox.id)
            prefix, env = world.prefix(), world.env()
        try:
            proc = subprocess.run([*prefix, "bash", "-c", step.line], env=env, capture_output=True,
                                  text=True, timeout=STEP_TIMEOUT, stdin=subprocess.DEVNULL)
        except (subprocess.TimeoutExpired, OSError) as exc:
            return False, f"$ {step.line}\n{exc}"
        return proc.returncode == 0, f"$ {step.line}\n{(proc.stdout + proc.stderr)[-OUTPUT_CAP:]}"
    result = commands.run_line(step.tool, step.line, step.input, default_timeout=STEP_TIMEOUT)
    return result.ok, result.to_text()


def perform(name: str, which: str = "solution") -> list[tuple[bool, str]]:
    """Run a started lab's ``solution`` or ``wrong`` attempt (tests, teachers): each step's
    (success, text). A solution step that fails raises LabError; a wrong attempt may fail."""
    lab = loader.get(name)
    saved = state.load(kernel_sandbox().dir, name)
    bound = lab.bind(variables(lab, saved))
    steps = bound.solution if which == "solution" else bound.wrong_steps
    done = []
    for i, step in enumerate(steps):
        ok, text = run_step(bound, step)
        done.append((ok, text))
        if not ok and which == "solution":
            raise LabError(f"lab {name}: solution step {i + 1} ({step.shown()}) failed: "
                           f"{(text.strip().splitlines() or ['?'])[-1]}")
    return done


def start(name: str, preferred: dict | None = None) -> LabSheet | Skipped:
    """Reset the lab, record the sandbox as it is, then prepare the exercise.

    PREFERRED: the notebook's variables; a lab port named like one of them (``WEB_PORT``)
    takes its value when that port is free for this sandbox, so the notebook's cells and
    the lab use one port. A port this sandbox held before start stays its own at finish.
    """
    lab = localized(loader.get(name))
    refused = needs_root(lab)
    if refused:
        return refused
    sandbox = kernel_sandbox()
    reset = finish(name).lines
    held = set(ports.leases(sandbox.id))
    values = variables(lab, lease=True, preferred=preferred)
    bound = lab.bind(values)
    try:
        snapshots = {key: state.Snapshot.take(probe) for key, probe in _worlds(lab).items()}
    except ProbeError as exc:
        raise LabError(_("lab {lab}: cannot read the sandbox: {error}").format(lab=name, error=exc)) from None
    leased = [values[key] for key, _ in lab.ports if values[key] not in held]
    state.save(sandbox.dir, state.Saved(name, {k: values[k] for k, _ in lab.ports}, leased, snapshots,
                                        sorted(held)))  # ports held before start stay the sandbox's
    flag = "--rootless " if lab.rootless else ""
    setup = [Step("podman", f"{flag}pull -q {image}") for image in bound.setup_pull]
    hostside.prepare(bound)
    booted = [hostside.boot_systemd_host(HOST_NAME)] if bound.systemd_host else []
    for step in setup + list(bound.setup_steps):
        ok, text = run_step(bound, step)
        if not ok:
            raise LabError(_("lab {lab}: set-up step {step} failed: {last} "
                             "(try %lab start {lab} again)").format(
                lab=name, step=step.shown(), last=(text.strip().splitlines() or ["?"])[-1]))
    return LabSheet(bound, booted + [s.shown() for s in setup + list(bound.setup_steps)], reset)


def needs_root(lab: Lab) -> Skipped | None:
    """The one line a lab shows when this mode cannot give it what it needs (the systemd
    host is root-only: ``privilege``), else None."""
    refused = privilege.refusal("lab-systemd-host") if lab.systemd_host else None
    if not refused:
        return None
    line = refused + _(" (lab {lab} needs root)").format(lab=lab.name)
    systemd_host.mark_skipped(HOST_NAME, line)
    return Skipped(line)


def grade(name: str) -> GradeResult | Skipped:
    """Check the lab's state, read-only: one row per check."""
    english = loader.get(name)
    lab = localized(english)
    refused = needs_root(lab)
    if refused:
        return refused
    saved = state.load(kernel_sandbox().dir, name)
    values = variables(lab, saved)
    bound = lab.bind(values)
    probe = Probe(lab.rootless)
    if saved is not None:
        probe.since = state.started_at(kernel_sandbox().dir, name)
    rows = []
    for check in bound.checks:
        kind = REGISTRY[check.kind]
        try:
            outcome = kind.function(probe, **check.params)
        except (KitError, OSError, ValueError, KeyError, TypeError) as exc:
            outcome = failed(_("the check could not run: {error}").format(error=exc))
        rows.append(Row(check.id, check.describe(), outcome.passed, outcome.reason,
                        "" if outcome.passed else check.hint))
    result = GradeResult(bound.name, english.bind(values).title, rows, started=saved is not None)
    result.note = records.save(result)  # never raises; "" unless recording went wrong
    return result


def finish(name: str) -> FinishReport:
    """Remove everything the lab and the learner made since start, and the lab's names."""
    lab = loader.get(name)
    sandbox = kernel_sandbox()
    saved = state.load(sandbox.dir, name)
    bound = lab.bind(variables(lab, saved))
    lines: list[str] = []
    declared = {"containers": bound.cleanup.containers, "images": bound.cleanup.images,
                "volumes": bound.cleanup.volumes, "networks": bound.cleanup.networks}
    for key, probe in _worlds(lab).items():
        lab_world = (key == "rootless") == lab.rootless
        before = saved.snapshots.get(key) if saved else None
        lines += state.clear(probe, before, declared if lab_world else {})
    for repository in bound.cleanup.repositories:
        try:
            lines += pushed.delete_repository(repository)
        except KitError as exc:
            lines.append(_("could not clean {repository}: {error}").format(repository=repository, error=exc))
    lines += hostside.remove(bound, bound.cleanup.paths)
    if bound.systemd_host:
        hostside.forget_systemd_host(HOST_NAME)
    probe = Probe(lab.rootless)
    for registry in bound.cleanup.logout:
        if probe.run("logout", registry).ok:
            lines.append(_("logged out of {registry}").format(registry=registry))
    # the lab's ports, and those the learner's -p leased since start (its containers are gone)
    for port in sorted(set(ports.leases(sandbox.id)) - set(saved.held)) if saved else []:
        ports.release(port, sandbox.id)
    state.forget(sandbox.dir, name)
    return FinishReport(name, lines)
