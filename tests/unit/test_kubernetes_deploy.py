"""deploy/kubernetes: the files parse and agree with each other (KubeSpawner itself: validate.py)."""

from __future__ import annotations

import re
from pathlib import Path

import tomllib
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes"


def _values() -> dict:
    return yaml.safe_load((DEPLOY / "config.yaml").read_text())


def test_the_sidecar_runs_the_learners_image_and_forwards_the_kits_registry_ports():
    single = _values()["singleuser"]
    image = f"{single['image']['name']}:{single['image']['tag']}"
    [sidecar] = single["extraContainers"]
    assert sidecar["image"] == image
    forwarded = re.findall(r"TCP-LISTEN:(\d+),bind=127\.0\.0\.1", sidecar["command"][-1])
    assert forwarded == ["5000", "5001"]
    assert single["extraEnv"]["PODMAN_COURSE_REGISTRY_PORT"] == forwarded[0]


def test_the_registry_service_serves_pull_and_push_but_not_the_kit_endpoint():
    docs = [d for d in yaml.safe_load_all((DEPLOY / "registry.yaml").read_text()) if d]
    service = next(d for d in docs if d["kind"] == "Service")
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    assert [p["port"] for p in service["spec"]["ports"]] == [5000, 5001]
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["pull", "push", "kit"]  # YAML merge keys resolved
    assert [c["ports"][0]["containerPort"] for c in containers] == [5000, 5001, 5002]
    config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
    assert yaml.safe_load(config["pull.yml"])["storage"]["maintenance"]["readonly"]["enabled"]


def test_the_subordinate_ids_fit_a_pod_with_its_own_user_namespace():
    assert _values()["singleuser"]["extraPodConfig"]["hostUsers"] is False
    recipe = (DEPLOY / "singleuser" / "Containerfile").read_text()
    for path in ("/etc/subuid", "/etc/subgid"):
        start, count = (int(x) for x in re.search(rf'"jovyan:(\d+):(\d+)" > {path}', recipe).groups())
        assert start > 1000 and start + count <= 65536  # the pod's user namespace has ids 0-65535


def test_podman_in_the_pod_makes_no_cgroups_of_its_own():
    conf = tomllib.loads((DEPLOY / "singleuser" / "containers.conf").read_text())
    assert conf["containers"]["cgroups"] == "disabled" and conf["engine"]["runtime"] == "crun"
    assert conf["engine"]["cgroup_manager"] == "cgroupfs"
