"""The doctor: what this host has, what works, and which workarounds the kit applies.

Each check is one row: what was found, and the fix the kit applied (kept in the
kit-owned ``containers.conf``) or the one the user must apply. Decisions (runtime,
ulimits) are saved in ``paths.doctor_report()`` and used by every sandbox.

Usage:
    python -m kernel_helpers doctor [--json]
    from kernel_helpers import doctor; doctor.run().frame()
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import resource
import shutil
import tarfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import engine, paths, privilege, process, replay
from .errors import KitError, ToolMissing
from .i18n import N_, _

PROBE_IMAGE = "localhost/course-doctor-probe:latest"
APT_HINT = "apt-get install podman skopeo buildah runc uidmap slirp4netns"


@dataclass
class Check:
    name: str
    status: str  # ok | fixed | warn | fail | info; a user mode step: root | sudo | rootless-equivalent | skip
    finding: str
    fix: str = ""


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    decisions: dict = field(default_factory=dict)
    when: str = ""

    def add(self, *args, **kwargs) -> Check:
        self.checks.append(Check(*args, **kwargs))
        return self.checks[-1]

    @property
    def healthy(self) -> bool:
        return not any(c.status == "fail" for c in self.checks)

    def frame(self):
        import pandas as pd
        rows = [{**asdict(c), "name": shown_name(c.name)} for c in self.checks]
        return pd.DataFrame(rows).rename(columns=lambda c: _(c.capitalize()))

    def text(self) -> str:
        rows = [(_("CHECK"), _("STATUS"), _("FINDING"), _("FIX"))] + [
            (shown_name(c.name), c.status, c.finding, c.fix) for c in self.checks]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        return "\n".join(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}".rstrip()
                         for r in rows)


#: The rows' names, kept in English in the report (notebooks and doctor.json key on them)
#: and translated where the table is shown.
NAMES = (N_("podman"), N_("skopeo"), N_("container can start"), N_("default ulimits"), N_("cgroups"),
         N_("SELinux"), N_("free disk"), N_("rootless user"), N_("user mode"), N_("classroom"),
         N_("course mode"))
_COLUMNS = (N_("Name"), N_("Status"), N_("Finding"), N_("Fix"))


def shown_name(name: str) -> str:
    """A row's name in the learner's language (``runtime X`` and ``step X (L)`` too)."""
    if name.startswith("runtime "):
        return _("runtime {runtime}").format(runtime=name.split(" ", 1)[1])
    if name.startswith("step ") and name.endswith(")") and " (" in name:
        step, lesson = name[len("step "):-1].split(" (", 1)
        return _("step {step} ({lesson})").format(step=step, lesson=lesson)
    return _(name)


def _cmd(argv: list[str], env: dict | None = None, timeout: float = 60,
         stdin: bytes | None = None) -> process.Completed:
    """A probe: a missing program is a failed check (exit 127), not an error."""
    try:
        return process.run(argv, env=env, timeout=timeout, stdin=stdin)
    except ToolMissing:
        return process.Completed(argv, 127, "", f"{argv[0]}: not found")


def _last_line(text: str) -> str:
    lines = [x for x in text.strip().splitlines() if x.strip()]
    return lines[-1][:110] if lines else ""


def _why(done: process.Completed) -> str:
    """The reason a probe failed, in a few words."""
    if done.timed_out:
        return _("timed out after {seconds} s").format(seconds=f"{done.timeout:g}")
    return _last_line(done.stderr)


def probe_world() -> engine.World:
    base = paths.state_dir() / "doctor"
    return engine.World(conf_dir=base / "conf", graphroot=base / "storage",
                        runroot=paths.runtime_dir() / "doctor" / "run",
                        tmp_dir=paths.runtime_dir() / "doctor" / "tmp")


def _probe_tar() -> bytes:
    """A one-binary rootfs: the host's static busybox, enough to start a container."""
    busybox = shutil.which("busybox") or "/bin/busybox"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        tar.add(busybox, arcname="bin/busybox")
        for name in ("sh", "true", "cat"):
            link = tarfile.TarInfo(f"bin/{name}")
            link.type, link.linkname = tarfile.SYMTYPE, "busybox"
            tar.addfile(link)
    return buf.getvalue()


def ulimit_candidates() -> list[list[str]]:
    """Explicit ulimits to try, within this process's hard limits, largest first."""
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nofile = 65536 if nofile == resource.RLIM_INFINITY else min(nofile, 65536)
    return [[f"nofile={nofile}:{nofile}", "nproc=4096:4096"], ["nofile=1024:1024", "nproc=1024:1024"]]


def _try_start(world: engine.World, decisions: dict) -> process.Completed:
    (world.conf_dir / "containers.conf").write_text(
        engine.containers_conf_text(decisions, world.tmp_dir))
    return _cmd(["podman", "run", "--rm", "--net=none", PROBE_IMAGE, "true"], world.full_env())


def _find_working(world: engine.World, runtimes: list[str]) -> tuple[dict | None, list[str]]:
    """The smallest set of workarounds with which a container starts, and what failed."""
    failures = []
    for runtime in [None, *runtimes]:
        for ulimits in [None, *ulimit_candidates()]:
            decisions = {k: v for k, v in (("runtime", runtime), ("ulimits", ulimits)) if v}
            done = _try_start(world, decisions)
            if done.ok:
                return decisions, failures
            failures.append(f"{decisions or 'podman defaults'}: {_why(done)}")
    return None, failures


def check_engine(report: Report) -> None:
    version = _cmd(["podman", "version", "--format", "{{.Client.Version}}"])
    if not version.ok:
        report.add("podman", "fail", _("not installed"), APT_HINT)
        return
    report.add("podman", "ok", f"podman {version.stdout.strip()}")
    skopeo = _cmd(["skopeo", "--version"])
    report.add("skopeo", "ok" if skopeo.ok else "fail",
               skopeo.stdout.strip() or _("not installed"), "" if skopeo.ok else APT_HINT)
    world = probe_world()
    world.write(registries_text=engine.KIT_HEADER)
    if not _cmd(["podman", "image", "exists", PROBE_IMAGE], world.full_env()).ok:
        imported = _cmd(["podman", "import", "-", PROBE_IMAGE], world.full_env(), timeout=120,
                        stdin=_probe_tar())
        if not imported.ok:
            report.add("container can start", "fail", _("could not import the probe image: {why}").format(
                why=_why(imported)), _("install busybox-static"))
            return
    runtimes = [r for r in ("crun", "runc") if shutil.which(r)]
    decisions, failures = _find_working(world, runtimes)
    if decisions is None:
        report.add("container can start", "fail", "; ".join(failures[-2:]),
                   _("see podman's message; 'apt-get install runc' often helps"))
        return
    report.decisions.update(decisions)
    workaround = ", ".join(f"{k}={' '.join(v) if isinstance(v, list) else v}"
                           for k, v in decisions.items())
    report.add("container can start", "fixed" if decisions else "ok",
               _("yes, with {workaround}").format(workaround=workaround) if decisions
               else _("yes, with podman's defaults"),
               _("kit-owned {conf} sets {workaround}").format(conf=paths.engine_conf(), workaround=workaround)
               if decisions else "")
    chosen = decisions.get("runtime")
    for runtime in runtimes:
        works = _try_start(world, {**decisions, "runtime": runtime})
        report.add(f"runtime {runtime}", "ok" if works.ok else "warn",
                   _("works") if works.ok else _("fails: {why}").format(why=_why(works)),
                   _("the kit uses {runtime}").format(runtime=runtime) if runtime == chosen else "")
    plain = _try_start(world, {k: v for k, v in decisions.items() if k != "ulimits"})
    if plain.ok:
        report.add("default ulimits", "ok", _("permitted"))
    else:
        report.add("default ulimits", "fixed", _("not permitted: {why}").format(why=_why(plain)),
                   _("explicit default_ulimits ({ulimits}) in the kit's containers.conf").format(
                       ulimits=" ".join(decisions.get("ulimits", []))))
    _try_start(world, decisions)


def check_host(report: Report) -> None:
    fstype = _cmd(["stat", "-fc", "%T", "/sys/fs/cgroup"]).stdout.strip()
    if fstype == "cgroup2fs":
        report.add("cgroups", "ok", _("v2 (unified)"))
    else:
        hybrid = Path("/sys/fs/cgroup/unified").is_dir()
        report.add("cgroups", "info",
                   _("v1 (hybrid: v2 mounted at /sys/fs/cgroup/unified)") if hybrid else "v1",
                   _("crun refuses hybrid mode; runc works") if hybrid else "")
    check_rootless(report)
    enforce = Path("/sys/fs/selinux/enforce")
    if enforce.exists():
        state = _("enforcing") if enforce.read_text().strip() == "1" else _("permissive")
        report.add("SELinux", "info", state, _(":Z relabels volumes to container_file_t"))
    else:
        report.add("SELinux", "info", _("off (not in this kernel)"),
                   _(":Z is accepted and does nothing here"))
    usage = shutil.disk_usage(paths.ensure(paths.state_dir()))
    free_gb = usage.free / 2**30
    report.add("free disk", "ok" if free_gb >= 5 else "warn",
               _("{gib} GiB free under {where}").format(gib=f"{free_gb:.1f}", where=paths.state_dir()),
               "" if free_gb >= 5 else _("course images need about 2 GiB; free some space"))


def check_rootless(report: Report) -> None:
    """Rootless lessons: the course user, its subordinate ids, /dev/net/tun (fixed as root)."""
    from . import rootless_account
    if rootless_account.turned_off():
        report.add("rootless user", "info", rootless_account.unavailable_reason(),
                   _("no course user is made; the rootless cells say so"))
        return
    try:
        changes = rootless_account.ensure_user()
    except (KitError, OSError) as exc:
        changes, failure = [], str(exc)
    else:
        failure = None
    reason = failure or rootless_account.unavailable_reason()
    if reason:
        report.add("rootless user", "warn", reason, _("rootless lessons are skipped, with this reason"))
    else:
        report.add("rootless user", "fixed" if changes else "ok",
                   _("{user} (subuids, /dev/net/tun 0666, slirp4netns)").format(
                       user=rootless_account.user_name()),
                   "; ".join(changes))


def check_privilege(report: Report) -> None:
    """User mode only: one row per root-only step, saying which of root, sudo,
    rootless-equivalent or skip it gets here (root mode adds no row: every step runs)."""
    if not privilege.user_mode():
        return
    sudo = _("works") if privilege.sudo_works() else _("not installed") if shutil.which("sudo") is None \
        else _("needs a password")
    report.add("user mode", "info", _("you are {user}, not root; sudo -n: {sudo}").format(
        user=privilege.user_name(), sudo=sudo),
               _("root-only steps below: root, sudo, rootless-equivalent or skip"))
    for d in privilege.decisions():
        report.add(f"step {d.step} ({d.lesson})", d.how, d.what, d.reason)


def check_mode(report: Report) -> None:
    """Live or replay (``replay``): whether the notebooks run podman here or show recordings."""
    cannot = any(c.name == "container can start" and c.status == "fail" for c in report.checks)
    mode, reason = replay.decide(container_fails=cannot)
    if mode == replay.LIVE:
        report.add("course mode", "ok", _("live: {reason}").format(reason=reason))
    else:
        if replay.MODE_ENV in reason:
            fix = _("unset {env} to run the course for real").format(env=replay.MODE_ENV)
        elif cannot:
            fix = _("see the `container can start` row")
        else:
            fix = _("install podman (README: quick start) to run the course for real")
        report.add("course mode", "warn", _("replay: {reason}; the notebooks show recordings of the "
                                            "real podman").format(reason=reason), fix)


def check_classroom(report: Report) -> None:
    from . import classroom
    status = classroom.status()
    shared = _("shared ({owner}'s), ").format(owner=classroom.OWNER) if status.shared else ""
    fix = _("ask your teacher: {owner} runs it").format(owner=classroom.OWNER) if status.shared else \
        "python -m kernel_helpers classroom up"
    report.add("classroom", "ok" if status.running else "warn",
               shared + _("up at {pull} (pull) and {push} (push, login)").format(
                   pull=status.pull_url, push=status.push_url)
               if status.running else "; ".join([shared + _("down"), *status.problems.values()]),
               "" if status.running else fix)


def run() -> Report:
    """Run every check, save the decisions, write the kit's containers.conf."""
    report = Report(when=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    with open(paths.ensure(paths.state_dir()) / "doctor.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        check_engine(report)
        check_mode(report)
        check_host(report)
        check_classroom(report)
        check_privilege(report)
        paths.atomic_write(paths.doctor_report(), json.dumps(asdict(report), indent=2) + "\n")
        paths.atomic_write(paths.engine_conf(), engine.containers_conf_text(report.decisions))
    return report


def main(as_json: bool = False) -> int:
    report = run()
    if as_json:
        print(json.dumps(asdict(report), indent=2))
    else:
        print(report.text())
        print(f"\nkit-owned podman config: {paths.engine_conf()} "
              f"(use it from a shell: export CONTAINERS_CONF={paths.engine_conf()})")
    return 0 if report.healthy else 1


if __name__ == "__main__":
    raise SystemExit(main(os.environ.get("DOCTOR_JSON") == "1"))
