"""A read-only look at this kernel's podman world, for the checks and the snapshots.

Every command goes through ``commands.run_args`` (what ``%podman`` runs), as root in the
kernel's sandbox or, for a rootless lab, as the course user in the sandbox's rootless
world. Answers are cached for the life of one ``Probe`` (one grade, one snapshot), so
ten checks on one container inspect it once.
"""

from __future__ import annotations

import json

from .. import commands, rootless_account
from ..errors import KitError
from ..i18n import _
from ..results import CommandResult

TIMEOUT = 60.0  # seconds for one quick podman command (inspect, ps, images)


class ProbeError(KitError):
    """A podman command the grader needs did not answer (one line: the command and why)."""


def full_name(image: str) -> str:
    """IMAGE with ``:latest`` added when it has neither tag nor digest (as podman names it)."""
    last = image.rsplit("/", 1)[-1]
    return image if ":" in last or "@" in image else f"{image}:latest"


class Probe:
    """Reads one world: the sandbox's (root) or its rootless world (``rootless=True``)."""

    def __init__(self, rootless_user: bool = False):
        self.rootless = rootless_user
        self.since = 0.0  # when the lab started (Unix time): events before it are not the learner's
        self._cache: dict[tuple, object] = {}

    @property
    def where(self) -> str:
        """Where the containers are, for reasons: 'this sandbox' or the rootless user's world."""
        if self.rootless:
            return _("{user}'s rootless world").format(user=rootless_account.user_name())
        return _("this sandbox")

    @property
    def flag(self) -> str:
        """What the learner types after %podman to reach this world ('--rootless ' or '')."""
        return "--rootless " if self.rootless else ""

    def forget(self) -> None:
        """Drop the cached answers (after a change, e.g. at finish)."""
        self._cache.clear()

    def run(self, *args: str, tool: str = "podman", timeout: float = TIMEOUT) -> CommandResult:
        return commands.run_args(tool, list(args), rootless_user=self.rootless and tool == "podman",
                                 timeout=timeout, table=False, record=False)

    def json(self, *args: str) -> object:
        """The JSON podman prints for ARGS (cached); ProbeError if it fails."""
        key = ("json", *args)
        if key not in self._cache:
            result = self.run(*args)
            if not result.ok:
                last = (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
                raise ProbeError(f"{result.command_line}: {last}")
            try:
                self._cache[key] = json.loads(result.stdout or "null")
            except ValueError:
                raise ProbeError(f"{result.command_line}: did not print JSON") from None
        return self._cache[key]

    # -- containers ------------------------------------------------------------------
    def containers(self) -> list[dict]:
        """``podman ps -a`` as JSON (every container, running or not)."""
        return self.json("ps", "-a", "--format", "json") or []

    def container_id(self, name: str) -> str | None:
        for entry in self.containers():
            if name in (entry.get("Names") or []) or entry.get("Id") == name:
                return entry["Id"]
        return None

    def container(self, name: str) -> dict | None:
        """``podman container inspect`` of the container NAME, or None if there is none."""
        cid = self.container_id(name)
        if cid is None:
            return None
        found = self.json("container", "inspect", cid, "--format", "json")
        return found[0] if found else None

    def missing(self, name: str) -> str:
        """The reason for a container that is not there (a hint at --rootless when it matters)."""
        if self.rootless:
            return _("there is no container named {name} in {where} (did you type %podman --rootless "
                     "...?)").format(name=name, where=self.where)
        return _("there is no container named {name} in {where}").format(name=name, where=self.where)

    # -- images ----------------------------------------------------------------------
    def images(self) -> list[dict]:
        """``podman images`` as JSON: one entry per image and store (read-only or not)."""
        return self.json("images", "--format", "json") or []

    def image_id(self, name: str) -> str | None:
        """The ID of the image called NAME (exactly; ``:latest`` when no tag), or None."""
        wanted = full_name(name)
        for entry in self.images():
            if wanted in (entry.get("Names") or []):
                return entry["Id"]
        return None
