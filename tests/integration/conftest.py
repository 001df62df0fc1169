"""Fixtures of the integration tests that drive the magics on the real engine."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell

from kernel_helpers import magics, session


@pytest.fixture
def shell(sandbox, monkeypatch, classroom_up):
    """An IPython shell whose %podman runs in a fresh test sandbox."""
    monkeypatch.setattr(session, "_current", sandbox)
    ip = InteractiveShell.instance()
    ip.register_magics(magics.PodmanMagics)
    return ip
