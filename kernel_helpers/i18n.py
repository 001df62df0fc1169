"""The learner's language: which one is current, and ``_()`` that translates a message.

Languages: ``en`` (the default; messages are their own msgids) and ``zh-CN``. Highest first:
``%podman_lang zh-CN`` (``set_language``), the notebook's ``lang`` variable when the kit is
loaded (papermill's parameter, ``from_namespace``), then ``$PODMAN_COURSE_LANG``.

Messages are gettext's, domain ``kernel_helpers``: the source catalogue
``locale/zh_CN/LC_MESSAGES/kernel_helpers.po`` (committed) is compiled to its ``.mo``
(git-ignored) by ``python -m kernel_helpers.i18n compile`` (the Makefile's ``kit`` step) and
lazily at first use when the ``.mo`` is missing or older and Babel is importable. When
neither works, the kit speaks English; it never fails over a catalogue.

Messages use named ``{fields}``, formatted AFTER translation:
``_("Host port {port} is taken").format(port=8080)``. A leaf module: standard library only
(the kit's CLI runs without the venv); Babel is imported only to compile.

Usage:
    from .i18n import _
    i18n.set_language("zh")            # "zh-CN"; a bad value raises ValueError
    i18n.current()                     # "en" | "zh-CN"
    python -m kernel_helpers.i18n compile | extract | update | check
"""

from __future__ import annotations

import functools
import gettext
import os
import sys
from pathlib import Path

DOMAIN = "kernel_helpers"
ENV = "PODMAN_COURSE_LANG"
EN, ZH = "en", "zh-CN"
LANGUAGES = (EN, ZH)
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_GETTEXT_LOCALE = {ZH: "zh_CN"}

_chosen: str | None = None  # set by %podman_lang
_notebook: str | None = None  # the notebook's `lang` when the kit was loaded


def normalize(value: str | None) -> str | None:
    """``en`` or ``zh-CN`` for a spelling of them (zh-CN, zh_CN, zh, any case); None for
    unset ("" or None); ValueError for anything else."""
    if value is None or not str(value).strip():
        return None
    key = str(value).strip().lower().replace("_", "-")
    if key in ("zh-cn", "zh", "zh-hans", "zh-hans-cn"):
        return ZH
    if key in ("en", "en-us", "en-gb", "c", "posix"):
        return EN
    raise ValueError(f"unknown language {value!r}: use one of {', '.join(LANGUAGES)}")


def current() -> str:
    """The kit's language now: %podman_lang, else the notebook's lang, else $PODMAN_COURSE_LANG."""
    if _chosen:
        return _chosen
    if _notebook:
        return _notebook
    try:
        return normalize(os.environ.get(ENV)) or EN
    except ValueError:
        return EN


def set_language(value: str | None) -> str:
    """Choose the language (``%podman_lang``); None or "" forgets the choice. The language now."""
    global _chosen
    _chosen = normalize(value)
    return current()


def from_namespace(namespace: dict | None) -> None:
    """Take the notebook's ``lang`` variable (papermill's parameter); "" or None: unset.
    A bad value is ignored (the environment's language holds)."""
    global _notebook
    try:
        _notebook = normalize((namespace or {}).get("lang"))
    except ValueError:
        _notebook = None


def reset() -> None:
    """Forget %podman_lang and the notebook's lang (tests)."""
    global _chosen, _notebook
    _chosen = _notebook = None


def _paths(language: str) -> tuple[Path, Path]:
    folder = LOCALE_DIR / _GETTEXT_LOCALE[language] / "LC_MESSAGES"
    return folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"


def compile_catalogue(language: str = ZH) -> Path:
    """Compile LANGUAGE's .po to its .mo with Babel (ImportError without it). The .mo."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po, mo = _paths(language)
    with open(po, "rb") as source:
        catalog = read_po(source, locale=_GETTEXT_LOCALE[language])
    tmp = mo.with_suffix(f".mo.{os.getpid()}")
    with open(tmp, "wb") as target:
        write_mo(target, catalog)  # fuzzy entries are left out: English for them
    os.replace(tmp, mo)
    return mo


def _fresh_mo(language: str) -> Path | None:
    """The .mo, compiled first if it is missing or older than the .po and Babel is here."""
    po, mo = _paths(language)
    stale = not mo.exists() or (po.exists() and po.stat().st_mtime > mo.stat().st_mtime)
    if stale and po.exists():
        try:
            compile_catalogue(language)
        except (ImportError, OSError, ValueError, SyntaxError):
            pass  # an older .mo (if any) still serves; else English
    return mo if mo.exists() else None


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """LANGUAGE's messages (cached); English (NullTranslations) when there is no catalogue."""
    if language == EN:
        return gettext.NullTranslations()
    mo = _fresh_mo(language)
    if mo is None:
        return gettext.NullTranslations()
    try:
        with open(mo, "rb") as handle:
            return gettext.GNUTranslations(handle)
    except (OSError, ValueError, LookupError):  # a broken .mo: English
        return gettext.NullTranslations()


def _(message: str) -> str:
    """MESSAGE in the current language (itself in English, or when it has no translation)."""
    language = current()
    if language == EN or not message:
        return message
    return translations(language).gettext(message)


def N_(message: str) -> str:
    """Mark MESSAGE for the catalogue without translating it now (tables built at import);
    translate it where it is shown, with ``_()``."""
    return message


def gettext_for(language: str, message: str) -> str:
    """MESSAGE in LANGUAGE, whatever the current one is (tests, the extractor's checks)."""
    return message if language == EN else translations(language).gettext(message)


def main(argv: list[str]) -> int:
    """``compile``: the .mo from the .po. Other verbs live in scripts (they need Babel's CLI)."""
    if argv[:1] == ["compile"]:
        try:
            print(compile_catalogue())
        except ImportError:
            print("Babel is not installed: the kit speaks English", file=sys.stderr)
            return 1
        return 0
    print("usage: python -m kernel_helpers.i18n compile", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
