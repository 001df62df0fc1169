"""The notes' commands typed verbatim: remapped registries and ``--format json`` (no podman)."""

from __future__ import annotations

import json
import os

import pytest

from kernel_helpers import classroom, registries, runner
from kernel_helpers.parsers import plan
from kernel_helpers.parsers.remaps import remap_args, remaps_from_toml

with pytest.MonkeyPatch.context() as _mp:  # the kit's default port, whatever this run's classroom uses
    _mp.delenv(classroom.PORT_ENV, raising=False)
    KIT = remaps_from_toml(registries.registries_conf_text())


def test_the_kits_remaps_are_read_from_its_registries_conf():
    assert KIT == [("registry.access.redhat.com", "localhost:5000"),  # longest prefix first
                   ("docker.io/library/busybox", "localhost:5000/busybox"),
                   ("registry.redhat.io", "localhost:5000")]


def test_blocked_wildcard_and_broken_entries_are_not_remaps():
    text = """
[[registry]]
prefix = "blocked.example.com"
location = "elsewhere.example.com"
blocked = true
[[registry]]
prefix = "*.example.org"
location = "mirror:5000"
[[registry]]
location = "localhost:5000"
"""
    assert remaps_from_toml(text) == []
    assert remaps_from_toml("this is [not toml") == []


@pytest.mark.parametrize("tool, args, expected, note", [
    ("podman", ["search", "registry.redhat.io/rhel8"], ["search", "localhost:5000/rhel8"],
     "registry.redhat.io is remapped to localhost:5000 by the kit's registries.conf: "
     "searched localhost:5000/rhel8"),
    ("podman", ["search", "--limit", "3", "registry.access.redhat.com/ubi8"],
     ["search", "--limit", "3", "localhost:5000/ubi8"], "searched localhost:5000/ubi8"),
    ("skopeo", ["inspect", "docker://registry.redhat.io/rhel8/httpd-24"],
     ["inspect", "docker://localhost:5000/rhel8/httpd-24"],
     "registry.redhat.io is remapped to localhost:5000 by the kit's registries.conf: "
     "inspected docker://localhost:5000/rhel8/httpd-24"),
    ("skopeo", ["--debug", "list-tags", "docker://registry.redhat.io/rhel8/httpd-24"],
     ["--debug", "list-tags", "docker://localhost:5000/rhel8/httpd-24"],
     "listed the tags of docker://localhost:5000/rhel8/httpd-24"),
    ("skopeo", ["inspect", "docker://docker.io/library/busybox:latest"],
     ["inspect", "docker://localhost:5000/busybox:latest"],
     "docker.io/library/busybox is remapped to localhost:5000/busybox"),
])
def test_remapped_names_are_rewritten_with_a_note(tool, args, expected, note):
    rewritten, said = remap_args(tool, args, KIT)
    assert rewritten == expected
    assert note in said and "\n" not in said


@pytest.mark.parametrize("tool, args", [
    ("podman", ["search", "localhost:5000/rhel8"]),
    ("podman", ["search", "registry.redhat.io"]),  # a search term, not a registry
    ("podman", ["search", "registry.redhat.iox/rhel8"]),
    ("podman", ["search", "docker.io/library/busyboxes"]),
    ("podman", ["pull", "registry.redhat.io/rhel8/httpd-24"]),  # pulls follow the remap
    ("skopeo", ["copy", "docker://registry.redhat.io/a", "dir:/tmp/a"]),
    ("skopeo", ["inspect", "docker://quay.io/x"]),
])
def test_other_commands_are_untouched(tool, args):
    assert remap_args(tool, args, KIT) == (args, None)


@pytest.fixture
def sandbox_env(tmp_path, fake_podman):
    conf = tmp_path / "registries.conf"
    conf.write_text(registries.registries_conf_text())
    return dict(os.environ, CONTAINERS_REGISTRIES_CONF=str(conf))


def test_search_runs_on_the_classroom_but_shows_what_was_typed(sandbox_env, fake_podman):
    fake_podman.use("search-course")
    result = runner.run("podman", ["search", "registry.redhat.io/rhel8"], env=sandbox_env)
    assert fake_podman.calls() == [["podman", "search", "--format", "json", "localhost:5000/rhel8"]]
    assert result.command_line == "podman search registry.redhat.io/rhel8"
    assert result.note.startswith("registry.redhat.io is remapped to localhost:5000")
    assert result.df is not None and not result.df.empty


def test_skopeo_inspect_runs_on_the_classroom(sandbox_env, fake_podman):
    fake_podman.use("skopeo-inspect")
    result = runner.run("skopeo", ["inspect", "docker://registry.redhat.io/rhel8/httpd-24"],
                        env=sandbox_env)
    assert fake_podman.calls()[0][-1] == "docker://localhost:5000/rhel8/httpd-24"
    assert result.shown_argv == ["skopeo", "inspect", "docker://registry.redhat.io/rhel8/httpd-24"]
    assert "inspected docker://localhost:5000/rhel8/httpd-24" in result.note


def test_without_a_sandbox_registries_conf_nothing_is_rewritten(fake_podman, monkeypatch):
    monkeypatch.delenv("CONTAINERS_REGISTRIES_CONF", raising=False)
    runner.run("podman", ["search", "registry.redhat.io/rhel8"])
    assert fake_podman.calls()[0][-1] == "registry.redhat.io/rhel8"


@pytest.mark.parametrize("argv, kind", [
    (["images", "--format", "json"], "images"), (["ps", "-a", "--format=json"], "ps"),
    (["inspect", "--format", "json", "web"], "inspect"), (["inspect", "-f", "json", "web"], "inspect"),
    (["info", "--format=json"], "info"), (["network", "ls", "--format", "json"], "network_ls"),
])
def test_a_learners_json_is_run_as_typed_and_still_a_table(argv, kind):
    p = plan(argv)
    assert (p.kind, p.run_argv, p.shown_argv, p.as_text) == (kind, argv, argv, True)


@pytest.mark.parametrize("argv", [["images", "--format", "{{json .}}"], ["ps", "--format", "json", "-q"],
                                  ["images", "--format", "table"]])
def test_other_formats_stay_plain(argv):
    assert plan(argv).kind is None


def test_skopeo_format_json_is_a_template_not_a_table():
    assert plan(["inspect", "--format", "json", "docker://r/x"], tool="skopeo").kind is None


def test_images_format_json_shows_the_json_and_fills_df(fake_podman):
    fake_podman.use("images-two-tags")
    result = runner.run("podman", ["images", "--format", "json"])
    assert fake_podman.calls() == [["podman", "images", "--format", "json"]]
    assert result.df is not None and len(result.df) == len(json.loads(result.stdout))
    assert result.to_text().splitlines()[1] == "["  # the JSON, as podman printed it
    assert '<pre class="kh-stdout">[' in result._repr_html_()
    assert "kh-table" not in result._repr_html_()


def test_a_plain_table_is_shown_as_before(fake_podman):
    fake_podman.use("images-two-tags")
    result = runner.run("podman", ["images"])
    assert result.show_table and "kh-table" in result._repr_html_()
