"""What a sandbox held when a lab started, and taking away what came after.

``start`` records a ``Snapshot`` of the lab's world (containers, pods, volumes, images;
and the networks, for information only) in the sandbox's own folder, written atomically
(``labs/NAME.json``). ``finish`` removes what is new since then, plus the names the lab
declares, even after a half-done attempt. Networks are shared by every sandbox on the
host (this podman has one network list): only the networks the lab names are removed.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import paths
from ..i18n import _
from .probe import Probe, ProbeError, full_name

RM_TIMEOUT = 90.0
ANONYMOUS = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class Snapshot:
    containers: list[str] = field(default_factory=list)  # ids
    pods: list[str] = field(default_factory=list)  # ids
    volumes: list[str] = field(default_factory=list)  # names
    images: dict[str, list[str]] = field(default_factory=dict)  # writable image id -> names
    networks: list[str] = field(default_factory=list)  # names (never removed unless named)

    @classmethod
    def take(cls, probe: Probe) -> Snapshot:
        images: dict[str, set[str]] = {}
        for entry in probe.json("images", "-a", "--format", "json") or []:  # -a: build layers too
            if not entry.get("ReadOnly"):
                images.setdefault(entry["Id"], set()).update(entry.get("Names") or [])
        return cls(containers=sorted(c["Id"] for c in probe.containers()),
                   pods=sorted(p["Id"] for p in probe.json("pod", "ps", "--format", "json") or []),
                   volumes=sorted(v["Name"] for v in probe.json("volume", "ls", "--format", "json") or []),
                   images={k: sorted(v) for k, v in sorted(images.items())},
                   networks=sorted(n["name"] for n in probe.json("network", "ls", "--format", "json") or []))


@dataclass
class Saved:
    """One started lab's record: its world(s)' snapshots, its variables, the ports it leased."""

    lab: str
    variables: dict
    leased: list[int]
    snapshots: dict[str, Snapshot]  # "root" and, for a rootless lab, "rootless"
    held: list[int] = field(default_factory=list)  # ports the sandbox held before start

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Saved:
        data = json.loads(text)
        return cls(data["lab"], data["variables"], data["leased"],
                   {k: Snapshot(**v) for k, v in data["snapshots"].items()}, data.get("held", []))


def state_file(sandbox_dir: Path, lab: str) -> Path:
    return sandbox_dir / "labs" / f"{lab}.json"


def save(sandbox_dir: Path, saved: Saved) -> None:
    paths.atomic_write(state_file(sandbox_dir, saved.lab), saved.to_json())


def load(sandbox_dir: Path, lab: str) -> Saved | None:
    try:
        return Saved.from_json(state_file(sandbox_dir, lab).read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return None


def started_at(sandbox_dir: Path, lab: str) -> float:
    """When LAB was started in the sandbox (Unix time; 0 when it was not)."""
    try:
        return state_file(sandbox_dir, lab).stat().st_mtime
    except OSError:
        return 0.0


def forget(sandbox_dir: Path, lab: str) -> None:
    state_file(sandbox_dir, lab).unlink(missing_ok=True)


def _remove(probe: Probe, what: str, args: list[str], lines: list[str]) -> None:
    result = probe.run(*args, timeout=RM_TIMEOUT)
    if result.ok:
        lines.append(_("removed {what}").format(what=what))
    elif "no such" not in result.stderr.lower() and "not known" not in result.stderr.lower():
        last = (result.stderr.strip().splitlines() or ["?"])[-1]
        lines.append(_("could not remove {what}: {error}").format(what=what, error=last))


def _clear_images(probe: Probe, now: Snapshot, base: Snapshot) -> list[str]:
    """Remove the images new since BASE (one ``rmi -f``: it orders build layers itself) and
    the names added to older images."""
    lines: list[str] = []
    new = {i: names for i, names in now.images.items() if i not in base.images}
    if new:
        probe.run("rmi", "-f", *sorted(new), timeout=RM_TIMEOUT)
    for image_id, names in sorted(now.images.items()):
        for name in sorted(set(names) - set(base.images.get(image_id, names))):
            _remove(probe, _("image name {name}").format(name=name), ["untag", image_id, name], lines)
    probe.forget()
    left = Snapshot.take(probe).images
    gone = [names for i, names in new.items() if i not in left]
    lines += [_("removed {what}").format(what=_("image {name}").format(name=name))
              for name in sorted(n for names in gone for n in names)]
    unnamed = sum(1 for names in gone if not names)
    if unnamed:
        lines.append(_("removed {count} unnamed image(s) (build layers)").format(count=unnamed))
    lines += [_("could not remove image {name}").format(
        name=", ".join(sorted(left[i])) or _("an unnamed image"))
              for i in sorted(new) if i in left]
    return lines


def _read_only(probe: Probe, name: str) -> bool:
    return all(e.get("ReadOnly") for e in probe.images() if full_name(name) in (e.get("Names") or []))


def clear(probe: Probe, before: Snapshot | None, names: dict[str, tuple[str, ...]]) -> list[str]:
    """Remove from PROBE's world what is new since BEFORE (None: nothing is new), and NAMES.

    NAMES maps containers, images, volumes and networks to the names the lab declares.
    Returns one line per thing removed (names, not ids), in a steady order.
    """
    lines: list[str] = []
    try:
        now = Snapshot.take(probe)
    except ProbeError as exc:
        return [_("could not read the sandbox: {error}").format(error=exc)]
    base = before or now
    pods = probe.json("pod", "ps", "--format", "json") or []
    for pod in sorted(pods, key=lambda p: p["Name"]):
        if pod["Id"] not in base.pods:
            _remove(probe, _("pod {name}").format(name=pod["Name"]),
                    ["pod", "rm", "-f", "-t", "0", pod["Id"]], lines)
    containers = {c["Id"]: (c.get("Names") or [c["Id"][:12]])[0] for c in probe.containers()}
    doomed = {cid for cid in containers if cid not in base.containers}
    doomed |= {cid for cid, name in containers.items() if name in names.get("containers", ())}
    for cid in sorted(doomed, key=containers.get):
        _remove(probe, _("container {name}").format(name=containers[cid]),
                ["rm", "-f", "-t", "0", cid], lines)
    probe.forget()
    lines += _clear_images(probe, now, base)
    for name in names.get("images", ()):
        if probe.image_id(name) and not _read_only(probe, name):
            _remove(probe, _("image {name}").format(name=full_name(name)), ["rmi", full_name(name)], lines)
    declared = set(names.get("volumes", ())) & set(now.volumes)
    volumes = sorted((set(now.volumes) - set(base.volumes)) | declared)
    for volume in volumes:  # an anonymous volume (an image's VOLUME) is named by a 64-hex id
        shown = _("an anonymous volume") if ANONYMOUS.match(volume) \
            else _("volume {name}").format(name=volume)
        _remove(probe, shown, ["volume", "rm", "-f", volume], lines)
    for network in sorted(set(names.get("networks", ())) & set(now.networks)):
        _remove(probe, _("network {name}").format(name=network), ["network", "rm", "-f", network], lines)
    return lines
