"""Dashboard logic without a front end: rows from ps, buttons -> podman argv, the timer."""

from __future__ import annotations

import threading

import pytest

from kernel_helpers import parsers
from kernel_helpers.widgets.common import Engine
from kernel_helpers.widgets.dashboard_view import (
    Dashboard,
    action_argv,
    container_table,
    header_label,
    row_options,
)


@pytest.mark.parametrize(("action", "argv"), [
    ("start", ["start", "web"]), ("stop", ["stop", "web"]), ("restart", ["restart", "web"]),
    ("remove", ["rm", "web"]), ("logs", ["logs", "--tail", "50", "web"]),
])
def test_each_button_runs_one_podman_verb_on_the_selected_container(action, argv):
    assert action_argv(action, "web") == argv


def test_exec_splits_the_typed_command_like_a_shell():
    assert action_argv("exec", "web", "sh -c 'echo hi there'") == ["exec", "web", "sh", "-c", "echo hi there"]


@pytest.mark.parametrize(("action", "name", "command", "why"), [
    ("stop", "", "", "pick a container"),
    ("exec", "web", "   ", "type the command"),
    ("exec", "web", "echo 'unclosed", "cannot split"),
    ("fly", "web", "", "unknown action"),
])
def test_refused_actions_say_why_in_one_line(action, name, command, why):
    with pytest.raises(ValueError, match=why):
        action_argv(action, name, command)


def test_rows_show_name_image_status_ports_sorted_and_aligned(recording):
    table = container_table(parsers.to_frame("ps", recording("ps-all-three")["stdout"]))
    assert list(table["Name"]) == ["db", "stopped", "web"]
    options = row_options(table)
    assert [value for _, value in options] == ["db", "stopped", "web"]
    labels = [label for label, _ in options]
    assert labels[2].startswith("web ") and "localhost/web:1" in labels[2]
    assert "0.0.0.0:8000->8080/tcp" in labels[2]
    assert len({label.index("|") for label in labels}) == 1  # columns line up
    assert header_label(table).split(" | ")[0].strip() == "Name"


def test_no_containers_gives_no_rows():
    assert row_options(container_table(None)) == []


@pytest.fixture
def board(fake_podman):
    fake_podman.use("ps-all-three", "exec-not-running")
    widget = Dashboard(engine=Engine(), interval=0)
    yield widget
    widget.close()


def test_selecting_a_row_and_clicking_stop_runs_podman_stop_then_refreshes(board, fake_podman):
    assert all(button.disabled for button in board.buttons.values())  # nothing selected yet
    board.rows.value = "web"
    assert not board.buttons["stop"].disabled
    board.buttons["stop"].click()
    calls = fake_podman.calls()
    assert ["podman", "stop", "web"] in calls
    assert calls[-1][1] == "ps" and "-a" in calls[-1]  # refreshed after the action
    assert board.command_log.commands == ["podman stop web"]
    assert board.rows.value == "web"  # the selection survives the refresh


def test_a_failing_action_shows_podmans_words_and_the_exit_status(board):
    board.rows.value = "stopped"
    board.exec_command.value = "true"
    result = board.act("exec")
    assert result.returncode == 255
    assert "exit status 255" in board.command_log.current.value
    assert "container state improper" in board.message.value and "kh-error" in board.message.value


def test_the_static_view_is_the_container_table_without_widget_ids(board):
    bundle = board._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    text = bundle["text/plain"]
    assert text.splitlines()[0] == Dashboard.title
    assert "web" in text and "localhost/bb:test" in text
    assert board.model_id not in text and board.model_id not in bundle["text/html"]
    assert "<table" in bundle["text/html"]


def test_without_podman_the_widget_still_renders_a_one_line_reason(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no podman anywhere
    widget = Dashboard(engine=Engine(), interval=0)
    assert "podman is not installed" in widget.message.value
    assert "(no containers in this sandbox)" in widget._repr_mimebundle_()["text/plain"]
    widget.rows.options = [("x", "x")]
    widget.rows.value = "x"
    result = widget.act("stop")
    assert result.returncode == -1 and "not run" in result.stderr
    widget.close()


def test_an_engine_that_could_not_be_made_says_why():
    widget = Dashboard(engine=Engine(error="no sandbox: disk full"), interval=0)
    assert "no sandbox: disk full" in widget.message.value
    widget.close()


def test_the_timer_refreshes_and_stops_when_the_widget_is_closed(fake_podman):
    fake_podman.use("ps-all-three")
    widget = Dashboard(engine=Engine(), interval=0.05)
    assert widget.refreshing
    deadline = threading.Event()
    for _ in range(100):
        if sum(call[1] == "ps" for call in fake_podman.calls()) >= 3:
            break
        deadline.wait(0.05)
    assert sum(call[1] == "ps" for call in fake_podman.calls()) >= 3
    widget.close()
    assert not widget.refreshing
    count = len(fake_podman.calls())
    deadline.wait(0.3)
    assert len(fake_podman.calls()) == count


def test_two_refreshes_never_run_at_once(board):
    with board._refreshing:  # a refresh in progress
        assert board.refresh(blocking=False) is False
    assert board.refresh(blocking=False) is True


def _wait_until(condition, seconds: float = 3.0) -> bool:
    done = threading.Event()
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        done.wait(0.05)
    return condition()


def test_a_new_dashboard_pauses_the_timer_of_the_earlier_one(fake_podman):
    fake_podman.use("ps-all-three")
    first = Dashboard(engine=Engine(), interval=0.05)
    second = Dashboard(engine=Engine(), interval=0.05)
    try:
        assert not first.auto.value and _wait_until(lambda: not first.refreshing)
        assert second.refreshing
        first.auto.value = True  # ticking the box again resumes it
        assert first.refreshing
    finally:
        first.close()
        second.close()
    assert not first.refreshing and not second.refreshing


def test_unticking_auto_refresh_stops_the_timer(fake_podman):
    fake_podman.use("ps-all-three")
    widget = Dashboard(engine=Engine(), interval=0.05)
    widget.auto.value = False
    assert _wait_until(lambda: not widget.refreshing)
    widget.close()
