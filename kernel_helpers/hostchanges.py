"""What the kit changed on the host outside its own folders, recorded *before* the change.

``uninstall`` reads this record to put the host back. It is one JSON object in
``paths.state_dir()/host-changes.json`` (mode 0600, replaced atomically, under a
lock). A key, once recorded, is never overwritten: its value is the host's original
state, and a later run (which sees the already changed host) must not replace it.

Keys in use:
    "dev_net_tun_mode": "0660"            /dev/net/tun's mode before the kit's chmod
    "user:NAME": {"created": "..."}       a course user the kit created

Usage:
    hostchanges.record("dev_net_tun_mode", "0660")   # True if newly recorded
    hostchanges.load()                                # {} when nothing was recorded
"""

from __future__ import annotations

import json
from pathlib import Path

from . import locks, paths

FILE_NAME = "host-changes.json"
TUN_MODE = "dev_net_tun_mode"


def path() -> Path:
    return paths.state_dir() / FILE_NAME


def load() -> dict:
    try:
        data = json.loads(path().read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(data: dict) -> None:
    target = path()
    paths.ensure(target.parent)
    paths.write_private(target, json.dumps(data, indent=2, sort_keys=True) + "\n")


def record(key: str, value) -> bool:
    """Record KEY = VALUE unless KEY is already recorded; True if it was new."""
    with locks.hold("host-changes", wait=60):
        data = load()
        if key in data:
            return False
        data[key] = value
        _write(data)
        return True
