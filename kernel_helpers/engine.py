"""How to call podman and skopeo for one storage world, through environment only.

A *world* is a set of config files selected with the variables podman and skopeo
already honour (``CONTAINERS_CONF``, ``CONTAINERS_STORAGE_CONF``,
``CONTAINERS_REGISTRIES_CONF``, ``REGISTRY_AUTH_FILE``). Because it is only
environment, ``%podman``, ``!podman`` and ``subprocess.run(["podman", ...])`` in
a kernel all land in the same world. The host's own ``/etc/containers`` files
are never written.

Host workarounds (runtime, ulimits) come from the doctor's decisions, stored in
``paths.doctor_report()``; a world without them uses podman's defaults.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .errors import KitError

# Measured with podman 4.3.1: a run root longer than this makes every attached
# `podman run` wait 20 s ("Exceeded conmon timeout waiting for container to exit").
MAX_RUNROOT = 50

KIT_HEADER = (
    "# Written by the podman course kit (kernel_helpers). Kit-owned file:\n"
    "# your own /etc/containers and ~/.config/containers files are not touched.\n"
)


def load_decisions() -> dict:
    """The doctor's last decisions (runtime, ulimits, driver), or {} before any doctor run."""
    try:
        return json.loads(paths.doctor_report().read_text()).get("decisions", {})
    except (OSError, ValueError):
        return {}


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value))


def toml_text(tables: dict[str, dict], header: str = KIT_HEADER) -> str:
    """Render ``{"table": {"key": value}}`` as TOML (strings, ints, bools, lists)."""
    lines = [header.rstrip("\n")]
    for table, values in tables.items():
        if not values:
            continue
        lines += ["", f"[{table}]"]
        lines += [f"{key} = {_toml_value(val)}" for key, val in values.items()]
    return "\n".join(lines) + "\n"


#: Limits every container of the kit gets, whatever the host: a log file that stops
#: growing (conmon truncates a k8s-file log at log_size_max; journald would ignore it)
#: and a bounded number of processes. podman 4.3's containers.conf has no default
#: memory limit key: memory can only be capped per container (``--memory``).
CONTAINER_LIMITS = {"log_driver": "k8s-file", "log_size_max": 1024 * 1024, "pids_limit": 2048}


def containers_conf_text(decisions: dict, tmp_dir: Path | None = None) -> str:
    """``containers.conf``: the kit's container limits and the host workarounds the doctor chose."""
    containers, engine = dict(CONTAINER_LIMITS), {}
    if decisions.get("ulimits"):
        containers["default_ulimits"] = list(decisions["ulimits"])
    if decisions.get("runtime"):
        engine["runtime"] = decisions["runtime"]
    if tmp_dir is not None:
        engine["tmp_dir"] = str(tmp_dir)
    return toml_text({"containers": containers, "engine": engine})


def storage_conf_text(graphroot: Path, runroot: Path, driver: str = "overlay",
                      additional: list[Path] = ()) -> str:
    # rootless podman ignores graphroot here and reads rootless_storage_path instead
    tables = {"storage": {"driver": driver, "graphroot": str(graphroot), "runroot": str(runroot),
                          "rootless_storage_path": str(graphroot)}}
    if additional:
        tables["storage.options"] = {"additionalimagestores": [str(p) for p in additional]}
    return toml_text(tables)


@dataclass(frozen=True)
class World:
    """One podman world: config files in ``conf_dir`` and the env that selects them."""

    conf_dir: Path
    graphroot: Path
    runroot: Path
    tmp_dir: Path
    additional_stores: tuple[Path, ...] = ()
    extra_env: dict = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        env = {
            "CONTAINERS_CONF": str(self.conf_dir / "containers.conf"),
            "CONTAINERS_STORAGE_CONF": str(self.conf_dir / "storage.conf"),
            "CONTAINERS_REGISTRIES_CONF": str(self.conf_dir / "registries.conf"),
            "REGISTRY_AUTH_FILE": str(self.conf_dir / "auth.json"),
        }
        env.update(self.extra_env)
        return env

    def full_env(self, base: dict | None = None) -> dict[str, str]:
        merged = dict(os.environ if base is None else base)
        merged.update(self.env)
        return merged

    def write(self, registries_text: str | None = None) -> World:
        """Create the directories and config files of this world (idempotent)."""
        if len(str(self.runroot)) > MAX_RUNROOT:
            raise KitError(f"run root {self.runroot} is longer than {MAX_RUNROOT} characters: podman "
                           f"4.3 then stalls 20 s after each container; set {paths.RUNTIME_ENV} shorter")
        decisions = load_decisions()
        for d in (self.conf_dir, self.graphroot, self.runroot, self.tmp_dir):
            paths.ensure(d, 0o700)
        (self.conf_dir / "containers.conf").write_text(
            containers_conf_text(decisions, self.tmp_dir))
        (self.conf_dir / "storage.conf").write_text(storage_conf_text(
            self.graphroot, self.runroot, decisions.get("storage_driver", "overlay"),
            list(self.additional_stores)))
        if registries_text is None:
            kit_conf = paths.registries_conf()
            registries_text = kit_conf.read_text() if kit_conf.exists() else KIT_HEADER
        (self.conf_dir / "registries.conf").write_text(registries_text)
        auth = self.conf_dir / "auth.json"
        if not auth.exists():
            auth.write_text("{}\n")
            auth.chmod(0o600)
        return self


def image_store_world() -> World:
    """The world that builds course images and holds the shared read-only store."""
    base = paths.state_dir() / "images"
    return World(conf_dir=base / "conf", graphroot=paths.image_store(),
                 runroot=paths.image_store_runroot(), tmp_dir=paths.runtime_dir() / "images-tmp")
