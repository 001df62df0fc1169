"""The systemd host's argv and configuration (no podman needed)."""

from __future__ import annotations

import tomllib

from kernel_helpers import systemd_host
from kernel_helpers.results import CommandResult


def test_start_argv_gives_systemd_what_it_needs():
    argv = systemd_host.start_argv("sdh", "/conf/reg.conf")
    assert argv[:4] == ["podman", "run", "-d", "--name"]
    assert "--privileged" in argv and "--cgroupns=private" in argv
    assert "slirp4netns:allow_host_loopback=true" in argv
    assert "/conf/reg.conf:/etc/containers/registries.conf.d/50-course.conf:ro" in argv
    assert argv[-1].endswith("/course/systemd-host:latest")


def test_both_image_stores_inside_sit_on_volumes_not_on_the_containers_root():
    argv = systemd_host.start_argv("sdh", "/conf/reg.conf")
    mounts = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--mount"]
    assert mounts == ["type=volume,destination=/var/lib/containers",
                      "type=volume,destination=/home/webadmin/.local/share/containers"]


def test_recipe_makes_the_users_store_folder_so_its_volume_gets_the_users_owner():
    from kernel_helpers import paths

    recipe = (paths.recipes_dir() / "systemd-host" / "Containerfile").read_text()
    user_store = systemd_host.STORAGE_VOLUMES[1]
    assert f"mkdir -p /home/{systemd_host.USER}/.config/systemd/user {user_store}" in recipe
    assert f"chown -R {systemd_host.USER}: /home/{systemd_host.USER}/.config " \
           f"/home/{systemd_host.USER}/.local" in recipe


def test_inner_registries_conf_points_course_names_at_the_host_loopback(monkeypatch):
    monkeypatch.setenv("PODMAN_COURSE_REGISTRY_PORT", "5123")
    conf = tomllib.loads(systemd_host.inner_registries_conf())
    locations = {r["prefix"]: r["location"] for r in conf["registry"]}
    assert locations["registry.redhat.io"] == "10.0.2.2:5123"
    assert locations["localhost:5123"] == "10.0.2.2:5123"
    assert all(r["insecure"] for r in conf["registry"])


def test_exec_argv_gives_a_user_its_session_environment():
    host = systemd_host.SystemdHost("sdh", env={})
    argv = host.exec_argv(["systemctl", "--user", "status"], user="webadmin")
    assert argv[:2] == ["podman", "exec"] and argv[-4:] == ["sdh", "systemctl", "--user", "status"]
    assert "XDG_RUNTIME_DIR=/run/user/1000" in argv
    assert host.exec_argv(["ls"], cwd="/etc") == ["podman", "exec", "-w", "/etc", "sdh", "ls"]


def test_results_from_inside_show_the_machine_prompt():
    result = CommandResult(argv=["podman", "exec", "sdh", "hostname"], shown_argv=["hostname"],
                           returncode=0, stdout="systemd-host\n", prompt="[root@systemd-host ~]#")
    assert result.to_text().splitlines()[0] == "[root@systemd-host ~]# hostname"
    assert "[root@systemd-host ~]# hostname" in result._repr_html_()
