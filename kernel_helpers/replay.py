"""Replay mode: the course where podman cannot run, answered from recordings of the real engine.

A Binder host, a hosted JupyterHub or a laptop without podman cannot run the course's
commands. There the kit runs in *replay* mode instead of *live*:

- a cell of the course's own notebooks shows what it printed when it was recorded on the real
  engine (``replay_cells``), marked as a recording;
- a ``%podman`` / ``%skopeo`` command of the learner's own answers from the recorded results of
  the same command in that notebook, marked too; a command that was never recorded gets one
  line, ``not recorded; this needs a real podman``. Nothing is invented.

The mode (``decide``): ``PODMAN_COURSE_MODE=live|replay`` forces it; otherwise (``auto``) it is
replay when podman is not installed, or when the doctor's last report says podman cannot start
a container here.

Recordings: ``notebooks/recordings/<edition>/NN_name.json``, one per notebook and edition,
made by ``make record`` (``scripts/recordings.py``): the notebook's cells (key, outputs, simple
variables it set) and the commands it ran (``command``, ``rootless``, exit status, outputs, note,
hint). A cell's key is a hash of its code and its occurrence, like ``tests/mode_outputs.py``.

While a notebook is recorded, ``PODMAN_COURSE_RECORD`` names a JSON-lines file the kernel
appends its commands and variables to (``record``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import i18n, paths
from .errors import KitError
from .i18n import N_, _

MODE_ENV = "PODMAN_COURSE_MODE"
RECORD_ENV = "PODMAN_COURSE_RECORD"
RECORDINGS_ENV = "PODMAN_COURSE_RECORDINGS"
LIVE, REPLAY, AUTO = "live", "replay", "auto"
NOT_RECORDED = N_("not recorded; this needs a real podman")
LIVE_ONLY = N_("replay mode: this needs a real podman")  # labs, terminals, widgets, servers
MAX_RECORDED_OUTPUT = 64 * 1024  # characters of one stream of one recorded command


class NotRecorded(KitError):
    """Replay mode was asked for something no recording holds (MESSAGE: ``LIVE_ONLY`` for what
    only the real engine can do)."""

    def __init__(self, what: str = "", message: str = NOT_RECORDED):
        line = _(message)
        super().__init__(f"{what}: {line}" if what else line)


def cell_digest(source: str) -> str:
    """A cell's code, hashed: the same for the same code, whatever the blank lines around it."""
    return hashlib.sha1(source.strip().encode()).hexdigest()[:12]


def recordings_dir() -> Path:
    return Path(os.environ.get(RECORDINGS_ENV) or paths.repo_root() / "notebooks" / "recordings")


def command_key(tool: str, args: list[str], rootless: bool = False) -> str:
    """How a command is found in a recording: as typed (shell-quoted), ``--rootless`` first."""
    return ("--rootless " if rootless else "") + shlex.join([tool, *args])


# -- the mode ------------------------------------------------------------------------------------
def _doctor_says_no_container() -> str | None:
    try:
        checks = json.loads(paths.doctor_report().read_text()).get("checks", [])
    except (OSError, ValueError, AttributeError):
        return None
    for check in checks:
        if check.get("name") == "container can start" and check.get("status") == "fail":
            return _("podman cannot start a container here (the doctor's check: {finding})").format(
                finding=check.get("finding", ""))
    return None


def decide(container_fails: bool | None = None) -> tuple[str, str]:
    """(``live`` or ``replay``, why), from ``PODMAN_COURSE_MODE`` and this machine: CONTAINER_FAILS
    is the doctor's finding now (None: its last report says)."""
    wanted = (os.environ.get(MODE_ENV) or AUTO).strip().lower()
    if wanted == REPLAY:
        return REPLAY, _("{env}=replay").format(env=MODE_ENV)
    if wanted == LIVE:
        return LIVE, _("{env}=live").format(env=MODE_ENV)
    if shutil.which("podman") is None:
        return REPLAY, _("podman is not installed here")
    if container_fails is not None:
        refused = _("podman cannot start a container here (see the doctor's `container can start` "
                    "row)") if container_fails else None
    else:
        refused = _doctor_says_no_container()
    if refused:
        return REPLAY, refused
    return LIVE, _("podman can start containers here")


_forced: str | None = None  # a papermill parameter (``mode``) or a test


def mode() -> str:
    return _forced or decide()[0]


def reason() -> str:
    """Why this kernel is in its mode (``decide``'s reason, or the notebook's parameter)."""
    if _forced:
        return _("the notebook's parameter mode={mode}").format(mode=_forced)
    return decide()[1]


def active() -> bool:
    """True in replay mode."""
    return mode() == REPLAY


def force(value: str | None) -> None:
    """Set the mode for this kernel (``live``, ``replay``; None or ``auto``: decide again)."""
    global _forced
    value = (value or "").strip().lower() or None
    if value not in (None, AUTO, LIVE, REPLAY):
        raise ValueError(f"unknown mode {value!r}: use live, replay or auto")
    _forced = None if value == AUTO else value


# -- the recordings ------------------------------------------------------------------------------
def edition() -> str:
    return "zh-CN" if i18n.current() == i18n.ZH else "en"


def load(name: str, edition_name: str | None = None, folder: Path | None = None) -> dict | None:
    """The recording of notebook NAME (``03_running_containers``) in an edition, or None."""
    path = (folder or recordings_dir()) / (edition_name or edition()) / f"{name}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


@dataclass
class Position:
    """Where a replaying kernel is: which notebook, which recorded cell, what it has asked."""

    notebook: str | None = None
    cell_index: int = -1
    cell_key: str | None = None
    live_widget: bool = False  # the cell running now is a recorded one whose widget replays live
    asked: dict = field(default_factory=dict)  # (cell key, command key) -> times asked


_position = Position()
_cache: dict[tuple[str, str], dict] = {}


def recording(name: str | None = None) -> dict | None:
    """The current (or NAME's) notebook's recording in this kernel's edition, cached."""
    name = name or _position.notebook
    if not name:
        return None
    key = (edition(), name)
    if key not in _cache:
        found = load(name)
        if found is None:
            return None
        _cache[key] = found
    return _cache[key]


def all_recordings() -> list[dict]:
    """Every notebook's recording in this kernel's edition (cached), in name order."""
    folder = recordings_dir() / edition()
    names = sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []
    return [r for r in (recording(n) for n in names) if r]


_index: dict[str, dict[str, dict[str, list[int]]]] = {}  # edition -> code digest -> notebook -> cells


def where(digest: str) -> dict[str, list[int]]:
    """Which recorded cells have this code: {notebook: [cell index, ...]}, notebooks in name order."""
    key = edition()
    if key not in _index:
        found: dict[str, dict[str, list[int]]] = {}
        for rec in all_recordings():
            for number, cell in enumerate(rec.get("cells", [])):
                found.setdefault(cell["key"].split("#")[0], {}).setdefault(rec["notebook"], []).append(number)
        _index[key] = found
    return _index[key].get(digest, {})


def position() -> Position:
    return _position


def reset() -> None:
    """Forget the position and the cache (a new notebook, tests)."""
    global _position
    _position = Position()
    _cache.clear()
    _index.clear()


def find_command(tool: str, args: list[str], rootless: bool = False) -> dict | None:
    """The recorded result of this command at this point of the notebook, or None.

    First the command's own results in the cell being run (in order, the last one again when
    asked more often); else its last result at or before this cell; else its first one after.
    """
    rec = recording()
    if not rec:
        return None
    wanted = command_key(tool, args, rootless)
    found = [c for c in rec.get("commands", []) if c.get("command") == wanted]
    if not found:
        return None
    here = [c for c in found if c.get("cell") == _position.cell_key]
    asked_key = (_position.cell_key, wanted)
    times = _position.asked.get(asked_key, 0)
    _position.asked[asked_key] = times + 1
    if here:
        return here[min(times, len(here) - 1)]
    order = {cell["key"]: i for i, cell in enumerate(rec.get("cells", []))}
    before = [c for c in found if order.get(c.get("cell"), 1 << 30) <= _position.cell_index]
    return before[-1] if before else found[0]


def about(rec: dict | None = None) -> str:
    """``podman 4.3.1, 2026-12-02``: with what and when the recording was made."""
    rec = rec or recording() or next(iter(all_recordings()), None) or {}
    return _("podman {version}, {date}").format(version=rec.get("podman", "?"),
                                                date=rec.get("recorded", "?"))


# -- recording (make record) ---------------------------------------------------------------------
def recording_to() -> Path | None:
    value = os.environ.get(RECORD_ENV)
    return Path(value) if value else None


def _capped(text: str | None) -> str | None:
    if text is None or len(text) <= MAX_RECORDED_OUTPUT:
        return text
    return text[:MAX_RECORDED_OUTPUT] + "\n[... cut: the recording keeps 64 KiB of each output]\n"


def record(entry: dict) -> None:
    """Append one entry (a command, a cell's variables) to the recording log, if one is open."""
    target = recording_to()
    if target is None:
        return
    with target.open("a", encoding="utf-8") as log:
        log.write(json.dumps(entry, ensure_ascii=False) + "\n")


def record_command(tool: str, args: list[str], rootless: bool, result) -> None:
    """Note a learner's command and its result while ``make record`` runs (else nothing)."""
    if recording_to() is None:
        return
    record({"type": "command", "cell": _position.cell_key, "command": command_key(tool, args, rootless),
            "returncode": result.returncode, "stdout": _capped(result.stdout),
            "stderr": _capped(result.stderr), "note": result.note, "hint": result.hint,
            "prompt": result.prompt})


def result_fields(entry: dict) -> dict:
    """The CommandResult fields of a recorded command (see ``commands``)."""
    return {k: entry.get(k) for k in ("returncode", "stdout", "stderr", "note", "hint", "prompt")}
