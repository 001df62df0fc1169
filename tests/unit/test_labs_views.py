"""What %lab shows (the task sheet, the checklist, the finish report), the %lab line, the magic
and the terminal command. No podman here."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError as IPythonUsageError
from IPython.core.interactiveshell import InteractiveShell

from kernel_helpers import magics
from kernel_helpers.__main__ import main as kit_main
from kernel_helpers.errors import UsageError
from kernel_helpers.labs import line, loader
from kernel_helpers.labs.format import BUILTINS
from kernel_helpers.labs.views import FinishReport, GradeResult, LabSheet, Row

ROWS = [Row("running", "container web is running", True, "web is running"),
        Row("page", "http://127.0.0.1:8000/ answers 200", False, "nothing answers on port 8000",
            "Publish 8080 <inside>.")]


def test_the_grade_is_a_checklist_with_hints_for_the_fails():
    result = GradeResult("04-web-page", "Publish a web server", ROWS)
    assert not result.passed and result.failed_ids == ["page"]
    assert result.row("page").result == "FAIL"
    assert result.to_text() == (
        "lab 04-web-page: 1 of 2 checks pass\n"
        "PASS  container web is running: web is running\n"
        "FAIL  http://127.0.0.1:8000/ answers 200: nothing answers on port 8000\n"
        "      hint: Publish 8080 <inside>.")
    assert list(result.df.columns) == ["check", "result", "reason", "hint"]
    assert list(result.df["result"]) == ["PASS", "FAIL"]
    html = result._repr_html_()
    assert "Publish 8080 &lt;inside&gt;." in html and html.count("<tr>") == 3
    assert html == GradeResult("04-web-page", "Publish a web server", list(ROWS))._repr_html_()
    with pytest.raises(KeyError, match="no check 'nope'"):
        result.row("nope")


def test_a_grade_that_passes_says_so_and_one_not_started_says_how():
    assert GradeResult("x", "t", ROWS[:1]).summary == "lab x: all checks pass: well done"
    assert GradeResult("x", "t", ROWS, started=False).summary.endswith(
        "(not started: %lab start x prepares it)")


def test_the_task_sheet_folds_each_hint_and_names_the_next_commands():
    lab = loader.get("03-rhel7").bind({k: "v" for k in BUILTINS})
    sheet = LabSheet(lab, ["%podman pull -q registry.access.redhat.com/ubi7/ubi:latest"],
                     ["removed container rhel7"])
    markdown = sheet._repr_markdown_()
    assert markdown.startswith("### Lab 03-rhel7: Run rhel7")
    assert markdown.count("<details><summary>Hint ") == len(lab.hints) == 3
    assert "`%lab grade 03-rhel7`" in markdown and lab.task in markdown
    assert "reset: removed container rhel7" in markdown and "set-up: %podman pull" in markdown
    text = sheet.to_text()
    assert "hint 3: " in text and "When you are done: %lab grade 03-rhel7." in text


def test_the_rootless_sheet_says_how_to_type_the_commands():
    lab = loader.get("03-entrypoint").bind({k: "v" for k in BUILTINS})
    assert "%podman --rootless" in LabSheet(lab).to_text().splitlines()[1]


def test_the_finish_report_lists_names():
    assert FinishReport("x", []).to_text() == "lab x finished: nothing to remove"
    report = FinishReport("x", ["removed container web"])
    assert report.to_text() == "lab x finished:\n  removed container web"


@pytest.mark.parametrize("text, parsed", [
    ("", ("list", None)), ("list", ("list", None)), ("start 03-rhel7", ("start", "03-rhel7")),
    (" grade  03-rhel7 ", ("grade", "03-rhel7")), ("finish 03-rhel7", ("finish", "03-rhel7"))])
def test_the_lab_line(text, parsed):
    assert line.parse(text) == parsed


@pytest.mark.parametrize("text, words", [
    ("solve 03-rhel7", "unknown action 'solve'"), ("start", "needs one lab name"),
    ("grade a b", "needs one lab name"), ("list 03-rhel7", "takes no lab name"),
    ("start 'open", "cannot split")])
def test_a_bad_lab_line_is_one_line(text, words):
    with pytest.raises(UsageError) as caught:
        line.parse(text)
    assert words in str(caught.value) and "\n" not in str(caught.value)


@pytest.fixture
def ipython():
    ip = InteractiveShell.instance()
    ip.register_magics(magics.PodmanMagics)
    return ip


def test_the_magic_lists_the_labs_and_refuses_bad_lines_in_one_line(ipython):
    table = ipython.run_line_magic("lab", "list")
    assert list(table["name"]) == list(loader.labs())
    with pytest.raises(IPythonUsageError, match="unknown action 'solve'"):
        ipython.run_line_magic("lab", "solve x")
    with pytest.raises(IPythonUsageError, match="no lab named 'nope'"):
        ipython.run_line_magic("lab", "grade nope")


def test_the_magic_help_is_the_format_and_the_check_kinds(ipython):
    doc = ipython.find_line_magic("lab").__doc__
    assert doc.startswith("Practice on the real engine") and "container_flag(" in doc


def test_the_terminal_command_lists_labs_and_needs_a_sandbox_shell(capsys, monkeypatch):
    assert kit_main(["lab", "list"]) == 0
    assert "03-rhel7" in capsys.readouterr().out
    monkeypatch.delenv("PODMAN_COURSE_SANDBOX", raising=False)
    assert kit_main(["lab", "grade", "03-rhel7"]) == 2
    assert "this shell lives in no sandbox" in capsys.readouterr().err
    assert kit_main(["lab", "start"]) == 2
    assert "lab start needs one lab name" in capsys.readouterr().err
