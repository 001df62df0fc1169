"""The check kinds that look from the host (namespaces, host file owners, published ports),
the removed-container check, the unit kinds asked in the systemd host, and the lab's host folder:
on made-up answers (fake probes), no podman here."""

from __future__ import annotations

import os

import pytest

from kernel_helpers.labs import checks_engine as engine
from kernel_helpers.labs import checks_host as host
from kernel_helpers.labs import checks_units as units
from kernel_helpers.labs import hostside
from kernel_helpers.labs.format import Lab
from kernel_helpers.results import CommandResult

RUNNING = {"State": {"Status": "running", "Pid": 101}}
MAP = "         0       1001          1\n         1     100000      65536\n"


def reply(args, out="", code=0, err=""):
    return CommandResult(argv=["podman", *args], shown_argv=["podman", *args], returncode=code,
                         stdout=out, stderr=err or ("" if code == 0 else "Error: no"))


class Probe:
    """Containers by name; ``answer(args)`` gives (stdout, exit code) for ``run``."""

    where = "this sandbox"

    def __init__(self, containers=None, answer=None, rootless=False, since=0.0):
        self._containers, self.answer = containers or {}, answer or (lambda args: ("", 125))
        self.rootless, self.since, self.calls = rootless, since, []

    def container(self, name):
        return self._containers.get(name)

    def containers(self):
        return [{"Id": name, "Names": [name]} for name in self._containers]

    def missing(self, name):
        return f"there is no container named {name} in this sandbox"

    def run(self, *args, **_):
        self.calls.append(args)
        return reply(args, *self.answer(args))


@pytest.fixture
def namespaces(monkeypatch):
    links = {(101, "pid"): "pid:[1]", (202, "pid"): "pid:[1]", ("self", "pid"): "pid:[9]",
             (101, "net"): "net:[5]", (202, "net"): "net:[6]", ("self", "net"): "net:[9]"}
    monkeypatch.setattr(host, "_namespace", lambda pid, ns: links.get((pid, ns)))


@pytest.mark.parametrize("params, ok, reason", [
    ({"name": "peek", "namespace": "pid", "shares": "web"}, True,
     "peek shares the pid namespace of web (pid:[1])"),
    ({"name": "peek", "namespace": "net", "shares": "web"}, False,
     "peek has a net namespace of its own (net:[5]), not that of web (net:[6])"),
    ({"name": "peek", "namespace": "net", "shares": "web", "same": False}, True,
     "peek does not share the net namespace of web (net:[5])"),
    ({"name": "peek", "namespace": "pid", "same": False}, True,
     "peek does not share the pid namespace of the host (pid:[1])"),
    ({"name": "peek", "namespace": "pid"}, False,
     "peek has a pid namespace of its own (pid:[1]), not that of the host (pid:[9])"),
    ({"name": "gone", "namespace": "pid"}, False, "there is no container named gone in this sandbox"),
    ({"name": "peek", "namespace": "pid", "shares": "done"}, False, "done is exited, not running"),
])
def test_namespace_shared_compares_the_main_processes_links(namespaces, params, ok, reason):
    probe = Probe({"peek": RUNNING, "web": {"State": {"Status": "running", "Pid": 202}},
                   "done": {"State": {"Status": "exited", "Pid": 0}}})
    outcome = host.namespace_shared(probe, **params)
    assert (outcome.passed, outcome.reason) == (ok, reason)


def test_the_uid_map_turns_container_uids_into_host_uids_and_back():
    mapping = [(0, 1001, 1), (1, 100000, 65536)]
    assert [host.host_uid(mapping, u) for u in (0, 27, 1001, 70000)] == [1001, 100026, 101000, None]
    assert [host.inner_uid(mapping, u) for u in (1001, 100026, 0)] == [0, 27, None]
    assert host.host_uid(None, 27) == 27 and host.inner_uid(None, 27) == 27


def test_host_path_owner_reads_the_owner_and_the_worlds_map(tmp_path, monkeypatch):
    path = tmp_path / "dbdata"
    path.mkdir()
    mine = os.stat(path).st_uid
    root = host.host_path_owner(Probe(), str(path), mine)
    assert root.passed and root.reason == f"{path} is owned by host uid {mine}, uid {mine} in the containers"
    missing = host.host_path_owner(Probe(), str(tmp_path / "nope"), 0)
    assert missing.reason == f"there is no {tmp_path / 'nope'} on the host"
    rootless = Probe(rootless=True, answer=lambda args: (MAP, 0) if args[:1] == ("unshare",) else ("", 1))
    owned_by_1001 = os.stat_result((0o40755, 0, 0, 1, 1001, 0, 0, 0, 0, 0))
    monkeypatch.setattr(host.os, "stat", lambda *a, **k: owned_by_1001)
    wrong = host.host_path_owner(rootless, str(path), 27)
    assert wrong.reason == (f"{path} is owned by host uid 1001 (uid 0 in the containers), "
                            "not 100026 (uid 27 there)")
    assert host.host_path_owner(rootless, str(path), 0).passed
    broken = Probe(rootless=True, answer=lambda args: ("", 1))
    assert host.host_path_owner(broken, str(path), 0).reason.startswith("podman unshare did not show")


def _with_ports(*binds):
    return {"State": {"Status": "created"},
            "HostConfig": {"PortBindings": {"8080/tcp": [{"HostPort": str(p)} for p in binds]}}}


def test_unprivileged_ports_wants_one_port_and_none_below_1024():
    assert host.unprivileged_ports(Probe({})).reason == "no container in this sandbox publishes a port"
    low = host.unprivileged_ports(Probe({"web": _with_ports(80), "ok": _with_ports(8080)}))
    assert not low.passed and low.reason == "web (created) has -p 80:8080"
    good = host.unprivileged_ports(Probe({"ok": _with_ports(8080)}))
    assert good.passed and good.reason == "ok (created) has -p 8080:8080: none below 1024"


def test_container_removed_counts_only_removes_since_the_lab_started():
    def events(args):
        return ("mydb 1000\nother 2000\nmydb 3000\n", 0)
    assert engine.container_removed(Probe(answer=events, since=2500), "mydb").passed
    late = engine.container_removed(Probe(answer=events, since=3500), "mydb")
    assert late.reason == "there is no container named mydb, and none was removed since the lab started"
    still = engine.container_removed(Probe({"mydb": RUNNING}, answer=events), "mydb")
    assert still.reason == "mydb is still there (running)"


def _systemd_host(answers):
    """A probe whose systemd host answers by the inner command's words (after the host's name)."""
    def answer(args):
        inner = args[args.index(units.HOST_NAME) + 1:]
        for words, out in answers.items():
            if tuple(inner[:len(words)]) == words:
                return out
        return ("", 1)
    return Probe({units.HOST_NAME: RUNNING}, answer=answer)


def test_the_unit_kinds_ask_systemd_inside_the_host_as_the_user():
    probe = _systemd_host({("test",): ("", 0), ("systemd-analyze",): ("", 0),
                           ("systemctl", "--user", "is-enabled"): ("enabled\n", 0),
                           ("systemctl", "--user", "is-active"): ("failed\n", 3),
                           ("loginctl",): ("Linger=yes\n", 0)})
    assert units.unit_verify(probe, "container-web.service", "webadmin").passed
    assert units.unit_enabled(probe, "container-web.service", "webadmin").reason == \
        "container-web.service is enabled"
    active = units.unit_active(probe, "container-web.service", "webadmin", wait=0)
    assert active.reason == "container-web.service is failed, not active"
    assert units.linger(probe, "webadmin").reason == "webadmin lingers"
    exec_args = [c for c in probe.calls if "systemd-analyze" in c][0]
    assert exec_args[:3] == ("exec", "-u", "webadmin")
    assert "XDG_RUNTIME_DIR=/run/user/1000" in exec_args
    assert exec_args[exec_args.index("-w") + 1] == "/home/webadmin/.config/systemd/user"


def test_the_unit_kinds_say_what_is_missing():
    probe = _systemd_host({("systemd-analyze",): ("", 0), ("loginctl",): ("Linger=no\n", 0),
                           ("systemctl", "is-enabled"): ("disabled\n", 1)})
    assert units.unit_verify(probe, "container-web.service", "webadmin").reason == \
        "there is no /home/webadmin/.config/systemd/user/container-web.service in lab-systemd-host"
    assert units.unit_enabled(probe, "web.service").reason == "web.service is disabled, not enabled"
    assert units.linger(probe, "webadmin").reason == "webadmin does not linger (Linger=no)"
    complaint = ("", 1, "x.service:3: Unknown key\nmore\n")
    bad = _systemd_host({("test",): ("", 0), ("systemd-analyze",): complaint})
    assert units.unit_verify(bad, "x.service").reason == "systemd-analyze verify: x.service:3: Unknown key"
    assert units.unit_active(Probe(), "x.service").reason == \
        "there is no systemd host lab-systemd-host (%lab start boots it)"


def test_finish_removes_only_paths_under_the_labs_folder(tmp_path, monkeypatch):
    lab = Lab("06-x", "06_persistent_storage", "t", 1, "task", ("a", "b"), (), (), "w", (), ())
    monkeypatch.setattr(hostside, "folder", lambda lab: tmp_path / "files")
    (tmp_path / "files" / "web").mkdir(parents=True)
    (tmp_path / "files" / "web" / "index.html").write_text("hi")
    lines = hostside.remove(lab, (f"{tmp_path}/files/web", f"{tmp_path}/files/none", f"{tmp_path}/other",
                                  f"{tmp_path}/files/../other", f"{tmp_path}/files"))
    assert lines == [f"removed {tmp_path}/files/web",
                     f"could not remove {tmp_path}/other: it is not under {tmp_path}/files",
                     f"could not remove {tmp_path}/files/../other: it is not under {tmp_path}/files",
                     f"could not remove {tmp_path}/files: it is not under {tmp_path}/files"]
    assert not (tmp_path / "files" / "web").exists()
