"""Notebooks are generated from readable jupytext sources in ``notebooks/src``.

Usage:
    python scripts/notebooks.py sync            # src/*.py -> *.ipynb, keeping stored outputs
    python scripts/notebooks.py execute [NAME]  # run for real, store outputs (for nbval)
    python scripts/notebooks.py check           # fail if a notebook drifted from its source
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import nbformat
from jupytext.combine import combine_inputs_with_outputs

ROOT = Path(__file__).resolve().parent.parent / "notebooks"
sys.path.insert(0, str(ROOT.parent))
from tests.host_values import META_KEY, current  # noqa: E402  (the recorded machine's values)

KERNEL = "podman-course"


def sources() -> list[Path]:
    return sorted((ROOT / "src").glob("[0-9][0-9]_*.py"))


def target(src: Path) -> Path:
    return ROOT / f"{src.stem}.ipynb"


def render(src: Path) -> nbformat.NotebookNode:
    """The notebook for ``src``, with the outputs of the stored notebook where inputs match."""
    fresh = jupytext.read(src)
    fresh.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Podman course", "language": "python"}
    fresh.metadata.pop("jupytext", None)
    stored = target(src)
    if stored.exists():
        old = nbformat.read(stored, as_version=4)
        fresh = combine_inputs_with_outputs(fresh, old)
        fresh.metadata.pop("jupytext", None)
        if META_KEY in old.metadata:  # which machine recorded the stored outputs
            fresh.metadata[META_KEY] = old.metadata[META_KEY]
    return fresh


def _inputs(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def sync() -> int:
    for src in sources():
        nbformat.write(render(src), target(src))
        print(f"synced {target(src).name}")
    return 0


def check() -> int:
    drifted = [src.name for src in sources()
               if not target(src).exists()
               or _inputs(jupytext.read(src)) != _inputs(nbformat.read(target(src), as_version=4))]
    for name in drifted:
        print(f"{name}: notebook differs from its source; run 'make notebooks'")
    return 1 if drifted else 0


def execute(names: list[str]) -> int:
    from nbclient import NotebookClient
    for src in sources():
        if names and src.stem not in names:
            continue
        nb = render(src)
        try:
            NotebookClient(nb, kernel_name=KERNEL, timeout=900,
                           resources={"metadata": {"path": str(ROOT)}}).execute()
        except Exception:
            failed = ROOT.parent / "test-artifacts" / f"{src.stem}.failed.ipynb"
            failed.parent.mkdir(exist_ok=True)
            nbformat.write(nb, failed)  # what ran, for reading; the stored notebook is kept
            print(f"failed: the partly executed notebook is {failed}", file=sys.stderr)
            raise
        nb.metadata[META_KEY] = {"recorded_host": current()}
        nbformat.write(nb, target(src))
        print(f"executed {target(src).name}")
    return 0


if __name__ == "__main__":
    verb, *rest = sys.argv[1:] or ["sync"]
    sys.exit({"sync": lambda: sync(), "check": lambda: check(), "execute": lambda: execute(rest)}[verb]())
