"""Shared fixtures. Integration fixtures remove what they made, even when a test fails."""

from __future__ import annotations

import os
import shutil

import pytest

NEEDS_ENGINE = ("integration", "notebook")


def skip_root_only(items) -> None:
    """As an ordinary user, skip what only root can do: ``@pytest.mark.needs_root("what")``."""
    if os.geteuid() == 0:
        return
    for item in items:
        mark = item.get_closest_marker("needs_root")
        if mark is not None:
            what = mark.args[0] if mark.args else item.name
            item.add_marker(pytest.mark.skip(reason=f"needs root: {what}"))


def pytest_collection_modifyitems(config, items):
    skip_root_only(items)
    for item in items:
        if "/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)
        if str(item.fspath).endswith(".ipynb"):
            item.add_marker(pytest.mark.notebook)
    if shutil.which("podman"):
        return
    skip = pytest.mark.skip(reason="podman is not installed on this host (run 'make test' to install it)")
    for item in items:
        if any(mark in item.keywords for mark in NEEDS_ENGINE):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def classroom_up():
    """The classroom registry, started if needed (make test stops it at the end)."""
    from kernel_helpers import classroom

    status = classroom.up()
    assert status.running, status.describe()
    return status


@pytest.fixture
def make_sandbox():
    """A factory of test sandboxes; every one is removed after the test."""
    from kernel_helpers.sandbox import Sandbox

    made = []

    def make():
        made.append(Sandbox.create(kind="test"))
        return made[-1]

    yield make
    for sandbox in made:
        sandbox.remove()


@pytest.fixture
def sandbox(make_sandbox):
    return make_sandbox()
