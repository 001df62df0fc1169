"""Debian's own docker-registry service is disabled once, recorded, and can be restored.

Runs ``install-system-packages.sh --registry-service`` in a throw-away container from
the course's Debian 12 ubi stand-in, where Debian's docker-registry package is really
installed and its service started from its init script, as a boot would (without an
init system, invoke-rc.d leaves it stopped). The host's own services are not touched.
"""

from __future__ import annotations

import pytest

from kernel_helpers import classroom, paths

IMAGE = f"{classroom.pull_host()}/ubi8/ubi:latest"
NO_MIRROR = 77
SCRIPT = r"""
apt-get update -qq >/dev/null 2>&1 || exit 77
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry systemd >/dev/null 2>&1 || exit 77
service docker-registry start >/dev/null
state() {
  pid=$(cat /var/run/docker-registry.pid 2>/dev/null || echo none)
  echo "$1 running=$(test -d /proc/$pid && echo yes || echo no)" \
       "links=$(cd /etc/rc2.d && echo *docker-registry)" \
       "systemd=$(systemctl is-enabled docker-registry 2>/dev/null)"
}
run() { PODMAN_COURSE_STATE=/tmp/st bash /s/install-system-packages.sh --registry-service; }
state before
run; echo "first rc=$?"
state after
echo "record $(cat /tmp/st/host-changes.d/docker-registry-service)"
out=$(run 2>&1); echo "second rc=$? out=$out"
eval "$(sed 's/.* undo=//' /tmp/st/host-changes.d/docker-registry-service)" >/dev/null
state undone
"""


def fields(line: str) -> dict[str, str]:
    return dict(word.split("=", 1) for word in line.split()[1:] if "=" in word)


def test_debian_registry_service_is_disabled_and_recorded(sandbox):
    if sandbox.podman("image", "exists", IMAGE).returncode != 0:
        pytest.skip(f"{IMAGE} is not in the course image store (make setup builds it)")
    scripts = paths.repo_root() / "scripts"
    proc = sandbox.podman("run", "--rm", "-v", f"{scripts}:/s:ro", IMAGE, "bash", "-c", SCRIPT,
                          timeout=300)
    if proc.returncode == NO_MIRROR:
        pytest.skip("Debian's package mirror cannot be reached from a container")
    assert proc.returncode == 0, proc.stderr
    lines = {line.split()[0]: line for line in proc.stdout.splitlines() if line.strip()}
    assert fields(lines["before"]) == {"running": "yes", "links": "S01docker-registry",
                                       "systemd": "enabled"}
    assert fields(lines["first"]) == {"rc": "0"}
    assert fields(lines["after"]) == {"running": "no", "links": "K01docker-registry",
                                      "systemd": "disabled"}
    record = lines["record"].split(" ", 1)[1]
    assert record.startswith("init=sysv was_running=yes was_enabled=yes when=")
    assert record.endswith(" undo=update-rc.d docker-registry enable && service docker-registry start")
    assert lines["second"] == "second rc=0 out="  # done once: nothing left to do, nothing said
    assert fields(lines["undone"]) == fields(lines["before"])
