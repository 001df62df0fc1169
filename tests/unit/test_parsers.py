"""Parsers against outputs recorded from the real podman 4.3.1 / skopeo 1.9.3."""

from __future__ import annotations

import json
import re

import pytest

from kernel_helpers import parsers
from kernel_helpers.errors import ParseError
from kernel_helpers.parsers import plan, registries_frame, split_image_reference, to_frame
from kernel_helpers.parsers.common import human_size, when

DATE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def frame(recording, kind, name):
    return to_frame(kind, recording(name)["stdout"])


# -- plan ------------------------------------------------------------------------------
@pytest.mark.parametrize("argv, kind, run_argv", [
    (["ps", "-a"], "ps", ["ps", "--format", "json", "-a"]),
    (["images"], "images", ["images", "--format", "json"]),
    (["inspect", "x"], "inspect", ["inspect", "x"]),
    (["port", "web"], "port", ["port", "web"]),
    (["search", "ubi", "--limit", "3"], "search", ["search", "--format", "json", "ubi", "--limit", "3"]),
    (["history", "img"], "history", ["history", "--format", "json", "img"]),
    (["info"], "info", ["info", "--format", "json"]),
    (["network", "ls"], "network_ls", ["network", "ls", "--format", "json"]),
    (["volume", "ls"], "volume_ls", ["volume", "ls", "--format", "json"]),
    (["container", "ls"], "ps", ["container", "ls", "--format", "json"]),
    (["image", "ls"], "images", ["image", "ls", "--format", "json"]),
    (["container", "inspect", "a", "b"], "inspect", ["container", "inspect", "a", "b"]),
    (["image", "inspect", "x"], "inspect", ["image", "inspect", "x"]),
    (["image", "history", "x"], "history", ["image", "history", "--format", "json", "x"]),
    (["pod", "ps"], "pod_ps", ["pod", "ps", "--format", "json"]),
    (["system", "info"], "info", ["system", "info", "--format", "json"]),
    (["ps", "-f", "name=web"], "ps", ["ps", "--format", "json", "-f", "name=web"]),
    (["--log-level", "debug", "ps"], "ps", ["--log-level", "debug", "ps", "--format", "json"]),
    (["--log-level=debug", "-r", "images"], "images",
     ["--log-level=debug", "-r", "images", "--format", "json"]),
    (["--root", "/x", "network", "ls"], "network_ls", ["--root", "/x", "network", "ls", "--format", "json"]),
])
def test_plan_table_commands(argv, kind, run_argv):
    p = plan(argv)
    assert (p.kind, p.run_argv, p.shown_argv, p.tool) == (kind, run_argv, argv, "podman")
    assert p.is_table


@pytest.mark.parametrize("argv", [
    ["ps", "--format", "{{.ID}}"], ["ps", "--format=json", "-q"], ["ps", "-q"], ["ps", "-aq"],
    ["images", "--quiet"], ["ps", "--help"], ["ps", "-h"], ["--help", "ps"],
    ["inspect", "-f", "{{.Id}}", "web"], ["info", "-f", "{{.Host.Arch}}"], ["ps", "-w", "2"],
    ["run", "-d", "bb"], ["exec", "web", "ps"], ["rm", "-f", "web"], [], ["--version"],
    ["image"], ["network", "create", "n"],
])
def test_plan_plain_commands_are_untouched(argv):
    p = plan(argv)
    assert p.kind is None and p.run_argv == argv and p.shown_argv == argv


def test_plan_skopeo_inspect_only():
    assert plan(["inspect", "docker://r/x"], tool="skopeo").kind == "skopeo_inspect"
    assert plan(["--debug", "inspect", "docker://r/x"], tool="skopeo").run_argv == [
        "--debug", "inspect", "docker://r/x"]
    assert plan(["inspect", "--raw", "docker://r/x"], tool="skopeo").kind is None
    assert plan(["inspect", "--config", "docker://r/x"], tool="skopeo").kind is None
    assert plan(["copy", "a", "b"], tool="skopeo").kind is None
    assert plan(["ps"], tool="buildah").kind is None


def test_plan_does_not_alias_the_callers_list():
    argv = ["ps"]
    p = plan(argv)
    p.run_argv.append("x")
    assert argv == ["ps"] and p.shown_argv == ["ps"]


# -- tables ------------------------------------------------------------------------------
def test_ps_two_running(recording):
    raw = json.loads(recording("ps-two-running")["stdout"])
    df = frame(recording, "ps", "ps-two-running")
    assert list(df.columns) == ["ID", "Names", "Image", "Command", "Created", "Status", "Ports", "State"]
    assert len(df) == 2
    web = df.set_index("Names").loc["web"]
    assert web["ID"] == raw[0]["Id"][:12] and len(web["ID"]) == 12
    assert web["Image"] == "localhost/web:1"
    assert web["Command"] == "sleep 1000"
    assert web["Ports"] == "0.0.0.0:8000->8080/tcp, 127.0.0.1:8001->8081/udp"
    assert web["State"] == "running" and web["Status"].startswith("Up")
    assert DATE.match(web["Created"])
    assert df.set_index("Names").loc["db", "Ports"] == ""


def test_ps_all_includes_created_container(recording):
    df = frame(recording, "ps", "ps-all-three")
    assert dict(zip(df["Names"], df["State"], strict=True)) == {"web": "running", "db": "running",
                                                    "stopped": "created"}


def test_ps_empty_keeps_columns(recording):
    df = frame(recording, "ps", "ps-empty")
    assert df.empty and "Ports" in df.columns


def test_ps_port_ranges_and_old_keys():
    text = json.dumps([{"Id": "a" * 64, "Names": ["r"], "Ports": [
        {"host_ip": "", "container_port": 80, "host_port": 9000, "range": 3, "protocol": "tcp"},
        {"hostPort": 7, "containerPort": 8, "protocol": "udp"}]}])
    assert to_frame("ps", text).loc[0, "Ports"] == "0.0.0.0:9000-9002->80-82/tcp, 0.0.0.0:7->8/udp"


def test_images_one_row_per_name_despite_podman_repeating_entries(recording):
    raw = json.loads(recording("images-two-tags")["stdout"])
    assert len(raw) == 2 and raw[0] == raw[1]  # podman 4.3 quirk: same entry per tag
    df = frame(recording, "images", "images-two-tags")
    assert list(df.columns) == ["Repository", "Tag", "Image ID", "Created", "Size", "Read-only"]
    assert sorted(df["Tag"]) == ["test", "v2"]
    assert set(df["Repository"]) == {"localhost/bb"}
    assert set(df["Size"]) == {"2 MB"} and not df["Read-only"].any()
    assert DATE.match(df.loc[0, "Created"])


def test_images_read_only_store(recording):
    df = frame(recording, "images", "images-readonly-store")
    ro = df.set_index("Repository")["Read-only"]
    assert ro["localhost/shared"] and not ro["localhost/web"]
    assert len(df) == 4


def test_images_untagged_and_missing_keys():
    df = to_frame("images", json.dumps([{"Id": "b" * 64, "Names": None}]))
    assert (df.loc[0, "Repository"], df.loc[0, "Tag"], df.loc[0, "Image ID"]) == (
        "<none>", "<none>", "b" * 12)
    assert df.loc[0, "Size"] == "" and not df.loc[0, "Read-only"]


def test_inspect_container(recording):
    df = frame(recording, "inspect", "inspect-container-running")
    assert len(df) == 1
    row = df.iloc[0]
    assert (row["Name"], row["Image"], row["Status"]) == ("web", "localhost/web:1", "running")
    assert row["Pid"] > 0
    assert row["Entrypoint"] == "/bin/sh -c"  # podman 4.3: a string for containers
    assert row["Cmd"] == '["sleep 1000"]'
    assert row["Ports"] == "0.0.0.0:8000->8080/tcp, 127.0.0.1:8001->8081/udp"
    assert row["Mounts"] == "data:/data"
    assert row["IP"].startswith("10.88.")


def test_inspect_image(recording):
    row = frame(recording, "inspect", "inspect-image").iloc[0]
    assert row["RepoTags"] == "localhost/web:1"
    assert row["Layers"] == 2
    assert "course.chapter=2" in row["Labels"]
    assert row["Entrypoint"] == '["/bin/sh", "-c"]' and row["Cmd"] == '["sleep 1000"]'
    assert row["Architecture"] == "amd64" and row["Size"].endswith("MB")
    assert len(row["ID"]) == 12 and DATE.match(row["Created"])


def test_inspect_mixed_and_unknown_objects(recording):
    objs = json.loads(recording("inspect-image")["stdout"]) + [{"Name": "p", "Id": "c" * 64,
                                                                 "Containers": ["x"], "Opts": {}}]
    df = to_frame("inspect", json.dumps(objs))
    assert len(df) == 2 and "Layers" in df.columns and "Containers" in df.columns
    assert df.loc[1, "Containers"] == "x"
    assert to_frame("inspect", "[]").empty


def test_history(recording):
    df = frame(recording, "history", "history-busybox")
    assert list(df.columns) == ["ID", "Created", "CreatedBy", "Size", "Comment"]
    assert len(df) == 6
    assert "CMD" in df.loc[0, "CreatedBy"] and "ADD file:" in df.loc[5, "CreatedBy"]
    assert "<missing>" in set(df["ID"])
    assert "6.14 kB" in set(df["Size"]) and df.loc[5, "Comment"] == "imported from tarball"


def test_port_text(recording):
    df = frame(recording, "port", "port-web")
    assert list(df.columns) == ["Container port", "Host IP", "Host port"]
    assert df.values.tolist() == [["8080/tcp", "0.0.0.0", 8000], ["8081/udp", "127.0.0.1", 8001]]
    df_all = frame(recording, "port", "port-all")
    assert list(df_all.columns)[0] == "Container" and len(df_all) == 2
    assert to_frame("port", "80/tcp -> [::]:8080\n").loc[0, "Host IP"] == "::"
    assert to_frame("port", "").empty


def test_search_and_list_tags(recording):
    df = frame(recording, "search", "search-course")
    assert list(df.columns)[:3] == ["Index", "Name", "Description"]
    assert list(df["Name"]) == ["localhost:5000/course/bb", "localhost:5000/course/web"]
    tags = frame(recording, "search", "search-list-tags")
    assert list(tags.columns) == ["Name", "Tag"] and sorted(tags["Tag"]) == ["1", "2"]


def test_info_key_values(recording):
    kv = dict(frame(recording, "info", "info").values.tolist())
    assert kv["Podman version"] == "4.3.1"
    assert kv["OCI runtime"] == "runc" and kv["OCI runtime path"] == "/usr/bin/runc"
    assert kv["Network backend"] == "netavark" and kv["Storage driver"] == "overlay"
    assert kv["Graph root"] == "/tmp/kit-record/root"
    assert kv["Additional image stores"] == "/tmp/kit-record/ro"
    assert kv["Search registries"] == "localhost:5000"
    assert "registry.access.redhat.com" in kv["Configured registries"]
    assert kv["cgroup version"] in ("v1", "v2") and kv["Architecture"]


def test_registries_frame(recording):
    df = registries_frame(recording("info")["stdout"]).set_index("Prefix")
    assert df.loc["blocked.example.com", "Blocked"]
    rh = df.loc["registry.access.redhat.com"]
    assert rh["Location"] == "localhost:5000" and rh["Insecure"]
    assert rh["Mirrors"] == "mirror.example.com:5000 (insecure)"
    assert df.loc["localhost:5000", "Search order"] == 1
    assert registries_frame(recording("info")["stdout"]).attrs["search"] == ["localhost:5000"]
    only_search = registries_frame(json.dumps({"registries": {"search": ["a.io", "b.io"]}}))
    assert list(only_search["Prefix"]) == ["a.io", "b.io"]
    assert list(only_search["Search order"]) == [1, 2]


def test_network_volume_pod(recording):
    net = frame(recording, "network_ls", "network-ls")
    assert net.values.tolist() == [["podman", "bridge", "10.88.0.0/16", "podman0"]]
    vol = frame(recording, "volume_ls", "volume-ls")
    assert vol.loc[0, "Name"] == "data" and vol.loc[0, "Mountpoint"].endswith("/data/_data")
    pod = frame(recording, "pod_ps", "pod-ps")
    assert pod.loc[0, "Name"] == "pod1" and pod.loc[0, "Status"] == "Created"


def test_skopeo_inspect(recording):
    text = recording("skopeo-inspect")["stdout"]
    kv = dict(to_frame("skopeo_inspect", text).values.tolist())
    assert kv["Name"] == "localhost:5000/course/web" and kv["Digest"].startswith("sha256:")
    assert kv["Layers"] == 2 and kv["Os"] == "linux" and "1" in kv["RepoTags"]
    layers = parsers.layers_frame(text)
    assert len(layers) == 2 and layers["Digest"].str.startswith("sha256:").all()
    with_data = parsers.layers_frame(json.dumps({"LayersData": [
        {"MIMEType": "application/vnd.oci.image.layer.v1.tar+gzip", "Digest": "sha256:1",
         "Size": 2000}]}))
    assert with_data.loc[0, "Size"] == "2 kB"


@pytest.mark.parametrize("kind", sorted(set(parsers.FRAMES) - {"port"}))
def test_garbage_raises_parse_error(kind):
    with pytest.raises(ParseError) as info:
        to_frame(kind, "Error: this is not json {")
    assert info.value.text == "Error: this is not json {" and info.value.what == kind


def test_parse_error_on_unknown_kind_and_bad_port_line():
    with pytest.raises(ParseError):
        to_frame("nope", "[]")
    with pytest.raises(ParseError):
        to_frame("port", "hello world\n")
    with pytest.raises(ParseError):
        to_frame("ps", '"a string"')


@pytest.mark.parametrize("kind", sorted(parsers.FRAMES))
def test_missing_keys_never_crash(kind):
    text = "80/tcp -> 0.0.0.0:1" if kind == "port" else "[{}]"
    df = to_frame(kind, text)
    assert df is not None


# -- references and helpers ------------------------------------------------------------------
@pytest.mark.parametrize("ref, expected", [
    ("registry.access.redhat.com/ubi8/ubi:latest",
     ("registry.access.redhat.com", "ubi8", "ubi", "latest", None)),
    ("registry.redhat.io/rhel8/httpd-24:1-105", ("registry.redhat.io", "rhel8", "httpd-24", "1-105", None)),
    ("ubi", (None, None, "ubi", "latest", None)),
    ("rhel8/mariadb-103", (None, "rhel8", "mariadb-103", "latest", None)),
    ("localhost:5000/busybox", ("localhost:5000", None, "busybox", "latest", None)),
    ("localhost/bb:test", ("localhost", None, "bb", "test", None)),
    ("quay.io:443/a/b/c:1", ("quay.io:443", "a/b", "c", "1", None)),
    ("docker.io/library/nginx", ("docker.io", "library", "nginx", "latest", None)),
    ("ubi8/ubi@sha256:" + "0" * 64, (None, "ubi8", "ubi", None, "sha256:" + "0" * 64)),
    ("docker://quay.io/x:2", ("quay.io", None, "x", "2", None)),
])
def test_split_image_reference(ref, expected):
    keys = ("registry", "user", "image", "tag", "digest")
    assert split_image_reference(ref) == dict(zip(keys, expected, strict=True))


@pytest.mark.parametrize("bad", ["", "a//b", "x@nodigest"])
def test_split_image_reference_rejects_nonsense(bad):
    with pytest.raises(ValueError):
        split_image_reference(bad)


def test_helpers():
    assert human_size(1997895) == "2 MB" and human_size(0) == "0 B" and human_size(None) == ""
    assert when(0) == "" and when(-62135596800) == ""
    assert when(1700000000) == "2023-11-14 22:13:20"
    assert when("2026-11-27T21:24:56.233Z") == "2026-11-27 21:24:56"
    assert when("Less than a second ago") == "Less than a second ago"


def test_docstring_examples():
    import doctest

    from kernel_helpers.parsers import planning, reference
    for module in (planning, reference):
        assert doctest.testmod(module).failed == 0
