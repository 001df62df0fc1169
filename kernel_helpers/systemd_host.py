"""A real systemd for the systemd lesson: a privileged container that boots systemd.

Many hosts that run the course (containers, CI runners, this kit's own machines)
have no systemd as PID 1, so ``systemctl`` cannot run the units that
``podman generate systemd`` writes. The kit's *systemd host* is a Debian 13 machine
in a container (image recipe ``images/systemd-host``): systemd is its PID 1 and it
has podman 5 inside, which also has Quadlet. It runs in the kernel's sandbox:

- ``--privileged`` and ``--cgroupns=private``: systemd and the inner podman need to
  manage cgroups, in a cgroup namespace of their own;
- ``--network slirp4netns:allow_host_loopback=true``: its own network, from which
  10.0.2.2 is the host's loopback, where the classroom registry listens; its
  registries.conf maps the course's names to that address;
- anonymous volumes for the two image stores inside, root's ``/var/lib/containers``
  and the dedicated user's ``~/.local/share/containers``: layer storage must not sit on
  the container's own root. Where the outer podman itself runs on fuse-overlayfs (a
  nested machine), that root is a fuse-overlayfs mount, which refuses to create the
  ``.wh.*`` files rootless podman writes for deleted files ("open .../.wh.lock:
  invalid argument" at the first pull). A volume is a plain directory of the outer
  machine; the image makes the user's folder, so podman gives the volume its owner.

Usage:
    host = SystemdHost.start()                      # boots in 1-3 s
    host("systemctl is-system-running")             # a CommandResult, shown with a prompt
    host("systemctl --user list-units", user="webadmin")
    host.write("/etc/containers/systemd/web.container", text)
    host.remove()

Examples:
    host("podman generate systemd --name myweb --files", cwd="/etc/systemd/system")
    host.sh("systemctl kill -s KILL container-myweb.service; sleep 2; podman ps")
"""

from __future__ import annotations

import shlex
import time
from dataclasses import dataclass, replace

from . import classroom, images, privilege, process
from .errors import KitError
from .i18n import _
from .results import CommandResult

IMAGE_TAG = "course/systemd-host:latest"
HOST_LOOPBACK = "10.0.2.2"  # slirp4netns: the host's 127.0.0.1, seen from inside
HOSTNAME = "systemd-host"
USER = "webadmin"  # the image's dedicated account for rootless containers
USER_UID = 1000
# image stores inside, each on a volume of its own (the recipe makes the user's folder)
STORAGE_VOLUMES = ("/var/lib/containers", f"/home/{USER}/.local/share/containers")


_SKIPPED: dict[str, str] = {}  # systemd hosts this kernel could not boot: name -> "skipped: ..."


def mark_skipped(name: str, reason: str) -> None:
    """Remember that the systemd host NAME was skipped (user mode), and why."""
    _SKIPPED[name] = reason


def skipped_reason(args: list[str]) -> str | None:
    """The one-line reason when ARGS (a podman command) name a systemd host that was skipped:
    ``%podman exec lab-systemd-host ...`` then says why in one line, not "no such container"."""
    return next((_SKIPPED[arg] for arg in args if arg in _SKIPPED), None)


def image() -> str:
    """Name of the systemd host image in the kit's image store."""
    return images.pull_name(IMAGE_TAG)


def inner_registries_conf() -> str:
    """registries.conf for podman inside: the course's names, fetched from the host's loopback."""
    pull = classroom.pull_host()
    port = pull.rsplit(":", 1)[-1]
    target = f"{HOST_LOOPBACK}:{port}"
    lines = ["# Written by the podman course kit: the classroom registry, seen from inside the",
             f"# systemd host ({HOST_LOOPBACK} is the host's loopback through slirp4netns).",
             f'unqualified-search-registries = ["{pull}"]', ""]
    for prefix in (pull, "registry.redhat.io", "registry.access.redhat.com"):
        lines += ["[[registry]]", f'prefix = "{prefix}"', f'location = "{target}"',
                  "insecure = true", ""]
    return "\n".join(lines)


def start_argv(name: str, registries_file: str) -> list[str]:
    """The ``podman run`` that boots a systemd host called NAME."""
    return ["podman", "run", "-d", "--name", name, "--hostname", HOSTNAME,
            "--privileged", "--cgroupns=private",
            "--network", "slirp4netns:allow_host_loopback=true",
            *[arg for path in STORAGE_VOLUMES
              for arg in ("--mount", f"type=volume,destination={path}")],
            "-v", f"{registries_file}:/etc/containers/registries.conf.d/50-course.conf:ro",
            image()]


@dataclass
class SystemdHost:
    """A running systemd host container in a sandbox (``env`` selects the sandbox)."""

    name: str
    env: dict
    started: CommandResult | None = None
    boot_seconds: float = 0.0
    skipped: str = ""  # "skipped: <why>" when this mode cannot boot it (see ``privilege``)

    @classmethod
    def start(cls, name: str = "systemd-host", env: dict | None = None,
              timeout: float = 90) -> SystemdHost:
        """Boot a systemd host in the kernel's sandbox and wait until systemd is up.

        Where this mode cannot boot one (an ordinary user: see ``privilege``), the host is
        *skipped*: every command run in it gives a one-line ``skipped:`` result.
        """
        refused = privilege.refusal("systemd-host")
        if refused:
            mark_skipped(name, refused)
            return cls(name, env or {}, CommandResult.skipped("podman", ["run", name], refused),
                       skipped=refused)
        if env is None:
            from .session import kernel_sandbox
            env = kernel_sandbox().full_env()
        conf_dir = env.get("CONTAINERS_REGISTRIES_CONF", "")
        if not conf_dir:
            raise KitError("no sandbox: load the extension first (%load_ext kernel_helpers)")
        registries_file = conf_dir.rsplit("/", 1)[0] + f"/{name}-registries.conf"
        with open(registries_file, "w") as fh:
            fh.write(inner_registries_conf())
        argv = start_argv(name, registries_file)
        started = CommandResult.from_completed(process.run(argv, env=env, timeout=timeout))
        out, err = started.stdout, started.stderr
        if not started.ok:
            hint = "build it with: python -m kernel_helpers images systemd-host" \
                if "image not known" in err or "unknown" in err else None
            raise KitError(f"the systemd host did not start: {err.strip() or out.strip()}"
                           + (f" ({hint})" if hint else ""))
        host = cls(name, env, started)
        begin = time.monotonic()
        while True:  # the bus appears a moment after PID 1 starts
            state = host("systemctl is-system-running --wait", timeout=timeout)
            if state.stdout.strip() or time.monotonic() - begin > timeout:
                break
            time.sleep(0.2)
        host.boot_seconds = time.monotonic() - begin
        if state.stdout.strip() not in ("running", "degraded"):
            raise KitError(f"systemd in {name} did not finish booting: {state.stdout.strip()} "
                           f"{state.stderr.strip()}")
        return host

    def exec_argv(self, argv: list[str], user: str | None = None, cwd: str | None = None,
                  interactive: bool = False) -> list[str]:
        """The ``podman exec`` that runs ARGV inside (as USER, with a user session's env)."""
        full = ["podman", "exec"] + (["-i"] if interactive else [])
        if user and user != "root":
            uid = USER_UID if user == USER else None
            full += ["-u", user, "-w", cwd or f"/home/{user}", "-e", f"HOME=/home/{user}"]
            if uid is not None:
                full += ["-e", f"XDG_RUNTIME_DIR=/run/user/{uid}",
                         "-e", f"DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/{uid}/bus"]
        elif cwd:
            full += ["-w", cwd]
        return full + [self.name, *argv]

    def __call__(self, command: str | list[str], user: str | None = None, cwd: str | None = None,
                 stdin: str | None = None, timeout: float = 120) -> CommandResult:
        """Run COMMAND (argv, or a string split like a shell would) inside; no shell."""
        argv = shlex.split(command) if isinstance(command, str) else list(command)
        if self.skipped:
            return CommandResult.skipped("podman", ["exec", self.name, *argv], self.skipped)
        full = self.exec_argv(argv, user, cwd, interactive=stdin is not None)
        done = process.run(full, stdin=stdin, env=self.env, timeout=timeout)
        who = user or "root"
        prompt = f"[{who}@{HOSTNAME} {cwd or '~'}]{'#' if who == 'root' else '$'}"
        note = _("did not finish within {seconds} s and was stopped").format(seconds=f"{timeout:g}") \
            if done.timed_out else None
        return CommandResult.from_completed(done, shown_argv=argv, note=note, prompt=prompt)

    def sh(self, script: str, user: str | None = None, cwd: str | None = None,
           timeout: float = 120) -> CommandResult:
        """Run a shell SCRIPT inside (for pipes, ``;`` and ``sleep``); shows the script."""
        result = self(["bash", "-c", script], user=user, cwd=cwd, timeout=timeout)
        return result if self.skipped else replace(result, shown_argv=[script])

    def write(self, path: str, text: str, user: str | None = None) -> CommandResult:
        """Write TEXT to PATH inside (as USER), making the folder; shows the file."""
        folder = path.rsplit("/", 1)[0] or "/"
        result = self(["sh", "-c", 'mkdir -p "$1" && cat > "$2"', "write", folder, path],
                      user=user, stdin=text)
        if self.skipped:
            return result
        shown = f"cat > {shlex.quote(path)} <<'EOF'\n{text.rstrip(chr(10))}\nEOF"
        return replace(result.check(), shown_argv=[shown], stdout="")

    def remove(self) -> None:
        """Stop and remove the systemd host with its storage volumes (also done at kernel exit)."""
        # -t 0: the whole machine goes at once (its PID namespace and mounts with it); a clean
        # systemd shutdown would take 8 s here and keeps nothing we need
        if self.skipped:
            return
        process.run(["podman", "rm", "-f", "-v", "-t", "0", self.name], env=self.env, timeout=60)

    def _repr_html_(self) -> str:
        return self.started._repr_html_() if self.started else f"<pre>{self.name}</pre>"

    def __repr__(self) -> str:
        return self.started.to_text() if self.started else f"SystemdHost({self.name!r})"

