"""Namespace view logic: which containers, which commands, what the static view keeps."""

from __future__ import annotations

import os

import pytest

from kernel_helpers import namespaces as ns
from kernel_helpers import parsers
from kernel_helpers.errors import CommandFailed
from kernel_helpers.widgets.common import Engine
from kernel_helpers.widgets.namespace_view import NamespaceView, running_names, static_tree, view_commands

TOP = """PID  PPID  USER  COMMAND
1    0     root  /bin/sh -c sleep 600
7    1     root  sleep 600
"""
ON_HOST = [ns.HostProcess(4242, 1, 0), ns.HostProcess(4250, 7, 0)]
HOST = {"net": "net:[4026531833]", "pid": "pid:[4026531836]", "user": "user:[4026531837]"}
INSIDE = {"net": "net:[4026532256]", "pid": "pid:[4026532331]", "user": "user:[4026531837]"}


def test_the_view_lists_the_podman_commands_behind_it():
    commands = view_commands("web")
    assert commands[:2] == ["podman inspect --format '{{.State.Pid}}' web",
                            "podman top web pid ppid user args"]
    assert "/proc/PID/status" in commands[2]  # the host's side: podman's hpid/huser can print "?"


def test_only_running_containers_can_be_looked_at(recording):
    ps = parsers.to_frame("ps", recording("ps-all-three")["stdout"])
    assert running_names(ps) == ["db", "web"]  # "stopped" is only created
    assert running_names(None) == []


def test_the_static_tree_leaves_out_host_pids_which_change_every_run():
    tree = ns.tree_frame(TOP, ON_HOST)
    assert "PID on host" in tree.columns
    kept = static_tree(tree)
    assert list(kept.columns) == ["PID inside", "user inside", "user on host", "command"]
    assert kept["command"].tolist() == ["/bin/sh -c sleep 600", "  └─ sleep 600"]


@pytest.fixture
def looked_at(monkeypatch, fake_podman):
    """The lead's namespace functions replaced by recorders; ps replays two running containers."""
    fake_podman.use("ps-two-running")
    seen = []

    def table(container, env=None, rootless=False):
        seen.append(("table", container, env))
        if container == "broken":
            raise CommandFailed(["podman", "inspect", container], 125, "Error: no such container")
        return ns.compare(HOST, INSIDE)

    def tree(container, env=None, rootless=False):
        seen.append(("tree", container, env))
        if container == "gone":
            raise CommandFailed(["podman", "top", container], 125, "Error: no such container")
        return ns.tree_frame(TOP, ON_HOST)

    monkeypatch.setattr(ns, "namespace_table", table)
    monkeypatch.setattr(ns, "process_tree", tree)
    return seen


def test_the_named_container_is_shown_at_once_in_the_engines_sandbox(looked_at):
    env = {**os.environ, "PODMAN_COURSE_SANDBOX": "test-1-abcdef"}
    view = NamespaceView(engine=Engine(env=env), container="web")
    assert looked_at == [("table", "web", env), ("tree", "web", env)]
    assert "web has 2 of 3 namespace types of its own" in view.message.value
    assert "4242" in view.tree_html.value and "podman top web" in view.commands.value


def test_picking_another_container_shows_it(looked_at):
    view = NamespaceView(engine=Engine(), container="web")
    view.containers.value = "db"
    assert looked_at[-1][:2] == ("tree", "db") and view.container == "db"
    text = view._repr_mimebundle_()["text/plain"]
    assert "net:[4026532256]" in text and "4242" not in text  # host PIDs only in the live view


def test_a_failure_is_one_line(looked_at):
    view = NamespaceView(engine=Engine(), container="web")
    view.show("broken")
    assert "broken: podman exited 125: Error: no such container" in view.message.value
    assert view.namespace_html.value == "" and view.table.empty
    assert view.table[view.table["isolated"]].empty  # filters on its columns still work
    assert "broken: podman exited 125" in view._repr_mimebundle_()["text/plain"]


def test_a_failing_process_tree_still_shows_the_namespaces(looked_at):
    view = NamespaceView(engine=Engine(), container="web")
    view.show("gone")  # stopped between the two reads
    assert "gone: its processes: podman exited 125" in view.message.value
    assert "net:[4026532256]" in view.namespace_html.value and view.tree.empty
    assert "its processes: podman exited 125" in view._repr_mimebundle_()["text/plain"]


def test_a_container_that_is_not_running_is_named(looked_at):
    view = NamespaceView(engine=Engine(), container="stopped")
    assert "stopped is not running here" in view.message.value
    assert looked_at == [] and view.containers.value == "db"  # picked, shown on Show
    view.show_button.click()
    assert looked_at[-1][:2] == ("tree", "db")
