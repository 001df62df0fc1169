"""Who owns a sandbox, and is it still there: a leaf module (kit imports: ``paths``, ``procinfo``).

A sandbox folder holds ``owner.json`` (the owning process's pid and its start time in
``/proc/PID/stat``, so a reused pid is never taken for the owner) and, when podman could
not remove its containers, a ``removal-failed`` marker. ``ports`` (is a lease still in
use?), ``sandbox`` (reclaim) and ``reaper`` ask here.
"""

from __future__ import annotations

import json

from . import paths, procinfo

OWNER_FILE = "owner.json"
KEPT_FILE = "removal-failed"  # written when podman could not remove the containers


def _owner(sandbox_id: str) -> dict | None:
    try:
        return json.loads((paths.sandboxes_dir() / sandbox_id / OWNER_FILE).read_text())
    except (OSError, ValueError):
        return None


def is_alive(sandbox_id: str) -> bool:
    """True while the process that owns ``sandbox_id`` is running."""
    owner = _owner(sandbox_id)
    if not owner or owner.get("start_time") is None:
        return False
    return procinfo.start_time(owner["pid"]) == owner["start_time"]


def is_kept(sandbox_id: str) -> bool:
    """True when a removal of ``sandbox_id`` failed: its containers may still run."""
    return (paths.sandboxes_dir() / sandbox_id / KEPT_FILE).exists()
