"""The notebooks' translations: one gettext catalogue per notebook and language.

The English jupytext source (``notebooks/src/NN_name.py``) is the one source. Each of its
markdown cells is one message of ``notebooks/i18n/LOCALE/NN_name.po``: ``msgid`` is the English
cell, ``msgstr`` its translation (the ``#.`` comment says which cell). Code cells are never
translated, so the two editions run the same code (a test compares them).

When the English changes, ``update`` merges the catalogue with the new cells the way gettext's
``msgmerge`` does (Babel): an unchanged cell keeps its translation; a changed cell's entry is
marked ``#, fuzzy`` and keeps the old English as ``#| msgid`` so that the translator sees what
changed; a new cell gets an empty entry; a removed cell's entry becomes obsolete (``#~``).
``check`` lists every cell whose translation is missing or fuzzy, by notebook and cell number.

Usage:
    python scripts/translations.py update [NAME ...]   # merge the catalogues with the English
    python scripts/translations.py check               # fail on a missing or fuzzy translation
    python scripts/translations.py stats               # translated / fuzzy / missing per notebook
"""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import jupytext
from babel.messages.catalog import Catalog
from babel.messages.pofile import normalize, read_po, unescape, write_po

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
I18N = NOTEBOOKS / "i18n"
LANGUAGES = {"zh-CN": "zh_CN"}  # edition folder (BCP 47) -> gettext locale
PROJECT = "podman-course notebooks"


def sources() -> list[Path]:
    return sorted((NOTEBOOKS / "src").glob("[0-9][0-9]_*.py"))


def catalogue_path(stem: str, locale: str) -> Path:
    return I18N / locale / f"{stem}.po"


def message(cell) -> str:
    """A markdown cell's text as a message id (surrounding blank lines left out)."""
    return cell.source.strip("\n")


def markdown_cells(src: Path) -> list[tuple[int, str]]:
    """(cell number, message) of every markdown cell of SRC, in order (numbered from 0)."""
    nb = jupytext.read(src)
    return [(index, message(cell)) for index, cell in enumerate(nb.cells) if cell.cell_type == "markdown"]


def template(src: Path, locale: str) -> Catalog:
    catalog = Catalog(locale=locale, project=PROJECT, fuzzy=False)
    for index, text in markdown_cells(src):
        if text in catalog:
            catalog[text].auto_comments.append(f"markdown cell {index}")
        else:
            catalog.add(text, "", auto_comments=[f"markdown cell {index}"],
                        locations=[(f"notebooks/src/{src.name}", None)])
    return catalog


def load(stem: str, locale: str) -> Catalog | None:
    path = catalogue_path(stem, locale)
    if not path.exists():
        return None
    with path.open("rb") as f:
        catalog = read_po(f, locale=locale)
    for entry in catalog:  # Babel reads "#| msgid ..." lines back as comments: the old English again
        old = [c[1:].strip() for c in entry.user_comments if c.startswith("|")]
        if old:
            entry.user_comments = [c for c in entry.user_comments if not c.startswith("|")]
            quoted = re.findall(r'"(?:[^"\\]|\\.)*"', " ".join(old).removeprefix("msgid"))
            entry.previous_id = "".join(unescape(q) for q in quoted) or None
    return catalog


def _previous_lines(text: str) -> str:
    """TEXT as gettext's "#| msgid" lines, one per line of the old English (never wrapped)."""
    lines = normalize(text, width=0).splitlines()
    return "".join(f"#| {'msgid ' if i == 0 else ''}{line}\n" for i, line in enumerate(lines))


def save(catalog: Catalog, stem: str, locale: str) -> Path:
    """Write CATALOG; a fuzzy entry keeps the English it was translated from as "#| msgid"
    lines (Babel would wrap them into comments its own reader cannot parse back)."""
    path = catalogue_path(stem, locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    write_po(out, catalog, width=0, include_previous=False, sort_output=False)
    text = out.getvalue().decode()
    for entry in catalog:
        if entry.id and entry.fuzzy and entry.previous_id:
            block = f"msgid {normalize(entry.id, width=0)}\n"
            old = entry.previous_id if isinstance(entry.previous_id, str) else entry.previous_id[0]
            text = text.replace(block, _previous_lines(old) + block, 1)
    path.write_text(text, encoding="utf-8")
    return path


def update(names: list[str] | None = None) -> int:
    for src in sources():
        if names and src.stem not in names:
            continue
        for locale in LANGUAGES.values():
            fresh = template(src, locale)
            catalog = load(src.stem, locale)
            if catalog is None:
                catalog = fresh
            else:
                fresh.creation_date = catalog.creation_date  # no header churn on every update
                before = {m.id: m.previous_id for m in catalog if m.id and m.fuzzy and m.previous_id}
                catalog.update(fresh, no_fuzzy_matching=False, update_header_comment=False)
                for entry in catalog:  # still fuzzy: keep the English it was translated from
                    if entry.id in before and entry.fuzzy and not entry.previous_id:
                        entry.previous_id = before[entry.id]
            print(f"{save(catalog, src.stem, locale).relative_to(NOTEBOOKS.parent)}: "
                  f"{describe(problems(src, catalog))}")
    return 0


@dataclass(frozen=True)
class Problem:
    cell: int
    kind: str  # "missing" | "fuzzy"
    first_line: str


def problems(src: Path, catalog: Catalog | None) -> list[Problem]:
    """The markdown cells of SRC whose translation is missing or fuzzy in CATALOG."""
    found = []
    for index, text in markdown_cells(src):
        entry = catalog.get(text) if catalog is not None else None
        kind = "missing" if entry is None or not entry.string else "fuzzy" if entry.fuzzy else ""
        if kind:
            found.append(Problem(index, kind, text.splitlines()[0][:70]))
    return found


def translation(src: Path, locale: str) -> dict[str, str]:
    """{English markdown cell: its translation}, only the complete (not fuzzy) ones."""
    catalog = load(src.stem, locale)
    if catalog is None:
        return {}
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def describe(found: list[Problem]) -> str:
    missing = sum(p.kind == "missing" for p in found)
    fuzzy = sum(p.kind == "fuzzy" for p in found)
    return "complete" if not found else f"{missing} missing, {fuzzy} fuzzy"


def check() -> int:
    bad = 0
    for src in sources():
        for edition, locale in LANGUAGES.items():
            found = problems(src, load(src.stem, locale))
            for p in found:
                print(f"{src.stem} [{edition}] markdown cell {p.cell}: {p.kind}: {p.first_line}")
            bad += len(found)
    if bad:
        print(f"{bad} cells need a translator: edit notebooks/i18n/LOCALE/NAME.po (a fuzzy entry shows "
              "the old English as '#| msgid'; remove '#, fuzzy' once the translation matches)")
    return 1 if bad else 0


def stats() -> int:
    for src in sources():
        for edition, locale in LANGUAGES.items():
            cells = len(markdown_cells(src))
            found = problems(src, load(src.stem, locale))
            print(f"{src.stem} [{edition}]: {cells - len(found)} of {cells} cells translated "
                  f"({describe(found)})")
    return 0


if __name__ == "__main__":
    verb, *rest = sys.argv[1:] or ["check"]
    verbs = {"update": lambda: update(rest), "check": check, "stats": stats}
    if verb not in verbs:
        sys.exit(f"usage: translations.py {'|'.join(verbs)} [NAME ...]")
    sys.exit(verbs[verb]())
