"""Expected outputs of an ordinary user's run, where they differ from the stored (root) ones.

The notebooks store the outputs of a root kernel. An ordinary user's kernel (privilege.py's user
mode) prints other things in some cells, by nature: a skipped root-only step says so in one line,
the learner's rootless network has tap0 instead of eth0, files on the host belong to the learner.
For those cells only, ``tests/data/user-mode-outputs/NN_name.json`` holds the user-mode outputs,
already sanitized with nbval's sanitizer (so they hold no uid, name or host of the recording
machine). In user mode ``conftest.py`` gives nbval these outputs as the expected ones for those
cells; every other cell is compared with the stored root outputs as usual. No cell is ignored.

A cell is keyed by a hash of its source and its occurrence among cells of the same source, so
an edit of the notebook's prose keeps the keys, and an edit of a cell's code makes its entry
stale: ``tests/unit/test_mode_outputs.py`` fails on a stale entry and says how to re-record.

Recording (as the ordinary user, on the reference host; `make record-user` as root does it in a
test account): ``pytest --nbval notebooks --record-user-outputs DIR`` writes one file per
notebook into DIR, with an entry for every cell whose fresh outputs differ from the stored ones.

Usage:
    keys(nb)                          # {id(cell): "3f9a0c1d2e4b#0", ...} for the code cells
    name_of(path)                     # "05_namespaces", "zh-CN/05_namespaces": a notebook's name
    expected(name)                    # {key: [outputs]} of the notebook NAME ({} if none)
    write(folder, name, entries)      # one notebook's file (entries: {key: (source, outputs)})

A notebook's NAME is its path below ``notebooks/`` without ``.ipynb``, so that each edition
(``notebooks/zh-CN/``) has its own file (``tests/data/user-mode-outputs/zh-CN/NN_name.json``).
"""

from __future__ import annotations

import json
from pathlib import Path

from kernel_helpers.replay import cell_digest

FOLDER = Path(__file__).resolve().parent / "data" / "user-mode-outputs"
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MODE = "user"
RECORD_HINT = ("re-record as an ordinary user: `make record-user` as root (see tests/mode_outputs.py)")


def _digest(source: str) -> str:
    return cell_digest(source)


def cell_key(source: str, occurrence: int) -> str:
    return f"{_digest(source)}#{occurrence}"


def keys(nb) -> dict[int, str]:
    """The key of every code cell of ``nb`` (by ``id()`` of the cell object)."""
    seen: dict[str, int] = {}
    found = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        digest = _digest(cell.source)
        found[id(cell)] = cell_key(cell.source, seen.get(digest, 0))
        seen[digest] = seen.get(digest, 0) + 1
    return found


def name_of(notebook: Path) -> str:
    """The notebook's name: its path below notebooks/ without the suffix (else its stem)."""
    notebook = Path(notebook).resolve()
    try:
        return notebook.relative_to(NOTEBOOKS).with_suffix("").as_posix()
    except ValueError:
        return notebook.stem


def path(stem: str, folder: Path = FOLDER) -> Path:
    return folder / f"{stem}.json"


def expected(stem: str, folder: Path = FOLDER) -> dict[str, list[dict]]:
    """The user-mode outputs of the notebook ``stem``: {key: outputs} ({} if it has none)."""
    try:
        data = json.loads(path(stem, folder).read_text())
    except FileNotFoundError:
        return {}
    return {key: entry["outputs"] for key, entry in data.get("cells", {}).items()}


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _plain(output: dict) -> dict:
    """An output as stored: no execution count and no widget model id (both change with every
    run, nbval skips both), so that a re-recording changes no file without a reason."""
    out = json.loads(json.dumps(output))
    if "execution_count" in out:
        out["execution_count"] = None
    if isinstance(out.get("data", {}).get(WIDGET_VIEW), dict):
        out["data"][WIDGET_VIEW]["model_id"] = "MODEL-ID"
    return out


def write(folder: Path, stem: str, entries: dict[str, tuple[str, list[dict]]]) -> Path | None:
    """Write the notebook's file (or remove it when no cell differs); returns the path written."""
    target = path(stem, folder)
    if not entries:
        target.unlink(missing_ok=True)
        return None
    cells = {key: {"source": source.strip().splitlines()[:3], "outputs": [_plain(o) for o in outs]}
             for key, (source, outs) in sorted(entries.items())}
    data = {"about": f"user-mode outputs of notebooks/{stem}.ipynb where they differ from the "
                     f"stored root outputs, sanitized (tests/mode_outputs.py)",
            "mode": MODE, "cells": cells}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    return target


def stale(stem: str, nb, folder: Path = FOLDER) -> list[str]:
    """Keys of ``stem``'s file that match no code cell of the notebook ``nb`` any more."""
    current = set(keys(nb).values())
    return sorted(set(expected(stem, folder)) - current)
