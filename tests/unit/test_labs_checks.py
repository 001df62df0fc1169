"""The check kinds on made-up podman answers (a fake probe), a real local web server, and the
snapshot record: PASS or FAIL with a one-line reason. No podman here."""

from __future__ import annotations

import http.server
import threading

import pytest

from kernel_helpers.labs import checks_engine as engine
from kernel_helpers.labs import checks_service as service
from kernel_helpers.labs.probe import full_name
from kernel_helpers.labs.state import Saved, Snapshot, load, save, state_file
from kernel_helpers.results import CommandResult

WEB = {
    "ImageName": "registry.redhat.io/rhel8/httpd-24:latest",
    "State": {"Status": "running", "ExitCode": 0},
    "Config": {"Env": ["A=b", "PATH=/bin"], "Cmd": ["/usr/bin/run-httpd"], "Entrypoint": ""},
    "HostConfig": {"RestartPolicy": {"Name": ""}},
    "NetworkSettings": {"Ports": {"8080/tcp": [{"HostIp": "", "HostPort": "8000"}]}},
    "Mounts": [{"Type": "volume", "Name": "data", "Source": "/var/lib/x/_data", "Destination": "/data"},
               {"Type": "bind", "Source": "/srv/www", "Destination": "/var/www"}],
}
DONE = {**WEB, "State": {"Status": "exited", "ExitCode": 3}}


class FakeProbe:
    """Answers like ``probe.Probe`` from dicts: containers by name, images by name, run() replies."""

    rootless = False
    where = "this sandbox"

    def __init__(self, containers=None, images=None, replies=None):
        self._containers = containers or {}
        self._images = images or {}
        self.replies = replies or {}

    def container(self, name):
        return self._containers.get(name)

    def container_id(self, name):
        return name if name in self._containers else None

    def missing(self, name):
        return f"there is no container named {name} in this sandbox"

    def images(self):
        return [{"Id": i, "Names": [n]} for n, i in self._images.items()]

    def image_id(self, name):
        return self._images.get(full_name(name))

    def run(self, *args, **_):
        out, code = self.replies.get(args[:2], ("", 125))
        return CommandResult(argv=["podman", *args], shown_argv=["podman", *args], returncode=code,
                             stdout=out, stderr="" if code == 0 else "Error: no")


PROBE = FakeProbe({"web": WEB, "done": DONE},
                  {"localhost/myapp:v2": "b", "localhost/myapp:latest": "b", "localhost/myapp:v1": "a"})


@pytest.mark.parametrize("function, params, ok, reason", [
    (engine.container_exists, {"name": "web"}, True, "web exists (running)"),
    (engine.container_exists, {"name": "db"}, False, "there is no container named db in this sandbox"),
    (engine.container_absent, {"name": "done"}, False, "done is still there (exited)"),
    (engine.container_running, {"name": "done"}, False, "done is exited (exit code 3)"),
    (engine.container_exited, {"name": "done", "exit_code": 3}, True, "done has stopped (exit code 3)"),
    (engine.container_exited, {"name": "done", "exit_code": 0}, False,
     "done stopped with exit code 3, not 0"),
    (engine.container_exited, {"name": "web"}, False, "web is running, not stopped"),
    (engine.container_flag, {"name": "web", "flag": "image", "value": "registry.redhat.io/rhel8/httpd-24"},
     True, "web has image registry.redhat.io/rhel8/httpd-24"),
    (engine.container_flag, {"name": "web", "flag": "image", "value": "localhost:5000/ubi8/ubi"},
     False, "web has image registry.redhat.io/rhel8/httpd-24:latest, not localhost:5000/ubi8/ubi"),
    (engine.container_flag, {"name": "web", "flag": "env", "value": "A=b"}, True, "web has env A=b"),
    (engine.container_flag, {"name": "web", "flag": "env", "value": "A"}, True, "web has env A"),
    (engine.container_flag, {"name": "web", "flag": "env", "value": "A=c"}, False,
     "web has env A=b, not A=c"),
    (engine.container_flag, {"name": "web", "flag": "env", "value": "TZ=UTC"}, False,
     "web has env no TZ, not TZ=UTC"),
    (engine.container_flag, {"name": "web", "flag": "port", "value": "8000:8080"}, True,
     "web has port 8000:8080"),
    (engine.container_flag, {"name": "web", "flag": "port", "value": "8080"}, True, "web has port 8080"),
    (engine.container_flag, {"name": "web", "flag": "port", "value": "8000:80"}, False,
     "web has port 8000:8080/tcp, not 8000:80"),
    (engine.container_flag, {"name": "web", "flag": "mount", "value": "data:/data"}, True,
     "web has mount data:/data"),
    (engine.container_flag, {"name": "web", "flag": "mount", "value": "/srv/www:/var/www"}, True,
     "web has mount /srv/www:/var/www"),
    (engine.container_flag, {"name": "web", "flag": "mount", "value": "/www"}, False,
     "web has mount data:/data, /srv/www:/var/www, not /www"),
    (engine.container_flag, {"name": "web", "flag": "restart", "value": "always"}, False,
     "web has restart no, not always"),
    (engine.container_flag, {"name": "web", "flag": "cmd", "value": "/usr/bin/run-httpd"}, True,
     "web has cmd /usr/bin/run-httpd"),
    (engine.container_flag, {"name": "web", "flag": "entrypoint", "value": "/bin/sh"}, False,
     "web has entrypoint none, not /bin/sh"),
    (engine.image_present, {"image": "localhost/myapp:v2"}, True, "localhost/myapp:v2 is there"),
    (engine.image_present, {"image": "localhost/myapp:v3"}, False,
     "no image localhost/myapp:v3 (tags of localhost/myapp: latest, v1, v2)"),
    (engine.image_absent, {"image": "localhost/myapp:v1"}, False, "localhost/myapp:v1 is still there"),
    (engine.image_same, {"image": "localhost/myapp", "same_as": "localhost/myapp:v2"}, True,
     "localhost/myapp:latest and localhost/myapp:v2 are one image"),
    (engine.image_same, {"image": "localhost/myapp:v1", "same_as": "localhost/myapp:v2"}, False,
     "localhost/myapp:v1 and localhost/myapp:v2 are two different images"),
    (engine.container_process, {"name": "done", "process": "httpd"}, False,
     "done is exited: no process runs in it"),
    (engine.file_content, {"name": "done", "path": "/tmp/x"}, False,
     "done is exited: the grader reads files of running containers"),
])
def test_podman_checks_read_inspect_and_say_what_they_saw(function, params, ok, reason):
    outcome = function(PROBE, **params)
    assert (outcome.passed, outcome.reason) == (ok, reason)


def test_process_file_and_login_checks_read_what_podman_prints():
    probe = FakeProbe({"web": WEB}, replies={
        ("top", "web"): ("COMMAND\nhttpd\nhttpd\n", 0),
        ("exec", "web"): ("root:root\n", 0),
        ("login", "--get-login"): ("student\n", 0)})
    assert engine.container_process(probe, "web", "httpd").passed
    assert engine.container_process(probe, "web", "mysqld").reason == "no mysqld in web; it runs: httpd"
    assert engine.file_content(probe, "web", "/etc/x", owner="root").passed
    assert engine.file_content(probe, "web", "/etc/x", owner="apache").reason == \
        "/etc/x is owned by root:root, not apache"
    assert service.logged_in(probe, "localhost:5001").reason == "logged in to localhost:5001 as student"
    assert service.logged_in(probe, "localhost:5001", "alice").reason == \
        "logged in to localhost:5001 as student, not alice"
    assert service.logged_in(FakeProbe(), "localhost:5001").reason == "not logged in to localhost:5001"


def test_the_registry_check_reads_the_push_endpoint_with_the_course_login(monkeypatch):
    asked = []

    def config_digest(port, tag, login=None):
        asked.append((port, tag, login))
        return "sha256:abc" if tag.endswith(":v1") else None

    monkeypatch.setattr(service.registry_api, "config_digest", config_digest)
    monkeypatch.setattr(service.endpoints, "pull_port", lambda: 5000)
    assert service.registry_tag(FakeProbe(), "sb/myubi", "v1").reason == "localhost:5001 has sb/myubi:v1"
    assert service.registry_tag(FakeProbe(), "sb/myubi").reason == "localhost:5001 has no sb/myubi:latest"
    assert asked[0] == (5001, "sb/myubi:v1", ("student", "redhat123"))


@pytest.fixture
def web_server():
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<h1>My own page</h1>" if self.path == "/" else b"nope"
            self.send_response(200 if self.path == "/" else 404)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_http_get_fetches_the_page_through_the_host_port(web_server):
    port = web_server
    assert service.http_get(FakeProbe(), port, contains="My own page").passed
    assert service.http_get(FakeProbe(), port, contains="It works").reason == \
        "the page does not contain 'It works': its <h1> is 'My own page'"
    assert service.http_get(FakeProbe(), port, "/x").reason == \
        f"http://127.0.0.1:{port}/x answered 404, not 200"


def test_http_get_fails_at_once_when_the_server_container_is_not_running():
    outcome = service.http_get(PROBE, 9, container="done", wait=30)
    assert outcome.reason == "done is exited, not running"
    refused = service.http_get(FakeProbe(), 9, wait=30)  # no container named: no waiting
    assert refused.reason.startswith("nothing answers on port 9: ")


def test_the_database_checks_stop_at_a_missing_server():
    outcome = service.db_login(PROBE, 3306, "user1", "redhat123", "db", container="mydb")
    assert outcome.reason == "there is no container named mydb in this sandbox"
    odd = service.db_row(PROBE, 1, "u", "p", "db", "t;drop", "c", "v")
    assert odd.reason.startswith("the lab names an odd")


def test_a_snapshot_record_survives_the_round_trip(tmp_path):
    snap = Snapshot(containers=["c1"], volumes=["v"], images={"i1": ["localhost/a:1"]}, networks=["podman"])
    saved = Saved("03-rhel7", {"WEB_PORT": 8000}, [8000], {"root": snap})
    save(tmp_path, saved)
    assert state_file(tmp_path, "03-rhel7") == tmp_path / "labs" / "03-rhel7.json"
    assert load(tmp_path, "03-rhel7") == saved
    assert load(tmp_path, "02-other") is None
