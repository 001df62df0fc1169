#!/usr/bin/env python3
"""Record real podman/skopeo outputs for the fake podman used by the unit tests.

Run as root on a host where podman can start containers (see the kit's doctor)::

    python tests/fake_podman/record.py [--base /tmp/kit-record] [--port 8000]

Everything happens in a private storage under ``--base`` (``--root``/``--runroot``/
``--tmpdir`` on every call, or a private ``storage.conf`` for the read-only-store
scenario); the host's default storage is never touched. A throw-away loopback
``docker-registry`` with htpasswd auth is started for search, skopeo and login
scenarios, and stopped at the end. Each scenario is saved as
``recordings/<name>.json``::

    {"argv": [...], "argv_match": [...], "stdout": "...", "stderr": "...",
     "returncode": N, "tool": "podman"}

``argv`` is what really ran (storage flags left out), ``argv_match`` the tokens the
fake matches (see ``tests/fake_podman/podman``). Outputs are stored as podman
printed them, except that the base directory becomes ``/tmp/kit-record`` and the
throw-away registry's address becomes ``localhost:5000`` (stable across refreshes).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RECORDINGS = HERE / "recordings"
BUSYBOX_APPLETS = ["sh", "ls", "ps", "cat", "echo", "sleep", "id", "hostname", "top"]
CANON_BASE = "/tmp/kit-record"

CONTAINERS_CONF = """[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
"""

CONTAINERFILE = """FROM localhost/bb:test
LABEL org.opencontainers.image.title="course web" course.chapter="2"
RUN echo hello > /hello.txt
EXPOSE 8080
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["sleep 1000"]
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    def __init__(self, base: Path, port: int):
        self.base = base
        self.port = port
        self.conf = base / "conf"
        self.env = dict(os.environ)
        self.env.update({
            "CONTAINERS_CONF": str(self.conf / "containers.conf"),
            "CONTAINERS_REGISTRIES_CONF": str(self.conf / "registries.conf"),
            "REGISTRY_AUTH_FILE": str(self.conf / "auth.json"),
        })
        self.env.pop("CONTAINERS_STORAGE_CONF", None)
        self.storage_flags = ["--root", str(base / "root"), "--runroot", str(base / "run"),
                              "--tmpdir", str(base / "tmp")]
        self.registry_proc = None
        self.registry = ""

    # -- running -----------------------------------------------------------------
    def run(self, argv: list[str], tool: str = "podman", env: dict | None = None,
            flags: list[str] | None = None, check: bool = False) -> subprocess.CompletedProcess:
        if tool == "podman":
            full = ["podman", *(self.storage_flags if flags is None else flags), *argv]
        else:
            full = [tool, *argv]
        proc = subprocess.run(full, capture_output=True, text=True, env=env or self.env,
                              timeout=120, stdin=subprocess.DEVNULL)
        if check and proc.returncode != 0:
            raise SystemExit(f"setup step failed: {full}\n{proc.stderr}")
        return proc

    def record(self, name: str, argv: list[str], match: list[str] | None = None,
               tool: str = "podman", **kwargs) -> dict:
        proc = self.run(argv, tool=tool, **kwargs)
        rec = {
            "argv": [self.sanitize(a) for a in argv],
            "argv_match": [self.sanitize(a) for a in (argv if match is None else match)],
            "tool": tool,
            "returncode": proc.returncode,
            "stdout": self.sanitize(proc.stdout),
            "stderr": self.sanitize(proc.stderr),
        }
        (RECORDINGS / f"{name}.json").write_text(json.dumps(rec, indent=2) + "\n")
        print(f"{name:34s} rc={proc.returncode} {(proc.stderr.strip().splitlines() or [''])[-1][:90]}")
        return rec

    def sanitize(self, text: str) -> str:
        text = text.replace(str(self.base), CANON_BASE)
        return text.replace(self.registry, "localhost:5000") if self.registry else text

    # -- setup -------------------------------------------------------------------
    def write_confs(self, search: bool = True) -> None:
        self.conf.mkdir(parents=True, exist_ok=True)
        (self.conf / "containers.conf").write_text(CONTAINERS_CONF)
        reg = self.registry or "localhost:5000"
        lines = []
        if search:
            lines.append(f'unqualified-search-registries = ["{reg}"]')
        lines += [
            'short-name-mode = "enforcing"', "",
            "[[registry]]", 'prefix = "registry.access.redhat.com"', f'location = "{reg}"',
            "insecure = true", "",
            "[[registry.mirror]]", 'location = "mirror.example.com:5000"', "insecure = true", "",
            "[[registry]]", f'location = "{reg}"', "insecure = true", "",
            "[[registry]]", 'location = "blocked.example.com"', "blocked = true", "",
            "[aliases]", '"ubi" = "registry.access.redhat.com/ubi8/ubi"',
        ]
        (self.conf / "registries.conf").write_text("\n".join(lines) + "\n")
        auth = self.conf / "auth.json"
        if not auth.exists():
            auth.write_text("{}\n")

    def make_busybox_tar(self) -> Path:
        rootfs = self.base / "bbroot"
        (rootfs / "bin").mkdir(parents=True, exist_ok=True)
        shutil.copy("/bin/busybox", rootfs / "bin" / "busybox")
        for applet in BUSYBOX_APPLETS:
            link = rootfs / "bin" / applet
            if not link.exists():
                link.symlink_to("busybox")
        tar = self.base / "bb.tar"
        subprocess.run(["tar", "-C", str(rootfs), "-cf", str(tar), "."], check=True)
        return tar

    def start_registry(self) -> None:
        if not shutil.which("docker-registry") or not shutil.which("htpasswd"):
            print("docker-registry/htpasswd missing: registry scenarios skipped")
            return
        rdir = self.base / "registry"
        rdir.mkdir(parents=True, exist_ok=True)
        htpasswd = subprocess.run(["htpasswd", "-Bbn", "student", "secret"], check=True,
                                  capture_output=True, text=True).stdout
        (rdir / "htpasswd").write_text(htpasswd)
        port = free_port()
        (rdir / "config.yml").write_text(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n"
            f"    rootdirectory: {rdir / 'data'}\n  delete:\n    enabled: true\n"
            f"http:\n  addr: 127.0.0.1:{port}\n"
            f"auth:\n  htpasswd:\n    realm: course\n    path: {rdir / 'htpasswd'}\n")
        self.registry_proc = subprocess.Popen(
            ["docker-registry", "serve", str(rdir / "config.yml")],
            stdout=subprocess.DEVNULL, stderr=open(rdir / "registry.log", "w"))
        self.registry = f"localhost:{port}"
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("docker-registry did not start")

    def stop_registry(self) -> None:
        if self.registry_proc is not None:
            self.registry_proc.terminate()
            self.registry_proc.wait(timeout=10)

    def cleanup(self) -> None:
        self.run(["rm", "-af", "-t", "0"])
        self.run(["pod", "rm", "-af"])
        self.run(["volume", "rm", "-af"])
        self.run(["rmi", "-af"])
        subprocess.run(["umount", "-R", str(self.base / "root" / "overlay")],
                       capture_output=True)


def scenarios(r: Recorder, web_port: int) -> None:
    creds = ["--creds", "student:secret", "--tls-verify=false"]  # skopeo only
    reg = r.registry
    # empty store
    r.record("ps-empty", ["ps", "-a", "--format", "json"], ["ps", "--format", "json"])
    r.record("images-empty", ["images", "--format", "json"], ["images", "--format", "json"])
    r.run(["import", str(r.make_busybox_tar()), "localhost/bb:test"], check=True)
    r.run(["tag", "localhost/bb:test", "localhost/bb:v2"], check=True)
    r.record("images-two-tags", ["images", "--format", "json"], ["images", "--format", "json"])
    ctx = r.base / "ctx"
    ctx.mkdir(exist_ok=True)
    (ctx / "Containerfile").write_text(CONTAINERFILE)
    r.run(["build", "-t", "localhost/web:1", str(ctx)], check=True)
    r.run(["image", "prune", "-f"])
    r.record("history-busybox", ["history", "--format", "json", "localhost/web:1"],
             ["history", "--format", "json"])
    r.record("inspect-image", ["inspect", "localhost/web:1"], ["inspect", "localhost/web:1"])
    r.record("image-inspect-no-such", ["image", "inspect", "nosuch"], ["inspect", "nosuch"])

    r.run(["volume", "create", "data"], check=True)
    r.run(["run", "-d", "--name", "web", "-p", f"{web_port}:8080",
           "-p", f"127.0.0.1:{web_port + 1}:8081/udp", "-v", "data:/data",
           "localhost/web:1"], check=True)
    r.run(["run", "-d", "--name", "db", "localhost/bb:test", "sleep", "1000"], check=True)
    r.record("ps-two-running", ["ps", "--format", "json"], ["ps", "--format", "json"])
    r.run(["create", "--name", "stopped", "localhost/bb:test", "echo", "hi"], check=True)
    r.record("ps-all-three", ["ps", "-a", "--format", "json"], ["ps", "-a", "--format", "json"])
    r.record("inspect-container-running", ["inspect", "web"], ["inspect", "web"])
    r.record("port-web", ["port", "web"], ["port", "web"])
    r.record("port-all", ["port", "-a"], ["port", "-a"])
    r.record("network-ls", ["network", "ls", "--format", "json"], ["network", "ls"])
    r.record("volume-ls", ["volume", "ls", "--format", "json"], ["volume", "ls"])
    r.run(["pod", "create", "--infra=false", "--name", "pod1"], check=True)
    r.record("pod-ps", ["pod", "ps", "--format", "json"], ["pod", "ps"])
    r.record("ps-plain", ["ps"], ["ps"])

    # errors
    r.record("rm-no-such-container", ["rm", "nosuch"], ["rm", "nosuch"])
    r.record("inspect-no-such", ["inspect", "nosuch"], ["inspect", "nosuch"])
    r.record("rmi-no-such-image", ["rmi", "nosuch:1"], ["rmi", "nosuch:1"])
    r.record("run-name-in-use", ["run", "-d", "--name", "web", "localhost/bb:test", "sleep", "1"],
             ["run", "--name", "web"])
    r.record("rmi-in-use", ["rmi", "localhost/web:1"], ["rmi", "localhost/web:1"])
    r.record("exec-not-running", ["exec", "stopped", "echo", "hi"], ["exec", "stopped"])
    r.record("run-port-in-use", ["run", "-d", "--name", "web2", "-p", f"{web_port}:8080",
                                 "localhost/bb:test", "sleep", "1"], ["run", "--name", "web2"])
    r.run(["rm", "-f", "web2"])
    r.record("run-not-a-tty", ["run", "-it", "--rm", "localhost/bb:test", "echo", "hi"],
             ["run", "-it"])
    r.record("run-crun-hybrid", ["run", "--rm", "--runtime", "crun", "localhost/bb:test",
                                 "echo", "hi"], ["run", "--runtime", "crun"])
    bare = dict(r.env, CONTAINERS_CONF=str(r.conf / "bare-containers.conf"))
    (r.conf / "bare-containers.conf").write_text("[containers]\n")
    r.record("run-setrlimit", ["run", "--rm", "localhost/bb:test", "echo", "hi"],
             ["run", "--rm", "localhost/bb:test"], env=bare)
    r.record("run-blocked-registry", ["pull", "blocked.example.com/ubi8/ubi"],
             ["pull", "blocked.example.com"])
    r.record("pull-connection-refused", ["pull", "--tls-verify=false", "localhost:1/x"])
    nosearch = dict(r.env, CONTAINERS_REGISTRIES_CONF=str(r.conf / "empty-registries.conf"))
    (r.conf / "empty-registries.conf").write_text("")
    r.record("run-short-name-no-search", ["run", "--rm", "nosuchimage"], ["run", "nosuchimage"],
             env=nosearch)

    two = dict(r.env, CONTAINERS_REGISTRIES_CONF=str(r.conf / "two-registries.conf"))
    (r.conf / "two-registries.conf").write_text(
        'unqualified-search-registries = ["localhost:1", "localhost:2"]\n'
        'short-name-mode = "enforcing"\n')
    r.record("run-short-name-ambiguous", ["run", "--rm", "nosuchimage"], ["run", "nosuchimage"],
             env=two)

    if reg:
        r.record("pull-unauthorized", ["pull", "--tls-verify=false", f"{reg}/bb:test"])
        r.record("pull-http-registry", ["pull", f"{reg}/bb:test"], env=nosearch)
        r.record("login-wrong-password", ["login", "--tls-verify=false", "-u", "student",
                                          "-p", "wrong", reg], ["login"])
        r.record("skopeo-inspect-unauthorized",
                 ["inspect", "--tls-verify=false", f"docker://{reg}/course/web:1"], tool="skopeo")
        r.run(["login", "--tls-verify=false", "-u", "student", "-p", "secret", reg], check=True)
        r.run(["push", "--tls-verify=false", "localhost/bb:test", f"{reg}/course/bb:test"],
              check=True)
        for tag in ("1", "2"):
            r.run(["push", "--tls-verify=false", "localhost/web:1", f"{reg}/course/web:{tag}"],
                  check=True)
        r.record("run-short-name-not-found", ["run", "--rm", "nosuchimage"],
                 ["run", "nosuchimage"])
        r.record("search-course", ["search", "--tls-verify=false", f"{reg}/course",
                                   "--format", "json"], ["search", "--format", "json"])
        r.record("search-list-tags", ["search", "--tls-verify=false", "--list-tags",
                                      f"{reg}/course/web", "--format", "json"],
                 ["search", "--list-tags"])
        r.record("skopeo-inspect", ["inspect", *creds, f"docker://{reg}/course/web:1"],
                 ["inspect", "docker://"], tool="skopeo")

    # read-only additional image store: only honoured through storage.conf, not --root
    ro = r.base / "ro"
    ro_flags = ["--root", str(ro), "--runroot", str(r.base / "rorun"), "--tmpdir", str(r.base / "tmp")]
    r.run(["import", str(r.base / "bb.tar"), "localhost/shared:1"], flags=ro_flags, check=True)
    (r.conf / "storage.conf").write_text(
        f'[storage]\ndriver = "overlay"\ngraphroot = "{r.base / "root"}"\n'
        f'runroot = "{r.base / "run"}"\n[storage.options]\n'
        f'additionalimagestores = ["{ro}"]\n')
    ro_env = dict(r.env, CONTAINERS_STORAGE_CONF=str(r.conf / "storage.conf"))
    tmp_only = ["--tmpdir", str(r.base / "tmp")]
    r.record("images-readonly-store", ["images", "--format", "json"], ["images", "--format", "json"],
             env=ro_env, flags=tmp_only)
    r.record("info", ["info", "--format", "json"], ["info"], env=ro_env, flags=tmp_only)
    r.run(["rmi", "-af"], flags=ro_flags)
    subprocess.run(["umount", "-R", str(ro / "overlay")], capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, default=None,
                        help="private storage directory (default: a new temp dir)")
    parser.add_argument("--port", type=int, default=8000, help="host port published by 'web'")
    parser.add_argument("--keep", action="store_true", help="leave containers and storage")
    args = parser.parse_args()
    base = args.base or Path(tempfile.mkdtemp(prefix="kit-record-"))
    base.mkdir(parents=True, exist_ok=True)
    RECORDINGS.mkdir(exist_ok=True)
    r = Recorder(base, args.port)
    try:
        r.start_registry()
        r.write_confs()
        scenarios(r, args.port)
    finally:
        r.stop_registry()
        if not args.keep:
            r.cleanup()
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
