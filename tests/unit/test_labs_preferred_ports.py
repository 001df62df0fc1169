"""%lab start takes a lab's ports from the notebook's parameters of the same name (WEB_PORT),
so the notebook's cells and the lab use one port. No podman here."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell

from kernel_helpers import magics
from kernel_helpers.labs import lifecycle, line


@pytest.fixture
def ipython():
    ip = InteractiveShell.instance()
    ip.register_magics(magics.PodmanMagics)
    return ip


@pytest.mark.parametrize("preferred, port", [
    (None, 8000), ({}, 8000), ({"WEB_PORT": 23001}, 23001), ({"OTHER_PORT": 23001}, 8000),
    ({"WEB_PORT": "23001"}, 8000), ({"WEB_PORT": True}, 8000), ({"WEB_PORT": 0}, 8000),
    ({"WEB_PORT": 70000}, 8000),
])
def test_a_notebook_parameter_is_preferred_when_it_is_a_port(preferred, port):
    assert lifecycle._port(preferred, "WEB_PORT", 8000) == port


def test_the_line_hands_the_notebook_variables_to_start_only(monkeypatch):
    seen = []
    monkeypatch.setattr(lifecycle, "start", lambda name, preferred=None: seen.append(("start", preferred)))
    monkeypatch.setattr(lifecycle, "grade", lambda name: seen.append(("grade", name)))
    line.run_line("start 04-web-page", namespace={"WEB_PORT": 23001})
    line.run_line("grade 04-web-page", namespace={"WEB_PORT": 23001})
    assert seen == [("start", {"WEB_PORT": 23001}), ("grade", "04-web-page")]


def test_the_magic_passes_the_notebook_namespace(ipython, monkeypatch):
    seen = []
    monkeypatch.setattr(line, "run", lambda verb, name, namespace=None: seen.append(namespace) or "ok")
    ipython.user_ns["WEB_PORT"] = 23001
    assert ipython.run_line_magic("lab", "start 04-web-page") == "ok"
    assert seen[0]["WEB_PORT"] == 23001
