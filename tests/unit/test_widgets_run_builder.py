"""Run builder logic: form -> podman run argv and command line, checks, port leasing."""

from __future__ import annotations

import shlex

import pytest

from kernel_helpers.errors import PortBusy
from kernel_helpers.parsers.argv import published_host_ports
from kernel_helpers.widgets.common import Engine
from kernel_helpers.widgets.run_builder_view import (
    RunBuilder,
    RunForm,
    command_line,
    image_names,
    lines,
    problems,
    run_argv,
)

FULL = RunForm(image="localhost:5000/rhel8/httpd-24:latest", name="web",
               ports=["8080:8080", "127.0.0.1:8443:8443/tcp"], env=["GREETING=hello world", "DEBUG"],
               volumes=["data:/var/www/html:Z"], command="", detach=True, rm=True)


def test_flags_come_before_the_image_in_the_order_of_the_form():
    assert run_argv(FULL) == [
        "run", "-d", "--rm", "--name", "web", "-p", "8080:8080", "-p", "127.0.0.1:8443:8443/tcp",
        "-e", "GREETING=hello world", "-e", "DEBUG", "-v", "data:/var/www/html:Z",
        "localhost:5000/rhel8/httpd-24:latest"]


def test_the_command_line_is_shell_quoted_and_splits_back_to_the_argv():
    line = command_line(run_argv(FULL))
    assert line.startswith("podman run -d --rm --name web ")
    assert "'GREETING=hello world'" in line
    assert shlex.split(line) == ["podman", *run_argv(FULL)]


def test_the_command_goes_after_the_image():
    form = RunForm(image="localhost:5000/busybox:latest", command="sh -c 'sleep 600'", detach=False)
    assert run_argv(form) == ["run", "localhost:5000/busybox:latest", "sh", "-c", "sleep 600"]


def test_published_ports_are_the_ones_the_magic_leases():
    assert published_host_ports(run_argv(FULL)) == [8080, 8443]


def test_lines_are_one_item_each_and_blank_lines_ignored():
    assert lines(" 8080:80 \n\n 9090:90\n") == ["8080:80", "9090:90"]


def test_a_complete_form_has_no_problems():
    assert problems(FULL) == []


@pytest.mark.parametrize(("change", "why"), [
    ({"image": ""}, "pick an image"),
    ({"name": "my web"}, "name 'my web'"),
    ({"ports": ["80:eighty"]}, "HOST:CONTAINER"),
    ({"env": ["1ST=x"]}, "NAME=VALUE"),
    ({"volumes": ["data"]}, "SOURCE:/path"),
    ({"command": "echo 'open"}, "command:"),
])
def test_problems_are_named_one_by_one(change, why):
    form = RunForm(**{**FULL.__dict__, **change})
    found = problems(form)
    assert len(found) == 1 and why in found[0]


def test_image_names_skip_untagged_images():
    import pandas as pd
    df = pd.DataFrame({"Repository": ["localhost/bb", "localhost/bb", "<none>"],
                       "Tag": ["v2", "test", "<none>"]})
    assert image_names(df) == ["localhost/bb:test", "localhost/bb:v2"]


class FakeSandbox:
    """Stands in for a Sandbox's port leasing (the real one is tested in test_ports)."""

    id = "test-1-abcdef"

    def __init__(self, busy=()):
        self.busy, self.claimed = set(busy), []

    def claim_port(self, port):
        if port in self.busy:
            raise PortBusy(port, "sandbox kernel-2-123456")
        self.claimed.append(port)
        return port

    def lease_ports(self, count=1):
        return [20001]


@pytest.fixture
def builder(fake_podman):
    fake_podman.use("images-two-tags", "run-name-in-use")
    return RunBuilder(engine=Engine())


def test_the_form_lists_local_images_and_writes_the_command_line_live(builder):
    assert list(builder.image.options) == ["localhost/bb:test", "localhost/bb:v2"]
    builder.name.value = "web"
    assert "$ podman run -d --name web localhost/bb:test" in builder.line.value
    builder.ports.value = "8080:80"
    builder.command.value = "httpd -f -p 80"
    assert "-p 8080:80 localhost/bb:test httpd -f -p 80" in builder.line.value
    assert "podman run" in builder._repr_mimebundle_()["text/plain"]


def test_run_is_disabled_while_the_form_has_a_problem(builder):
    builder.ports.value = "nonsense"
    assert builder.run_button.disabled and "HOST:CONTAINER" in builder.message.value
    assert builder.run() is None


def test_run_leases_the_host_ports_then_runs_the_exact_argv(builder, fake_podman):
    sandbox = FakeSandbox()
    builder.engine = Engine(env=None, sandbox=sandbox)
    builder.name.value = "web"
    builder.ports.value = "8080:80"
    builder.run_button.click()
    assert sandbox.claimed == [8080]
    assert fake_podman.calls()[-1] == ["podman", *builder.argv]
    assert builder.command_log.commands == ["podman run -d --name web -p 8080:80 localhost/bb:test"]


def test_a_port_held_by_another_sandbox_is_refused_before_podman_runs(builder, fake_podman):
    builder.engine = Engine(env=None, sandbox=FakeSandbox(busy={8080}))
    builder.ports.value = "8080:80"
    before = len(fake_podman.calls())
    assert builder.run() is None
    assert len(fake_podman.calls()) == before
    assert "host port 8080 is already taken" in builder.message.value
    assert "e.g. 20001" in builder.message.value
