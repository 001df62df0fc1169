"""Shared widget parts: the %podman_widget line, the command log, static fallbacks."""

from __future__ import annotations

import pytest

from kernel_helpers.errors import UsageError
from kernel_helpers.results import CommandResult
from kernel_helpers.widgets import Notice, open_widget, parse_widget_line
from kernel_helpers.widgets.common import CommandLog, Engine, failure_line, result_text


@pytest.mark.parametrize(("line", "parsed"), [
    ("dashboard", ("dashboard", None)), ("explorer", ("explorer", None)), ("run", ("run", None)),
    ("namespaces web", ("namespaces", "web")), ("units  'my web' ", ("units", "my web")),
])
def test_the_magic_line_names_a_widget_and_maybe_a_container(line, parsed):
    assert parse_widget_line(line) == parsed


@pytest.mark.parametrize(("line", "why"), [
    ("", "usage: %podman_widget"), ("charts", "no widget 'charts'"),
    ("namespaces", "needs one container name"), ("dashboard web", "takes no arguments"),
    ("units 'web", "quotation"),
])
def test_a_wrong_magic_line_is_a_usage_message(line, why):
    with pytest.raises(UsageError, match=why):
        parse_widget_line(line)
    notice = open_widget(line)
    assert isinstance(notice, Notice) and why in repr(notice) and "kh-error" in notice._repr_html_()


def test_the_engine_never_raises_when_podman_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = Engine().run(["ps"])
    assert result.returncode == -1 and result.stderr.startswith("not run: podman is not installed")
    assert failure_line(result).startswith("podman ps: not run: podman is not installed")


def test_the_log_shows_the_last_command_in_full_and_the_earlier_ones_by_name():
    log = CommandLog()
    ok = CommandResult(argv=["podman", "stop", "web"], shown_argv=["podman", "stop", "web"],
                       returncode=0, stdout="web\n")
    log.show(ok)
    assert "$ podman stop web" in log.current.value and "exit status 0" in log.current.value
    assert log.history.value == ""
    log.show(CommandResult.not_run("podman", ["rm", "web"], "no sandbox"))
    assert "exit status -1" in log.current.value and "podman stop web   (ok)" in log.history.value
    assert log.commands == ["podman stop web", "podman rm web"]
    assert result_text(ok).endswith("exit status 0")


def test_an_unexpected_error_in_a_button_is_one_red_line(fake_podman):
    from kernel_helpers.widgets.dashboard_view import Dashboard

    fake_podman.use("ps-all-three")
    board = Dashboard(engine=Engine(), interval=0)

    def broken(_button):
        raise RuntimeError("something odd\nwith a second line")

    board.buttons["logs"].on_click(board.guard(broken))
    board.rows.value = "web"
    board.buttons["logs"].click()
    assert "RuntimeError: something odd" in board.message.value and "second line" not in board.message.value
    board.close()


def test_no_widget_function_shadows_a_submodule():
    import importlib
    import pkgutil
    import types

    import kernel_helpers.widgets as package

    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"kernel_helpers.widgets.{info.name}")
        assert getattr(package, info.name, module) is module, info.name
    for name in ("dashboard", "explorer", "run_builder", "namespaces", "units"):
        assert isinstance(getattr(package, name), types.FunctionType), name
