"""Notebooks are generated from readable jupytext sources in ``notebooks/src``.

Each source makes one notebook per edition: English in ``notebooks/``, and each translated
edition in its folder (``notebooks/zh-CN/``), whose markdown cells come from the catalogues of
``scripts/translations.py`` (an untranslated cell stays English there) and whose code cells are
the same. Each edition has its own kernel (``podman-course-zh-cn`` sets the kit's language).

Usage:
    python scripts/notebooks.py sync [--edition E]            # src/*.py -> *.ipynb, keeping stored outputs
    python scripts/notebooks.py execute [--edition E] [NAME]  # run for real, store outputs (for nbval)
    python scripts/notebooks.py check                         # fail if a notebook drifted from its source
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import jupytext
import nbformat
from jupytext.combine import combine_inputs_with_outputs

ROOT = Path(__file__).resolve().parent.parent / "notebooks"
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # translations.py, beside this file
from translations import message, translation  # noqa: E402

from kernel_helpers.replay import RECORD_ENV  # noqa: E402
from tests.host_values import META_KEY, current  # noqa: E402  (the recorded machine's values)

KERNEL = "podman-course"
# edition -> (folder below notebooks/, kernel name, its display name, gettext locale)
EDITIONS = {"en": ("", KERNEL, "Podman course", ""),
            "zh-CN": ("zh-CN", "podman-course-zh-cn", "Podman 课程（中文）", "zh_CN")}


def sources() -> list[Path]:
    return sorted((ROOT / "src").glob("[0-9][0-9]_*.py"))


def target(src: Path, edition: str = "en") -> Path:
    return ROOT / EDITIONS[edition][0] / f"{src.stem}.ipynb"


def translate(nb: nbformat.NotebookNode, src: Path, locale: str) -> int:
    """Put the catalogue's translation in every markdown cell that has one; how many had one."""
    found = translation(src, locale)
    done = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown" and message(cell) in found:
            cell.source, done = found[message(cell)], done + 1
    return done


def render(src: Path, edition: str = "en") -> nbformat.NotebookNode:
    """The notebook for ``src``, with the outputs of the stored notebook where inputs match."""
    _, kernel, display, locale = EDITIONS[edition]
    fresh = jupytext.read(src)
    if locale:
        translate(fresh, src, locale)
    fresh.metadata["kernelspec"] = {"name": kernel, "display_name": display, "language": "python"}
    fresh.metadata.pop("jupytext", None)
    stored = target(src, edition)
    if stored.exists():
        old = nbformat.read(stored, as_version=4)
        fresh = combine_inputs_with_outputs(fresh, old)
        fresh.metadata.pop("jupytext", None)
        if META_KEY in old.metadata:  # which machine recorded the stored outputs
            fresh.metadata[META_KEY] = old.metadata[META_KEY]
    return fresh


def _inputs(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def sync(editions: list[str]) -> int:
    for edition in editions:
        for src in sources():
            path = target(src, edition)
            path.parent.mkdir(exist_ok=True)
            nbformat.write(render(src, edition), path)
            print(f"synced {path.relative_to(ROOT)}")
    return 0


def editions_present() -> list[str]:
    """English, and every translated edition whose folder exists."""
    return [e for e, (folder, *_) in EDITIONS.items() if not folder or (ROOT / folder).is_dir()]


def check() -> int:
    drifted = [target(src, edition).relative_to(ROOT) for edition in editions_present() for src in sources()
               if not target(src, edition).exists()
               or _inputs(render(src, edition)) != _inputs(nbformat.read(target(src, edition), as_version=4))]
    for name in drifted:
        print(f"{name}: notebook differs from its source or its translation; run 'make notebooks'")
    return 1 if drifted else 0


def execute(names: list[str], edition: str = "en") -> int:
    """Run the notebooks for real and store their outputs; the kernel logs its commands and
    variables for the recordings of replay mode (``scripts/recordings.py build`` makes them)."""
    from nbclient import NotebookClient
    from recordings import build_one, log_path
    kernel = EDITIONS[edition][1]
    for src in sources():
        if names and src.stem not in names:
            continue
        nb, path = render(src, edition), target(src, edition)
        log = log_path(src.stem, edition)
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("")
        os.environ[RECORD_ENV] = str(log)  # the kernel inherits it (kernel_helpers/replay.py)
        try:
            NotebookClient(nb, kernel_name=kernel, timeout=900,
                           resources={"metadata": {"path": str(path.parent)}}).execute()
        except Exception:
            failed = ROOT.parent / "test-artifacts" / f"{src.stem}.{edition}.failed.ipynb"
            failed.parent.mkdir(exist_ok=True)
            nbformat.write(nb, failed)  # what ran, for reading; the stored notebook is kept
            print(f"failed: the partly executed notebook is {failed}", file=sys.stderr)
            raise
        finally:
            os.environ.pop(RECORD_ENV, None)
        nb.metadata[META_KEY] = {"recorded_host": current()}
        path.parent.mkdir(exist_ok=True)
        nbformat.write(nb, path)
        print(f"executed {path.relative_to(ROOT)}")
        recording, changed = build_one(src.stem, edition)
        print(f"{'recorded' if changed else 'recording unchanged:'} {recording.relative_to(ROOT.parent)}")
    return 0


def main(argv: list[str]) -> int:
    verb, *rest = argv or ["sync"]
    edition = None
    if "--edition" in rest:
        at = rest.index("--edition")
        edition = rest[at + 1] if at + 1 < len(rest) else ""
        del rest[at:at + 2]
        if edition not in EDITIONS:
            sys.exit(f"notebooks.py: unknown edition {edition!r}; editions: {', '.join(EDITIONS)}")
    verbs = {"sync": lambda: sync([edition] if edition else list(EDITIONS)), "check": check,
             "execute": lambda: execute(rest, edition or "en")}
    if verb not in verbs:
        sys.exit(f"usage: notebooks.py {'|'.join(verbs)} [--edition {'|'.join(EDITIONS)}] [NAME ...]")
    return verbs[verb]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
