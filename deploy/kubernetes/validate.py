"""Check deploy/kubernetes without a cluster: the chart values load into KubeSpawner and make a pod.

What it does (README "Past one host"):
1. reads config.yaml and sets the KubeSpawner traits from it the way the zero-to-jupyterhub
   chart's hub config does (``singleuser.memory.limit`` -> ``mem_limit``, ...: ``SINGLEUSER``
   below), then runs every ``hub.extraConfig`` snippet with that ``c``;
2. makes a ``KubeSpawner`` (its own test mode, no cluster) from that config and renders the
   learner's pod manifest (``get_pod_manifest``);
3. checks what rootless podman needs in it, and that registry.yaml's Service is what the
   pods' network policy lets through.
Prints one line per check; exit status 1 if any failed.

Needs ``jupyterhub-kubespawner`` (not in the course venv):
    python3 -m venv /tmp/k8s && /tmp/k8s/bin/pip install jupyterhub-kubespawner==7.1.0
    /tmp/k8s/bin/python deploy/kubernetes/validate.py
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
#: chart value (below ``singleuser``) -> KubeSpawner trait, as the chart's jupyterhub_config.py maps them
SINGLEUSER = {
    "uid": "uid", "fsGid": "fs_gid", "allowPrivilegeEscalation": "allow_privilege_escalation",
    "memory.limit": "mem_limit", "memory.guarantee": "mem_guarantee",
    "cpu.limit": "cpu_limit", "cpu.guarantee": "cpu_guarantee",
    "extraResource.limits": "extra_resource_limits", "extraEnv": "environment",
    "extraContainers": "extra_containers", "extraPodConfig": "extra_pod_config",
    "lifecycleHooks": "lifecycle_hooks", "storage.capacity": "storage_capacity",
}


def _get(values: dict, dotted: str):
    for key in dotted.split("."):
        if not isinstance(values, dict) or key not in values:
            return None
        values = values[key]
    return values


def load_config(values: dict):
    """A traitlets Config with what the chart would set from VALUES (the parts the course uses)."""
    from traitlets.config import Config

    c = Config()
    single = values.get("singleuser", {})
    for dotted, trait in SINGLEUSER.items():
        value = _get(single, dotted)
        if value is not None:
            c.KubeSpawner[trait] = value
    c.KubeSpawner.image = f"{single['image']['name']}:{single['image']['tag']}"
    c.Spawner.cmd = single.get("cmd")
    c.Spawner.default_url = single.get("defaultUrl")
    if _get(single, "storage.type") == "dynamic":
        c.KubeSpawner.storage_pvc_ensure = True
        c.KubeSpawner.volumes = [{"name": "home", "persistentVolumeClaim": {"claimName": "claim-{username}"}}]
        c.KubeSpawner.volume_mounts = [{"name": "home", "mountPath": single["storage"]["homeMountPath"]}]
    for section, traits in _get(values, "hub.config").items():
        for trait, value in traits.items():
            c[section][trait] = value
    for name, code in (_get(values, "hub.extraConfig") or {}).items():
        exec(compile(code, f"hub.extraConfig.{name}", "exec"), {"c": c, "get_config": lambda: c})
    return c


def checks(pod, values: dict, registry: list[dict]) -> list[tuple[str, bool]]:
    notebook = pod.spec.containers[0]
    sc = notebook.security_context  # KubeSpawner's merged dict (camelCase keys)
    limits = notebook.resources.limits
    service = next(d for d in registry if d and d["kind"] == "Service")
    egress = values["singleuser"]["networkPolicy"]["egress"][0]
    allowed = egress["to"][0]["podSelector"]["matchLabels"]
    ports = {p["port"] for p in egress["ports"]}
    env = {e.name: e.value for e in notebook.env or []}
    return [
        ("runs as uid 1000, not privileged", sc["runAsUser"] == 1000 and sc["privileged"] is False),
        ("SETUID/SETGID kept for newuidmap, every other capability dropped",
         sc["capabilities"] == {"drop": ["ALL"], "add": ["SETUID", "SETGID"]}),
        ("privilege escalation allowed (file capabilities)", sc["allowPrivilegeEscalation"] is True),
        ("seccomp and AppArmor unconfined for this container",
         sc["seccompProfile"]["type"] == sc["appArmorProfile"]["type"] == "Unconfined"),
        ("/proc unmasked, in the pod's own user namespace",
         sc["procMount"] == "Unmasked" and pod.spec.host_users is False),
        ("memory and cpu limits on the pod", bool(limits.get("memory") and limits.get("cpu"))),
        ("/dev/net/tun requested from the device plugin", limits.get("squat.ai/tun") == "1"),
        ("registry forward sidecar next to the notebook",
         [c.name for c in pod.spec.containers] == ["notebook", "registry-forward"]),
        ("the kit's registry port is the forwarded 5000", env.get("PODMAN_COURSE_REGISTRY_PORT") == "5000"),
        ("the learner's kit uses that registry as shared (never starts it)",
         env.get("PODMAN_COURSE_CLASSROOM") == "shared"),
        ("the network policy lets the pods reach the registry Service",
         service["spec"]["selector"] == allowed and {p["port"] for p in service["spec"]["ports"]} == ports),
    ]


#: KubeSpawner reads a kube config when it is made; nothing here contacts that (absent) cluster.
NO_CLUSTER = {"apiVersion": "v1", "kind": "Config", "current-context": "none",
              "clusters": [{"name": "none", "cluster": {"server": "https://127.0.0.1:9"}}],
              "users": [{"name": "none", "user": {}}],
              "contexts": [{"name": "none", "context": {"cluster": "none", "user": "none"}}]}


def main() -> int:
    import os
    import tempfile

    if "KUBECONFIG" not in os.environ:
        handle, path = tempfile.mkstemp(suffix=".kubeconfig")
        os.write(handle, yaml.safe_dump(NO_CLUSTER).encode())
        os.close(handle)
        os.environ["KUBECONFIG"] = path
    from kubespawner import KubeSpawner

    values = yaml.safe_load((HERE / "config.yaml").read_text())
    registry = list(yaml.safe_load_all((HERE / "registry.yaml").read_text()))
    list(yaml.safe_load_all((HERE / "device-plugin.yaml").read_text()))
    config = load_config(values)

    async def render():
        return await KubeSpawner(config=config, _mock=True).get_pod_manifest()  # needs a loop

    pod = asyncio.run(render())
    failed = 0
    for what, ok in checks(pod, values, registry):
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {what}")
    print(f"KubeSpawner {sys.modules['kubespawner'].__version__}: pod {pod.metadata.name}, image "
          f"{pod.spec.containers[0].image}, {len(pod.spec.containers)} containers; "
          f"{'all checks passed' if not failed else f'{failed} failed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
