"""What a lab keeps beside podman's own state: its host folder and its systemd host.

- ``{FILES}``: a host folder for the learner's own directories (``-v {FILES}/x:/y``). A
  rootless lab's is the course user's folder of the sandbox's rootless world (the user
  makes directories there, with ``podman unshare`` when a container's user must own
  them); a root lab's is ``files/`` in the sandbox's folder. Both go with the sandbox.
- ``[cleanup] paths``: folders under ``{FILES}`` that ``finish`` removes, with what they
  hold (a rootless lab's through ``podman unshare rm -rf``: its files belong to uids of
  the user's namespace).
- ``[setup] systemd_host = true``: ``start`` boots the kit's systemd host
  (``kernel_helpers.systemd_host``) as a container of the sandbox's root world; ``finish``
  removes it with what it made (it is new since the snapshot) and its registries file.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .. import rootless
from ..errors import KitError
from ..i18n import _
from ..session import kernel_sandbox
from .format import Lab, LabError
from .probe import Probe


def folder(lab: Lab) -> Path:
    """The lab's ``{FILES}``: the course user's folder (a rootless lab) or the sandbox's."""
    sandbox = kernel_sandbox()
    if lab.rootless:
        try:
            return rootless.world_for(sandbox.id, create=False).files
        except KitError:  # no rootless podman here: the lab's checks say so
            pass
    return sandbox.dir / "files"


def prepare(lab: Lab) -> None:
    """Make a root lab's ``{FILES}`` (a rootless world makes its own)."""
    if not lab.rootless:
        folder(lab).mkdir(exist_ok=True)


def _inside(path: str, base: Path) -> bool:
    normal = os.path.normpath(path)
    return normal != str(base) and normal.startswith(str(base) + os.sep)


def remove(lab: Lab, paths: tuple[str, ...]) -> list[str]:
    """Remove the (bound) PATHS, each under the lab's ``{FILES}``: one line per path removed."""
    base, lines = folder(lab), []
    for path in paths:
        if not _inside(path, base):
            lines.append(_("could not remove {path}: it is not under {base}").format(path=path, base=base))
            continue
        if not os.path.lexists(path):
            continue
        if lab.rootless:
            result = Probe(True).run("unshare", "rm", "-rf", "--", os.path.normpath(path))
            ok, why = result.ok, (result.stderr.strip().splitlines() or ["?"])[-1]
        else:
            try:
                shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.unlink(path)
                ok, why = True, ""
            except OSError as exc:
                ok, why = False, exc.strerror or str(exc)
        # a path: its own messages (Chinese spaces a path, not a "container web" phrase)
        lines.append(_("removed {path}").format(path=path) if ok
                     else _("could not remove {path}: {error}").format(path=path, error=why))
    return lines


def boot_systemd_host(name: str) -> str:
    """Boot the kit's systemd host NAME in the kernel's sandbox; the line the task sheet shows."""
    from ..systemd_host import SystemdHost
    try:
        host = SystemdHost.start(name=name)
    except KitError as exc:
        raise LabError(f"the systemd host did not start: {exc}") from None
    return f"booted the systemd host {name} in {host.boot_seconds:.0f} s (systemd as PID 1, podman inside)"


def forget_systemd_host(name: str) -> None:
    """Remove the registries file the systemd host NAME was started with."""
    conf = kernel_sandbox().full_env().get("CONTAINERS_REGISTRIES_CONF", "")
    if conf:
        Path(conf.rsplit("/", 1)[0], f"{name}-registries.conf").unlink(missing_ok=True)
