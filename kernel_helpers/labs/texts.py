"""The labs' own texts in the learner's language: title, task, hints, checks' labels and hints.

Their msgids are the TOML strings as written (``{VARIABLE}``s unfilled), in the kit's gettext
catalogue next to the kit's messages; ``messages`` lists them for the extractor
(``scripts/kit_messages.py``). ``localized`` gives a lab with its texts translated (itself
in English, or for a text the catalogue lacks); bind it afterwards.

Usage:
    lab = localized(loader.get("04-web-page")).bind(values)
    for msgid, where in catalogue_messages(): ...
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..i18n import EN, _, current
from .format import Lab


def messages(lab: Lab) -> list[str]:
    """The translatable texts of LAB, in file order, without empty ones."""
    texts = [lab.title, lab.task, *lab.hints]
    for check in lab.checks:
        texts += [check.label, check.hint]
    return [text for text in texts if text and text.strip()]


def localized(lab: Lab) -> Lab:
    """LAB with its title, task, hints and checks' texts in the current language."""
    if current() == EN:
        return lab
    checks = tuple(replace(c, label=_(c.label) if c.label else "", hint=_(c.hint) if c.hint else "")
                   for c in lab.checks)
    return replace(lab, title=_(lab.title), task=_(lab.task), hints=tuple(_(h) for h in lab.hints),
                   checks=checks)


def catalogue_messages() -> list[tuple[str, str]]:
    """(msgid, file) for every text of the kit's own labs (``catalog/*.toml``), once each."""
    from .reader import load_file

    seen: dict[str, str] = {}
    for path in sorted((Path(__file__).parent / "catalog").glob("*.toml")):
        for text in messages(load_file(path)):
            seen.setdefault(text, f"kernel_helpers/labs/catalog/{path.name}")
    return list(seen.items())
