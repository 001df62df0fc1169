"""How the magic line is split: kit options first, podman's own flags untouched."""

from __future__ import annotations

import pytest

from kernel_helpers.commands import split_kit_options
from kernel_helpers.errors import KitError
from kernel_helpers.parsers.argv import published_host_ports


def test_kit_options_are_taken_only_from_the_front():
    options, args = split_kit_options("--timeout 5 --raw run --rm --timeout 9 img")
    assert options.timeout == 5 and options.raw
    assert args == ["run", "--rm", "--timeout", "9", "img"]


def test_quotes_are_respected_without_a_shell():
    _, args = split_kit_options("run --rm img sh -c 'echo $HOME; ls'")
    assert args[-1] == "echo $HOME; ls"


@pytest.mark.parametrize("line", ["--timeout soon ps", "run 'unclosed"])
def test_bad_lines_are_one_line_errors(line):
    with pytest.raises(KitError):
        split_kit_options(line)


@pytest.mark.parametrize("args, expected", [
    (["run", "-d", "-p", "8000:8080", "img"], [8000]),
    (["run", "-p", "127.0.0.1:8080:8080/tcp", "img"], [8080]),
    (["run", "--publish=3306:3306", "-p", "9000-9001:80-81", "img"], [3306, 9000, 9001]),
    (["run", "-p", "8080", "img"], []),
    (["run", "img", "-p", "1:2"], []),
    (["ps", "-p", "1:2"], []),
    (["create", "-p8081:80", "img"], [8081]),
])
def test_published_host_ports(args, expected):
    assert published_host_ports(args) == expected


def test_placeholders_expand_but_go_templates_stay():
    from kernel_helpers.commands import expand_placeholders

    line = "run -p {PORT}:8080 --format '{{.Names}}' {missing} sh -c 'echo $HOME'"
    assert expand_placeholders(line, {"PORT": 8000}) == (
        "run -p 8000:8080 --format '{{.Names}}' {missing} sh -c 'echo $HOME'")


@pytest.mark.parametrize("line, words", [
    ("--timeout soon ps", "invalid float value: 'soon'"),
    ("--timeout", "expected one argument"),
    ("--timeout 0 ps", "positive number"),
    ("--raw", "nothing to run"),
    ("run 'unclosed", "cannot split"),
])
def test_usage_errors_are_one_line_with_the_usage(line, words, capsys):
    from kernel_helpers.errors import UsageError

    with pytest.raises(UsageError) as caught:
        split_kit_options(line)
    message = str(caught.value)
    assert words in message and "\n" not in message
    assert message.startswith("%podman") and ("usage: %podman [--timeout SECONDS]" in message
                                              or "cannot split" in message)
    assert capsys.readouterr() == ("", "")  # argparse printed nothing


def test_skopeo_has_no_rootless_option():
    from kernel_helpers.errors import UsageError

    _, args = split_kit_options("--rootless inspect x", "podman")
    with pytest.raises(UsageError):
        split_kit_options("--timeout=x inspect", "skopeo")
    _, args = split_kit_options("--rootless inspect x", "skopeo")
    assert args[0] == "--rootless"


def test_a_refusal_shows_the_command_as_typed():
    from kernel_helpers.commands import run_args

    result = run_args("podman", ["system", "prune", "-af"])
    assert result.returncode == -1 and result.command_line == "podman system prune -af"
    assert result.to_text().splitlines()[0] == "$ podman system prune -af"


def test_the_magic_raises_ipython_usage_error():
    from IPython.core.error import UsageError as IPythonUsageError

    from kernel_helpers.magics import PodmanMagics

    magic = PodmanMagics(shell=None)
    with pytest.raises(IPythonUsageError, match="expected one argument"):
        magic.podman("--timeout")


def test_a_bad_publish_spec_is_refused_in_one_line():
    from kernel_helpers.commands import run_args

    result = run_args("podman", ["run", "-d", "-p", "70000:80", "img"])
    assert result.returncode == -1
    assert result.stderr == "not run: -p 70000:80: host port must be 1-65535"
