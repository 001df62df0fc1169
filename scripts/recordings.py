"""The recordings replay mode answers from (``kernel_helpers/replay.py``): build them, check them.

A recording is ``notebooks/recordings/<edition>/NN_name.json``: the outputs of every code cell of
one notebook as the real podman printed them, the commands it ran with their results, and the
simple variables each cell set. ``make record`` executes every notebook live
(``scripts/notebooks.py execute``, which writes the kernel's log of commands and variables) and
then builds them here.

Sanitized like the stored outputs: every nbval sanitizer of ``tests/nbval-sanitize.cfg`` and of
the recording machines' values (``tests/host_values.py``) is applied, except the one that removes
column padding, so that ids, digests, dates, kernel releases, uids and paths of the recording
machine show as placeholders and the tables stay readable. A rebuilt recording whose content is
the same under the full sanitizer keeps the old file (its date too): a re-record on another host
changes no file.

Usage:
    python scripts/recordings.py build [--edition E] [NAME ...]   # from the executed notebooks
    python scripts/recordings.py check                            # drift: stored outputs vs recordings
    python scripts/recordings.py stats                            # files, cells, commands, size
"""

from __future__ import annotations

import datetime
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kernel_helpers import process  # noqa: E402
from kernel_helpers.replay import cell_digest, recordings_dir  # noqa: E402
from tests import host_values  # noqa: E402

NOTEBOOKS = REPO / "notebooks"
EDITIONS = {"en": NOTEBOOKS, "zh-CN": NOTEBOOKS / "zh-CN"}
LOGS = REPO / "test-artifacts" / "recording"
STATIC_SANITIZER = REPO / "tests" / "nbval-sanitize.cfg"
KEEP_PADDING = "[column_padding]"
VOLATILE = ("recorded", "podman")  # what a rebuild compares without


def log_path(name: str, edition: str) -> Path:
    """Where a kernel executed by ``make record`` writes its commands and variables."""
    return LOGS / edition / f"{name}.jsonl"


def _patterns(full: bool) -> list[tuple[re.Pattern, str]]:
    from nbval.plugin import get_sanitize_patterns
    static = STATIC_SANITIZER.read_text()
    if not full:
        cut = static.find(KEEP_PADDING)
        static = static[:cut] if cut >= 0 else static
    text = host_values.combined_sanitizer(static, host_values.recorded_hosts(NOTEBOOKS))
    return [(re.compile(regex), replace) for regex, replace in get_sanitize_patterns(text)]


_CACHE: dict[bool, list] = {}


def sanitize(value, full: bool = False):
    """VALUE (str, list, dict) with every sanitizer applied to each string in it."""
    if full not in _CACHE:
        _CACHE[full] = _patterns(full)
    patterns = _CACHE[full]
    if isinstance(value, str):
        for regex, replace in patterns:
            value = regex.sub(replace, value)
        return value
    if isinstance(value, list):
        return [sanitize(v, full) for v in value]
    if isinstance(value, dict):
        return {k: (v if k.startswith("image/") else sanitize(v, full)) for k, v in value.items()}
    return value


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def clean_output(output: dict) -> dict:
    """One stored nbformat output as a recording keeps it: no execution count, text joined."""
    kept = {"output_type": output["output_type"]}
    if output["output_type"] == "stream":
        kept.update(name=output["name"], text=_joined(output["text"]))
    elif output["output_type"] in ("display_data", "execute_result"):
        kept["data"] = {mime: (value if mime.startswith("image/") or isinstance(value, dict)
                               else _joined(value)) for mime, value in output["data"].items()}
        if output.get("metadata"):
            kept["metadata"] = output["metadata"]
    elif output["output_type"] == "error":
        kept.update(ename=output["ename"], evalue=output["evalue"])
    return kept


def notebook_cells(path: Path) -> list[tuple[str, list[dict]]]:
    """(key, cleaned outputs) of every code cell of a stored notebook, in order."""
    nb = json.loads(path.read_text())
    seen: dict[str, int] = {}
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        digest = cell_digest(_joined(cell["source"]))
        key = f"{digest}#{seen.get(digest, 0)}"
        seen[digest] = seen.get(digest, 0) + 1
        cells.append((key, [clean_output(o) for o in cell.get("outputs", [])]))
    return cells


def read_log(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def podman_version() -> str:
    try:
        got = process.run(["podman", "version", "--format", "{{.Client.Version}}"], timeout=30)
        return got.stdout.strip() or "?"
    except Exception:  # noqa: BLE001 (no podman: the recording says so)
        return "?"


def _changes(commands: list[dict]) -> list[dict]:
    """The commands without those whose result is the same as the last result of that command:
    replay answers a command with its last result at or before a cell, which they do not change."""
    kept, last = [], {}
    for entry in commands:
        result = {k: v for k, v in entry.items() if k != "cell"}
        if last.get(entry["command"]) != result:
            kept.append(entry)
        last[entry["command"]] = result
    return kept


def build_one(name: str, edition: str, today: str | None = None) -> tuple[Path, bool]:
    """The recording of NAME in EDITION from its executed notebook and log. (path, changed)."""
    notebook = EDITIONS[edition] / f"{name}.ipynb"
    log = read_log(log_path(name, edition))
    fields = ("command", "returncode", "stdout", "stderr", "note", "hint", "prompt")
    commands = _changes([{"cell": e.get("cell"), **sanitize({k: e.get(k) for k in fields})}
                         for e in log if e.get("type") == "command"])  # a cell key is no id
    variables: dict[str, dict] = {}
    for entry in log:
        if entry.get("type") == "variables":
            variables.setdefault(entry["cell"], {}).update(entry["values"])
    ran = [e["cell"] for e in log if e.get("type") == "command"]  # before _changes dropped some
    widgets: dict[str, list[bool]] = {}
    for entry in log:
        if entry.get("type") == "widget":
            widgets.setdefault(entry["cell"], []).append(bool(entry.get("replays")))
    cells = []
    for key, outputs in notebook_cells(notebook):
        cell = {"key": key, "outputs": sanitize(outputs)}
        if key in ran:
            cell["commands"] = ran.count(key)
        if widgets.get(key) and all(widgets[key]):  # every widget it made works on recordings
            cell["live_widget"] = True
        if key in variables:
            cell["variables"] = sanitize(variables[key])
        cells.append(cell)
    new = {"notebook": name, "edition": edition, "podman": podman_version(),
           "recorded": today or datetime.date.today().isoformat(),
           "about": "made by `make record` (scripts/recordings.py); replayed by kernel_helpers/replay.py",
           "cells": cells, "commands": commands}
    path = recordings_dir() / edition / f"{name}.json"
    old = json.loads(path.read_text()) if path.exists() else None
    if old is not None and _comparable(old) == _comparable(new):
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(new, ensure_ascii=False, indent=1) + "\n")
    return path, True


def _comparable(rec: dict) -> dict:
    """What must match for a rebuild to keep the old file: outputs and commands, fully sanitized."""
    cells = [{"key": c["key"], "outputs": c["outputs"], "commands": c.get("commands", 0),
              "live_widget": c.get("live_widget", False)}
             for c in rec.get("cells", [])]
    commands = [{"cell": c.get("cell"), **sanitize({k: v for k, v in c.items() if k != "cell"}, full=True)}
                for c in rec.get("commands", [])]
    return {"cells": sanitize(cells, full=True), "commands": commands}


def names(edition: str) -> list[str]:
    return sorted(p.stem for p in EDITIONS[edition].glob("[0-9][0-9]_*.ipynb"))


def check() -> list[str]:
    """Every stored notebook's cells against its recording, fully sanitized: what drifted."""
    problems = []
    for edition in EDITIONS:
        for name in names(edition):
            path = recordings_dir() / edition / f"{name}.json"
            if not path.exists():
                problems.append(f"{edition}/{name}: no recording")
                continue
            rec = json.loads(path.read_text())
            recorded = {c["key"]: c["outputs"] for c in rec["cells"]}
            lost = {c["cell"] for c in rec.get("commands", []) if c.get("cell") not in recorded}
            lost.discard(None)  # a command of the parameters cell, before the kit was loaded
            if lost:
                problems.append(f"{edition}/{name}: commands of cells it does not have: {sorted(lost)[:3]}")
            stored = dict(notebook_cells(EDITIONS[edition] / f"{name}.ipynb"))
            for number, (key, outputs) in enumerate(stored.items()):
                if key not in recorded:
                    problems.append(f"{edition}/{name}: code cell {number} ({key}) is not recorded")
                elif sanitize(outputs, full=True) != sanitize(recorded[key], full=True):
                    problems.append(f"{edition}/{name}: code cell {number} ({key}) differs from "
                                    "its recording")
            for key in recorded.keys() - stored.keys():
                problems.append(f"{edition}/{name}: the recording has a cell the notebook lost ({key})")
    return problems


def stats() -> str:
    files = sorted(recordings_dir().glob("*/*.json"))
    cells = commands = 0
    for path in files:
        rec = json.loads(path.read_text())
        cells += len(rec["cells"])
        commands += len(rec["commands"])
    size = sum(p.stat().st_size for p in files)
    return f"{len(files)} recordings, {cells} cells, {commands} commands, {size / 1024:.0f} KiB"


def main(argv: list[str]) -> int:
    verb, *rest = argv or ["check"]
    if verb == "build":
        editions = list(EDITIONS)
        if "--edition" in rest:
            at = rest.index("--edition")
            editions = [rest[at + 1]]
            del rest[at:at + 2]
        for edition in editions:
            for name in rest or names(edition):
                path, changed = build_one(name, edition)
                print(f"{'wrote' if changed else 'unchanged'} {path.relative_to(REPO)}")
        print(stats())
        return 0
    if verb == "check":
        problems = check()
        for line in problems:
            print(line)
        if problems:
            print("the recordings drifted from the stored notebooks: run `make record`")
        return 1 if problems else 0
    if verb == "stats":
        print(stats())
        return 0
    sys.exit("usage: recordings.py build [--edition E] [NAME ...] | check | stats")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
