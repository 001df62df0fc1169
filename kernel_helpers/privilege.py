"""Who runs the kit, and what each root-only step of the course does about it.

The kit runs in one of two modes:

- *root mode*: the kernel is root; root containers are the sandbox and the rootless
  lessons borrow the kit-made course user (``rootless_account``; its worlds, ``rootless``,
  through ``runuser``);
- *user mode*: the kernel is an ordinary user (a learner's laptop, a classroom
  account). Its sandbox is that user's rootless podman, and the rootless lessons
  simply run as the learner: no second account, no ``runuser``.

Some steps of the course need root. For each one ``decide`` says how it runs here:

- ``root``: we are root;
- ``sudo``: through ``sudo -n`` (the learner has password-less sudo);
- ``rootless-equivalent``: a rootless step that teaches the same point;
- ``skip``: not run, with a one-line reason the cell prints (``refusal``).

A leaf module: it imports only ``process``, ``errors`` and ``i18n``. The steps' texts are
translated when a decision is made; the ``skipped:`` marker itself stays English.

Usage:
    privilege.user_mode()                         # False when running as root
    privilege.decide("systemd-host").how          # "root" | "sudo" | ... | "skip"
    reason = privilege.refusal("systemd-host")    # None, or "skipped: ..." (one line)
    for d in privilege.decisions(): print(d.lesson, d.step, d.how, d.reason)
"""

from __future__ import annotations

import functools
import os
import pwd
import shutil
from dataclasses import dataclass

from . import process
from .errors import KitError
from .i18n import N_, _

ROOT, SUDO, EQUIVALENT, SKIP = "root", "sudo", "rootless-equivalent", "skip"
SUDO_TIMEOUT = 5.0  # seconds for `sudo -n true`
DOCTOR_HINT = N_("see the doctor")


@dataclass(frozen=True)
class Step:
    """A root-only step: where the course uses it, and what user mode can do instead."""

    name: str
    lesson: str
    what: str
    equivalent: str = ""  # the rootless step that teaches the same point ("" if none)
    sudo_ok: bool = False  # whether the kit has a `sudo -n` way to run it (none has one yet)
    skip_why: str = ""  # why it cannot run without root


# Rootless systemd host, measured on the kit's reference host (cgroups v1 hybrid, podman 4.3.1,
# runc): `podman run --systemd=always --privileged` (cgroupns private or host) of the systemd
# host image as an ordinary user exits 255 at once, systemd saying "Failed to create
# /init.scope control group: Permission denied"; `--cgroups=disabled` is refused by runc
# ("not compatible with NoCgroups") and crun refuses hybrid cgroups. So its steps are skipped.
STEPS: tuple[Step, ...] = (
    Step("root-containers", "01-06", N_("containers of the kernel's sandbox run as root"),
         equivalent=N_("the sandbox is your own rootless podman")),
    Step("course-user", "04-06", N_("the kit's rootless course user (useradd, /etc/subuid)"),
         equivalent=N_("the rootless lessons run as you, no second account")),
    Step("tun-device", "04-06", N_("/dev/net/tun opened to users (chmod 0666), for slirp4netns"),
         equivalent=N_("slirp4netns opens it in your own user namespace")),
    Step("packet-filters", "04", N_("reading the host's packet filters (nft, iptables NAT rules)"),
         skip_why=N_("only root reads the host's packet filters; rootless -p uses no NAT rule "
                  "(rootlessport forwards)")),
    Step("root-container-facts", "05", N_("a root container's namespaces, host PIDs, veth and bridge"),
         # short: with the doctor's "; you are USER without root (...)" it fits pandas' 200 columns
         skip_why=N_("rootless containers have their own user namespace and a tap0, not veth and "
                  "bridge: root's facts do not hold")),
    Step("privileged-port", "04", N_("root publishes port 80; the rootless user is refused"),
         equivalent=N_("your rootless -p 80 is refused; root's side is described, not run")),
    Step("systemd-host", "07", N_("the privileged systemd host (root units, user units)"),
         skip_why=N_("the systemd host is a privileged container that needs root")),
    Step("lab-systemd-host", "labs 07-root-unit, 07-user-unit", N_("labs that boot the systemd host"),
         skip_why=N_("these labs boot the privileged systemd host")),
)
BY_NAME = {step.name: step for step in STEPS}


@dataclass(frozen=True)
class Decision:
    step: str
    lesson: str
    what: str
    how: str  # ROOT | SUDO | EQUIVALENT | SKIP
    reason: str


def is_root() -> bool:
    return os.geteuid() == 0


def user_mode() -> bool:
    """True when the kit runs as an ordinary user (the kernel is not root)."""
    return not is_root()


def user_name() -> str:
    """The name of the user the kit runs as (its uid, if it has no name)."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


@functools.cache
def sudo_works() -> bool:
    """Whether ``sudo -n true`` works (no sudo installed: False). Asked once per process."""
    if is_root() or shutil.which("sudo") is None:
        return False
    try:
        return process.run(["sudo", "-n", "true"], timeout=SUDO_TIMEOUT).ok
    except (KitError, OSError):
        return False


def _without_root(step: Step) -> str:
    sudo = _("sudo is not installed") if shutil.which("sudo") is None else _("no password-less sudo -n")
    return _("{why}; you are {user} without root ({sudo}; {doctor})").format(
        why=_(step.skip_why), user=user_name(), sudo=sudo, doctor=_(DOCTOR_HINT))


def decide(name: str, sudo: bool | None = None) -> Decision:
    """How step NAME runs here. SUDO overrides the ``sudo -n`` probe (tests)."""
    step = BY_NAME[name]
    what = _(step.what)
    if is_root():
        return Decision(step.name, step.lesson, what, ROOT, _("you are root"))
    if step.sudo_ok and (sudo_works() if sudo is None else sudo):
        return Decision(step.name, step.lesson, what, SUDO, _("through sudo -n"))
    if step.equivalent:
        return Decision(step.name, step.lesson, what, EQUIVALENT, _(step.equivalent))
    return Decision(step.name, step.lesson, what, SKIP, _without_root(step))


def decisions(sudo: bool | None = None) -> list[Decision]:
    return [decide(step.name, sudo) for step in STEPS]


def refusal(name: str, sudo: bool | None = None) -> str | None:
    """``skipped: <reason>`` when step NAME cannot run here, else None (it runs somehow)."""
    decision = decide(name, sudo)
    return f"skipped: {decision.reason}" if decision.how == SKIP else None


def table(sudo: bool | None = None) -> str:
    """The decisions as a text table: lesson, step, how, why."""
    rows = [("LESSON", "STEP", "HOW", "WHY")] + [
        (d.lesson, d.step, d.how, d.reason) for d in decisions(sudo)]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}".rstrip()
                     for r in rows)
