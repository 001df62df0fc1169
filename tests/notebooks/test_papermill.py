"""Every notebook runs end to end under papermill, on the real engine, with leased ports.

Parameters whose names end in ``_PORT`` are replaced by ports leased for the test, so
notebooks can run beside each other (and beside a learner's JupyterLab) without racing.
Executed copies are kept in ``test-artifacts/notebooks`` for inspection.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import papermill
import pytest

from kernel_helpers import paths
from kernel_helpers.sandbox import Sandbox

NOTEBOOKS = sorted((paths.repo_root() / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ARTIFACTS = paths.repo_root() / "test-artifacts" / "notebooks"


def parameter_names(path: Path) -> list[str]:
    """Names assigned in the cell tagged ``parameters``."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            tree = ast.parse(cell.source)
            return [t.id for node in tree.body if isinstance(node, ast.Assign)
                    for t in node.targets if isinstance(t, ast.Name)]
    return []


def test_every_notebook_has_parameters():
    assert NOTEBOOKS, "no notebooks found"
    for path in NOTEBOOKS:
        assert parameter_names(path), f"{path.name} has no cell tagged 'parameters'"


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_under_papermill(path, classroom_up):
    port_names = [n for n in parameter_names(path) if n.endswith("_PORT")]
    owner = Sandbox.create(kind="test")  # owns the leased ports for the run
    try:
        leased = owner.lease_ports(len(port_names)) if port_names else []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        papermill.execute_notebook(str(path), str(ARTIFACTS / path.name),
                                   parameters=dict(zip(port_names, leased, strict=True)),
                                   kernel_name="podman-course", cwd=str(path.parent),
                                   progress_bar=False, execution_timeout=900)
    finally:
        owner.remove()
