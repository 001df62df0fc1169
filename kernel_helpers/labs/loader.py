"""The catalogue: the kit's lab files, and a teacher's own folder of them.

The kit's labs are ``kernel_helpers/labs/catalog/*.toml`` (package data). A teacher adds
labs without touching the kit: a folder of lab files named by ``$PODMAN_COURSE_LABS``
(several folders: separated by ``:``). A lab name is unique: a teacher's file with a
kit lab's name is refused, naming both files. Files are read again when they change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..i18n import _
from .format import Lab, LabError, LabFileError
from .reader import load_file

LABS_ENV = "PODMAN_COURSE_LABS"
CATALOG = Path(__file__).resolve().parent / "catalog"
_cache: dict[Path, tuple[float, Lab]] = {}


def folders() -> list[Path]:
    """Where lab files are read: the kit's catalogue, then the teacher's folders."""
    extra = [Path(p).expanduser() for p in os.environ.get(LABS_ENV, "").split(os.pathsep) if p.strip()]
    for folder in extra:
        if not folder.is_dir():
            raise LabError(f"{LABS_ENV}={folder}: no such folder of lab files")
    return [CATALOG, *extra]


def _read(path: Path) -> Lab:
    mtime = path.stat().st_mtime
    cached = _cache.get(path)
    if cached is None or cached[0] != mtime:
        _cache[path] = (mtime, load_file(path))
    return _cache[path][1]


def labs() -> dict[str, Lab]:
    """Every lab, by name, sorted by notebook then name."""
    found: dict[str, Lab] = {}
    for folder in folders():
        for path in sorted(folder.glob("*.toml")):
            lab = _read(path)
            if lab.name in found:
                raise LabFileError(f"lab file {path}: name: {lab.name!r} is already the lab "
                                   f"of {found[lab.name].source}")
            found[lab.name] = lab
    return dict(sorted(found.items(), key=lambda item: (item[1].notebook, item[0])))


def get(name: str) -> Lab:
    every = labs()
    if name not in every:
        raise LabError(_("no lab named {name} (%lab list shows them: {labs})").format(
            name=repr(name), labs=", ".join(every) or _("none")))
    return every[name]


def table() -> pd.DataFrame:
    """The labs as a table: name, notebook, title (in the learner's language), minutes."""
    return pd.DataFrame([{"name": lab.name, "notebook": lab.notebook, "title": _(lab.title),
                          "minutes": lab.minutes} for lab in labs().values()],
                        columns=["name", "notebook", "title", "minutes"])
