"""The one podman/skopeo argv model (``parsers.argv``) and the kit's decisions made with it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from kernel_helpers import runner
from kernel_helpers.errors import KitError
from kernel_helpers.parsers import argv, podman_flags
from kernel_helpers.parsers.argv import ArgvError, parse, parse_publish, published_host_ports
from kernel_helpers.parsers.planning import plan
from kernel_helpers.parsers.remaps import remap_args

REPO = Path(__file__).resolve().parents[2]


def _recorder():
    """``scripts/record-podman-flags.py`` as a module (its name has hyphens)."""
    spec = importlib.util.spec_from_file_location("record_podman_flags",
                                                  REPO / "scripts" / "record-podman-flags.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


RECORDER = _recorder()


# --- the bug: a global option with a value before the subcommand ---------------------

def test_a_global_value_option_is_not_the_subcommand():
    args = ["--hooks-dir", "/h", "run", "-d", "-p", "8080:80", "IMG"]
    cmd = parse(args)
    assert cmd.words == ("run",) and cmd.target == "IMG"
    assert [(o.name, o.value) for o in cmd.global_options] == [("--hooks-dir", "/h")]
    assert published_host_ports(args) == [8080]


def test_a_global_value_option_before_logs_follow_is_streaming():
    assert runner.is_streaming("podman", ["--hooks-dir", "/h", "logs", "-f", "x"])


@pytest.mark.parametrize("args, expected", [
    (["ps", "-a"], ("ps",)),
    (["--log-level", "debug", "ps"], ("ps",)),
    (["--log-level=debug", "ps"], ("ps",)),
    (["-c", "conn", "--remote", "ps"], ("ps",)),
    (["container", "ls", "-a"], ("container", "ls")),
    (["container", "--log-level", "debug", "ls"], ("container", "ls")),
    (["run", "-it", "img", "bash"], ("run",)),
    (["image", "inspect", "x"], ("image", "inspect")),
    (["system", "connection", "ls"], ("system", "connection", "ls")),
    (["--root", "/r", "--storage-opt", "x=y", "network", "ls"], ("network", "ls")),
    (["--context", "default", "ps"], ("ps",)),  # hidden in --help, known all the same
    (["frobnicate", "-x", "a"], ("frobnicate",)),  # an unknown command: podman refuses it
    (["container", "frob", "x"], ("container", "frob")),
    (["--version"], ()),
    ([], ()),
])
def test_command_words(args, expected):
    assert parse(args).words == expected
    assert argv.command_words(args) == list(expected)


def test_the_option_span_stops_at_the_image():
    args = ["run", "--name", "web", "-it", "-e", "A=1", "--rm", "img", "ls", "-t"]
    cmd = parse(args)
    assert args[cmd.first:cmd.stop] == ["--name", "web", "-it", "-e", "A=1", "--rm"]
    assert cmd.target == "img" and cmd.command == ("ls", "-t")
    assert cmd.values("--name") == ["web"] and cmd.values("--env") == ["A=1"]


def test_option_forms():
    cmd = parse(["run", "--name=web", "-p8080:80", "-p=9090:90", "-itp", "7070:70", "--rm=false",
                 "--detach=true", "img"])
    assert cmd.values("--name") == ["web"]
    assert cmd.values("--publish") == ["8080:80", "9090:90", "7070:70"]
    assert cmd.enabled("--interactive") and cmd.enabled("--tty") and cmd.enabled("--detach")
    assert not cmd.enabled("--rm") and cmd.target == "img"


def test_double_dash_ends_the_options():
    cmd = parse(["run", "--rm", "--", "img", "-p", "1:2"])
    assert cmd.target == "img" and cmd.command == ("-p", "1:2") and cmd.stop == 2
    assert parse(["ps", "--", "-a"]).enabled("--all") is False


def test_options_after_arguments_count_where_podman_allows_them():
    assert parse(["stats", "web", "--no-stream"]).enabled("--no-stream")
    assert parse(["ps", "--filter", "name=x", "-a"]).enabled("--all")
    assert parse(["inspect", "web", "-f", "{{.Id}}"]).values("--format") == ["{{.Id}}"]
    # run, create, exec, logs, top...: the first argument ends the options
    assert parse(["exec", "web", "ls", "-l"]).command == ("ls", "-l")
    assert not parse(["logs", "web", "-f"]).enabled("--follow")


def test_the_same_letter_is_read_per_command():
    assert parse(["start", "-ai", "web"]).enabled("--attach")
    assert parse(["run", "-a", "stdout", "img"]).values("--attach") == ["stdout"]
    assert parse(["run", "-h", "box", "img"]).values("--hostname") == ["box"]
    assert parse(["ps", "-n", "3"]).values("--last") == ["3"]


def test_global_options_are_understood_after_the_subcommand():
    args = ["run", "--log-level", "debug", "-p", "8080:80", "img"]
    assert parse(args).target == "img" and published_host_ports(args) == [8080]


def test_compose_hands_everything_on():
    cmd = parse(["compose", "-f", "x.yml", "up", "-d"])
    assert cmd.words == ("compose",) and not cmd.options
    assert cmd.command == ("x.yml", "up", "-d")


@pytest.mark.parametrize("args, expected", [
    (["--override-arch", "arm64", "inspect", "docker://x"], ("inspect",)),
    (["--command-timeout", "10s", "--policy", "p.json", "list-tags", "docker://x"], ("list-tags",)),
    (["--registries-conf", "r.conf", "--registries.d", "d", "copy", "a", "b"], ("copy",)),
    (["--debug", "inspect", "--raw", "docker://x"], ("inspect",)),
])
def test_skopeo_global_options(args, expected):
    cmd = parse(args, "skopeo")
    assert cmd.words == expected and cmd.target and cmd.target != args[1]


# --- -p / --publish --------------------------------------------------------------------------

@pytest.mark.parametrize("args, expected", [
    (["run", "-p", "80", "img"], []),  # a random host port: nothing to lease
    (["run", "-p", "127.0.0.1::80", "img"], []),
    (["run", "-p", ":80", "img"], []),
    (["run", "img", "-p", "1:2"], []),  # after the image: the container's own arguments
    (["run", "--publish=127.0.0.1:8080:80/udp", "img"], [8080]),
    (["run", "-p8080:80", "img"], [8080]),
    (["run", "-p", "8080-8082:80-82", "img"], [8080, 8081, 8082]),
    (["run", "-p", "[::1]:8080:80", "img"], [8080]),
    (["run", "-p", "8080:80/tcp,udp", "img"], [8080]),
    (["container", "run", "-p", "8080:80", "img"], [8080]),
    (["create", "-P", "img"], []),
    (["pod", "create", "-p", "8080:80", "--name", "p"], [8080]),
    (["run", "--rm=false", "-d", "-p", "8081:80", "img"], [8081]),
    (["ps", "-p"], []),
    (["port", "web", "80"], []),
])
def test_published_host_ports(args, expected):
    assert published_host_ports(args) == expected


def test_a_publish_spec_is_read_whole():
    spec = parse_publish("[::1]:8080-8081:80-81/udp")
    assert (spec.host_ip, spec.host_ports, spec.container_ports, spec.protocols) == (
        "::1", range(8080, 8082), range(80, 82), ("udp",))
    assert parse_publish("80").host_ports is None and parse_publish("80").protocols == ("tcp",)


@pytest.mark.parametrize("spec, message", [
    ("70000:80", "-p 70000:80: host port must be 1-65535"),
    ("8080:0", "-p 8080:0: container port must be 1-65535"),
    ("http:80", "-p http:80: host port 'http' is not a port number or LOW-HIGH range"),
    ("8082-8080:80-82", "-p 8082-8080:80-82: host port range 8082-8080 must go from low to high"),
    ("8080-8082:80-81", "-p 8080-8082:80-81: the host range has 3 ports, the container range 2"),
    ("8080:", "-p 8080:: the container port is missing"),
    ("8080:80/icmp", "-p 8080:80/icmp: the protocol must be tcp, udp or sctp"),
    ("8080:80/tcp/udp", "-p 8080:80/tcp/udp: give the protocol once"),
    ("::1:8080:80", "-p ::1:8080:80: write [IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]"),
    ("[::1:8080:80", "-p [::1:8080:80: write [IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]"),
    ("::1]:8080:80", "-p ::1]:8080:80: write an IPv6 address in brackets"),
    ("300.1.1.1:8080:80", "-p 300.1.1.1:8080:80: '300.1.1.1' is not an IP address"),
])
def test_bad_publish_specs_are_one_line_errors(spec, message):
    with pytest.raises(ArgvError) as info:
        published_host_ports(["run", "-p", spec, "img"])
    assert str(info.value).startswith(message) and "\n" not in str(info.value)
    assert isinstance(info.value, KitError)


# --- the runner's decisions --------------------------------------------------------------------

@pytest.mark.parametrize("args, streaming", [
    (["logs", "-f", "web"], True), (["logs", "--follow", "web"], True),
    (["logs", "--follow=false", "web"], False), (["logs", "web", "-f"], False),
    (["container", "logs", "-f", "web"], True), (["pod", "logs", "-f", "p"], True),
    (["logs", "--tail", "5", "web"], False), (["logs", "-n", "-f", "web"], True),
    (["stats", "web", "--no-stream"], False), (["stats", "--no-stream=false"], True),
    (["system", "events"], True), (["events", "--stream=false"], False),
    (["--log-level", "debug", "events"], True), (["container", "attach", "web"], True),
    (["run", "img", "logs", "-f"], False),
])
def test_streaming(args, streaming):
    assert runner.is_streaming("podman", args) is streaming


@pytest.mark.parametrize("args, expected", [
    (["run", "-itp", "8080:80", "img", "sh", "-t"], ["run", "-ip", "8080:80", "img", "sh", "-t"]),
    (["run", "-ti", "img"], ["run", "-i", "img"]),
    (["run", "-i", "--tty", "img"], ["run", "-i", "img"]),
    (["run", "-i", "--tty=true", "img"], ["run", "-i", "img"]),
    (["--log-level", "debug", "exec", "-i", "-t", "web", "sh"],
     ["--log-level", "debug", "exec", "-i", "web", "sh"]),
])
def test_t_is_dropped_next_to_i(args, expected):
    prepared = runner.prepare("podman", args, "echo hi\n")
    assert prepared.run_argv == ["podman", *expected] and prepared.stdin == "echo hi\n"


def test_i_given_false_reads_no_cell():
    prepared = runner.prepare("podman", ["run", "-i=false", "-t", "img"], None)
    assert prepared.stdin is None and prepared.run_argv == ["podman", "run", "-i=false", "-t", "img"]


def test_a_foreground_run_keeps_its_global_options():
    args = ["--hooks-dir", "/h", "run", "--rm", "img"]
    assert runner._foreground_run("podman", args, ["sudo"]) == ["sudo", "podman", "--hooks-dir", "/h"]
    assert runner._foreground_run("podman", ["run", "--detach=true", "img"], None) is None
    assert runner._foreground_run("podman", ["run", "-d=false", "img"], None) == ["podman"]
    assert runner._foreground_run("podman", ["ps"], None) is None


def test_refusals_see_past_global_options(monkeypatch, tmp_path):
    assert "shared by every sandbox" in runner.refusal("podman", ["--hooks-dir", "/h", "network", "prune"])
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path))
    monkeypatch.setenv(runner.MIN_FREE_ENV, str(10**12))
    assert runner.refusal("podman", ["--hooks-dir", "/h", "run", "img"]).startswith("only ")
    assert runner.refusal("podman", ["--hooks-dir", "/h", "ps"]) is None


@pytest.mark.parametrize("args, kind, as_text", [
    (["ps", "--filter", "name=-q"], "ps", False),  # a value, not -q
    (["ps", "--quiet=false"], "ps", False),
    (["inspect", "-f", "json", "web"], "inspect", True),  # -f is --format for inspect...
    (["ps", "-f", "name=web"], "ps", False),  # ...and --filter for ps
    (["container", "--help", "ls"], None, False),
    (["container", "ls", "-w", "2"], None, False),
])
def test_planning_reads_options_with_the_model(args, kind, as_text):
    p = plan(args)
    assert (p.kind, p.as_text) == (kind, as_text)


def test_remaps_rewrite_references_not_option_values():
    args = ["search", "--format", "registry.redhat.io/{{.Name}}", "registry.redhat.io/rhel8"]
    out, note = remap_args("podman", args, [("registry.redhat.io", "localhost:5000")])
    assert out == [*args[:3], "localhost:5000/rhel8"] and "searched localhost:5000/rhel8" in note


# --- the flag tables and podman's own help ------------------------------------------------------

def test_the_flag_module_is_generated_from_the_recorded_help():
    assert podman_flags.PODMAN_VERSIONS == tuple(RECORDER.pages("podman"))
    assert len(podman_flags.PODMAN_VERSIONS) >= 2  # podman 4 (this course's hosts) and podman 5
    assert (REPO / "kernel_helpers" / "parsers" / "podman_flags.py").read_text() == RECORDER.module_text(), \
        "run scripts/record-podman-flags.py"


@pytest.mark.parametrize("tool", ["podman", "skopeo"])
def test_every_recorded_option_is_read_as_its_help_says(tool):
    """A new podman's help, once recorded, fails here until the tables know its options."""
    checked = 0
    for version, by_path in RECORDER.pages(tool).items():
        for path, page in by_path.items():
            table = argv.option_table(tool, " ".join(path))
            for long, spelling in page.flags.items():
                assert table[long] == (long, spelling.endswith("=")), f"{tool} {version} {path} {long}"
                if "/" in spelling:
                    assert table[spelling.split("/")[0]] == table[long]
                checked += 1
            assert all(argv.known_path(tool, " ".join((*path, sub)))
                       for sub in page.commands if sub not in RECORDER.UNRECORDED)
    assert checked > 100


def test_the_help_parser_reads_types_optional_values_and_aliases():
    page = RECORDER.parse_help(
        "Usage:\n  podman x\n\nAliases:\n  ls, list\n\nOptions:\n"
        "  -a, --all                 Show all\n"
        "      --pull string[=\"missing\"]   Pull policy\n"
        "  -m, --memory <number>[<unit>]   Memory limit\n"
        "                            continued text -x, --no\n"
        "      --quiet\n")
    assert page.flags == {"--all": "-a/--all", "--pull": "--pull", "--memory": "-m/--memory=",
                          "--quiet": "--quiet"}
    assert page.aliases == ["ls", "list"]


def test_the_commands_the_parser_names_exist():
    for path in argv.NOT_INTERSPERSED | argv.PUBLISHING:
        assert argv.known_path("podman", path), path
    assert {"run", "create", "exec", "logs"} <= argv.NOT_INTERSPERSED


def test_docstring_examples():
    import doctest

    assert doctest.testmod(argv).failed == 0
