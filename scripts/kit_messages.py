"""The kit's message catalogue (gettext domain ``kernel_helpers``): extract, update, stats, compile.

The kit's learner-facing messages are ``_("...")`` / ``N_("...")`` calls in ``kernel_helpers/``
(Babel's Python extractor) and the texts of the labs in ``kernel_helpers/labs/catalog/*.toml``
(title, task, hints, checks' labels and hints; ``kernel_helpers.labs.texts``). Their Chinese
entries live in ``kernel_helpers/locale/zh_CN/LC_MESSAGES/kernel_helpers.po``.

Usage (from the repository root, with the venv's Python):
    python scripts/kit_messages.py extract   # kernel_helpers/locale/kernel_helpers.pot
    python scripts/kit_messages.py update    # merge it into the .po: new entries empty,
                                             # changed ones fuzzy (translate, drop "fuzzy")
    python scripts/kit_messages.py stats     # translated / missing / fuzzy; exit 1 if any missing
    python scripts/kit_messages.py compile   # the .mo (also: python -m kernel_helpers.i18n compile)
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kernel_helpers import i18n  # noqa: E402 (after the path is set)

KEYWORDS = {"_": None, "N_": None}
POT = ROOT / "kernel_helpers" / "locale" / f"{i18n.DOMAIN}.pot"
PO = i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def code_messages() -> dict[str, list[tuple[str, int]]]:
    """msgid -> [(file, line)] of every ``_()``/``N_()`` with a literal in ``kernel_helpers``."""
    found: dict[str, list[tuple[str, int]]] = {}
    package = ROOT / "kernel_helpers"
    for filename, lineno, message, _comments, _context in extract_from_dir(
            package, method_map=[("**.py", "python")], keywords=KEYWORDS):
        if isinstance(message, str) and message:
            found.setdefault(message, []).append((f"kernel_helpers/{filename}", lineno))
    return found


def lab_messages() -> dict[str, list[tuple[str, int]]]:
    """msgid -> [(file, 0)] of every text of the kit's labs."""
    from kernel_helpers.labs.texts import catalogue_messages

    return {text: [(where, 0)] for text, where in catalogue_messages()}


def template() -> Catalog:
    catalog = Catalog(project="podman-course kernel_helpers", domain=i18n.DOMAIN, fuzzy=False)
    for source in (code_messages(), lab_messages()):
        for message, locations in source.items():
            catalog.add(message, locations=locations,
                        flags=("python-brace-format",) if "{" in message else ())
    return catalog


def read(path: Path = PO) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle, locale="zh_CN")


def write(catalog: Catalog, path: Path) -> None:
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=False)


def stats(catalog: Catalog, keys: set[str]) -> dict[str, list[str]]:
    """The message keys KEYS split into translated, missing (no or empty entry) and fuzzy."""
    out: dict[str, list[str]] = {"translated": [], "missing": [], "fuzzy": []}
    for key in sorted(keys):
        entry = catalog.get(key)
        if entry is None or not entry.string:
            out["missing"].append(key)
        elif entry.fuzzy:
            out["fuzzy"].append(key)
        else:
            out["translated"].append(key)
    return out


def main(argv: list[str]) -> int:
    verb = argv[0] if argv else ""
    if verb == "extract":
        write(template(), POT)
        print(POT)
    elif verb == "update":
        catalog = read() if PO.exists() else Catalog(locale="zh_CN", domain=i18n.DOMAIN)
        catalog.update(template(), no_fuzzy_matching=False)
        catalog.project, catalog.version = "podman-course kernel_helpers", "0.1.0"
        write(catalog, PO)
        print(PO)
    elif verb == "stats":
        keys = set(code_messages()) | set(lab_messages())
        result = stats(read(), keys)
        print(" ".join(f"{k}={len(v)}" for k, v in result.items()))
        for key in result["missing"] + result["fuzzy"]:
            print("  " + key.splitlines()[0][:100])
        return 1 if result["missing"] or result["fuzzy"] else 0
    elif verb == "compile":
        print(i18n.compile_catalogue())
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
