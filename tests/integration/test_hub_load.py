"""The hub classroom's load test with three learners at once (benchmarks/classroom.py 3).

Root only; several minutes on two cores. Uses the environment's state, registry and hub
ports; its accounts (pch-l01..03) are removed at the end, also on failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

from kernel_helpers.hub import config

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the hub classroom needs root")
BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "classroom.py"


def test_three_learners_at_once_pass_their_lab_with_no_cross_effect(tmp_path, monkeypatch):
    monkeypatch.setenv(config.TEST_AUTH_ENV, "1")
    spec = importlib.util.spec_from_file_location("classroom_bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, bench)  # its dataclasses look their module up
    spec.loader.exec_module(bench)
    out = tmp_path / "result.json"
    status = bench.main(["3", "--prefix", "pch-l", "--json", str(out)])
    result = json.loads(out.read_text())
    assert result["cross_effects"] == []
    assert result["grades_passed"] == 3, result["failures"]
    assert status == 0, result["failures"]
