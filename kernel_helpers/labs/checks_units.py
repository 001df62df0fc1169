"""Check kinds for systemd units, asked inside the kit's systemd host.

The systemd host (``kernel_helpers.systemd_host``) is a container of the sandbox's root
world whose PID 1 is systemd; a lab with ``[setup] systemd_host = true`` boots one named
``{SYSTEMD_HOST}``. A user's unit is asked as that user, with the session variable a login
sets (``XDG_RUNTIME_DIR``); a system unit as root. Every command is a ``podman exec``.
"""

from __future__ import annotations

import time

from .. import systemd_host
from ..i18n import N_, _
from .kinds import Outcome, Param, failed, passed, register
from .probe import Probe

HOST_NAME = "lab-systemd-host"  # the systemd host a lab boots ({SYSTEMD_HOST})
UNIT = Param(str, doc="the unit's name, e.g. container-web.service")
USER = Param(str, "", "the user whose unit it is (its ~/.config/systemd/user); empty: a system unit")
HOST = Param(str, HOST_NAME, "the systemd host's container")


def unit_folder(user: str) -> str:
    return f"/home/{user}/.config/systemd/user" if user else "/etc/systemd/system"


def _inside(probe: Probe, host: str, argv: list[str], user: str = "", cwd: str = ""):
    """Run ARGV in the systemd host HOST (as USER, with a login's session variables)."""
    exec_argv = systemd_host.SystemdHost(host, {}).exec_argv(argv, user or None, cwd or None)
    root = probe if not probe.rootless else Probe(False)  # the host is a root container
    return root.run(*exec_argv[1:])


def _host_down(probe: Probe, host: str) -> Outcome | None:
    root = probe if not probe.rootless else Probe(False)
    info = root.container(host)
    if info is None:
        return failed(_("there is no systemd host {host} (%lab start boots it)").format(host=host))
    state = (info.get("State") or {}).get("Status")
    return None if state == "running" else failed(_("the systemd host {host} is {state}").format(
        host=host, state=state))


def _systemctl(probe: Probe, host: str, user: str, *args: str):
    return _inside(probe, host, ["systemctl", *(["--user"] if user else []), *args], user)


def _last(result) -> str:
    text = result.stdout.strip() or result.stderr.strip() or \
        _("exit status {code}").format(code=result.returncode)
    return text.splitlines()[-1][:160]


def _who(user: str) -> str:
    return _("{user}'s").format(user=user) if user else _("the system's")


@register("unit_verify", lambda p: _("{who} unit {unit} passes systemd-analyze verify").format(
          who=_who(p["user"]), unit=p["unit"]),
          N_("The unit file UNIT, in USER's ~/.config/systemd/user (or /etc/systemd/system), "
             "exists and systemd-analyze verify finds no problem in it (in the systemd host HOST)."),
          unit=UNIT, user=USER, host=HOST)
def unit_verify(probe: Probe, unit: str, user: str = "", host: str = HOST_NAME) -> Outcome:
    problem = _host_down(probe, host)
    if problem:
        return problem
    folder = unit_folder(user)
    if not _inside(probe, host, ["test", "-f", f"{folder}/{unit}"], user).ok:
        return failed(_("there is no {path} in {host}").format(path=f"{folder}/{unit}", host=host))
    args = ["systemd-analyze", *(["--user"] if user else []), "verify", "--man=no", unit]
    result = _inside(probe, host, args, user, cwd=folder)
    complaints = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    if result.ok and not complaints:
        return passed(_("systemd-analyze verify finds no problem in {unit}").format(unit=unit))
    return failed(_("systemd-analyze verify: {error}").format(
        error=complaints[0][:160] if complaints else _last(result)))


@register("unit_enabled", lambda p: _("{who} unit {unit} is enabled").format(
          who=_who(p["user"]), unit=p["unit"]),
          N_("systemctl [--user] is-enabled UNIT says enabled (in the systemd host HOST): the unit "
             "starts with its user's service manager, or at boot."),
          unit=UNIT, user=USER, host=HOST)
def unit_enabled(probe: Probe, unit: str, user: str = "", host: str = HOST_NAME) -> Outcome:
    problem = _host_down(probe, host)
    if problem:
        return problem
    result = _systemctl(probe, host, user, "is-enabled", unit)
    state = _last(result)
    if result.ok and state == "enabled":
        return passed(_("{unit} is enabled").format(unit=unit))
    return failed(_("{unit} is {state}, not enabled").format(unit=unit, state=state))


@register("unit_active", lambda p: _("{who} unit {unit} is active").format(
          who=_who(p["user"]), unit=p["unit"]),
          N_("systemctl [--user] is-active UNIT says active (in the systemd host HOST); while it "
             "is activating, or the host is booting, waits up to WAIT seconds."),
          unit=UNIT, user=USER, host=HOST,
          wait=Param(int, 30, "seconds to wait while the unit or the host is still starting"))
def unit_active(probe: Probe, unit: str, user: str = "", host: str = HOST_NAME, wait: int = 30) -> Outcome:
    problem = _host_down(probe, host)
    if problem:
        return problem
    deadline = time.monotonic() + wait
    while True:
        result = _systemctl(probe, host, user, "is-active", unit)
        state = _last(result)
        if result.ok and state == "active":
            return passed(_("{unit} is active").format(unit=unit))
        starting = state in ("activating", "reloading") or not result.stdout.strip()
        if not starting or time.monotonic() > deadline:
            return failed(_("{unit} is {state}, not active").format(unit=unit, state=state))
        time.sleep(1)


@register("linger", N_("user {user} lingers (its services run without a login)"),
          N_("loginctl show-user USER says Linger=yes (in the systemd host HOST): systemd starts "
             "the user's service manager at boot, and keeps it when nobody is logged in."),
          user=Param(str, doc="the user, e.g. webadmin"), host=HOST)
def linger(probe: Probe, user: str, host: str = HOST_NAME) -> Outcome:
    problem = _host_down(probe, host)
    if problem:
        return problem
    result = _inside(probe, host, ["loginctl", "show-user", user, "--property=Linger"])
    value = result.stdout.strip()
    if value == "Linger=yes":
        return passed(_("{user} lingers").format(user=user))
    if not result.ok and "not logged in" in result.stderr.lower():
        return failed(_("{user} does not linger (and is not logged in)").format(user=user))
    return failed(_("{user} does not linger ({why})").format(user=user, why=value or _last(result)))
