"""One-line hints for podman/skopeo errors a learner meets in the course.

``hint_for(stderr, argv)`` matches podman's *real* messages (recorded from
podman 4.3.1 / skopeo 1.9.3, see ``tests/fake_podman/recordings``) against a
table of ``(regex, hint)``; the first match wins, so specific entries come
first. Hints may use the regex's named groups (``{name}``), ``{tool}`` and ``{doctor}``.
A hint is translated (``i18n``) before its fields are filled; the regex never is.
"""

from __future__ import annotations

import os
import re

from .i18n import N_, _

DOCTOR = "python -m kernel_helpers doctor"

#: (pattern, hint template). Patterns are searched case-insensitively in stderr.
HINTS: list[tuple[str, str]] = [
    # -- host / runtime problems (the doctor fixes these) ---------------------------
    (r"setrlimit .*(operation not permitted|OCI permission denied)",
     N_("The host refuses podman's default ulimits: run `{doctor}` so the kit sets ulimits "
        "this host can honour.")),
    (r"cgroups in hybrid mode not supported",
     N_("crun cannot run on this host's hybrid cgroups: run `{doctor}` (it switches the kit to runc).")),
    (r"rootlessport cannot expose privileged port (?P<port>\d+)",
     N_("Rootless podman cannot publish ports below 1024: use a host port >= 1024, "
        "e.g. -p 8080:{port}.")),
    # -- names, ports, states ---------------------------------------------------
    (r'the container name "(?P<name>[^"]+)" is already in use',
     N_("A container named {name} already exists: remove it (`podman rm -f {name}`) "
        "or choose another --name.")),
    (r"listen \S+ \S*:(?P<port>\d+): bind: address already in use",
     N_("Host port {port} is already taken (another container or program): publish a different "
        "host port with -p HOST:CONTAINER, or stop what holds it (`podman ps`).")),
    (r"address already in use",
     N_("That host port is already taken (another container or program): publish a different "
        "host port with -p HOST:CONTAINER, or stop what holds it (`podman ps`).")),
    (r"port is already allocated",
     N_("That host port is already taken: publish a different host port with -p HOST:CONTAINER.")),
    (r"can only create exec sessions on running containers",
     N_("exec needs a running container: start it first (`podman start NAME`), "
        "check its state with `podman ps -a`.")),
    (r"image used by (?P<cid>[0-9a-f]{12})[0-9a-f]*: image is in use by a container",
     N_("A container ({cid}) still uses this image: remove the container first "
        "(`podman rm {cid}`) or use `podman rmi -f`.")),
    (r"no container with name or ID \"(?P<name>[^\"]+)\" found|no such container",
     N_("No container by that name or ID: list them with `podman ps -a`.")),
    (r"no such object: \"(?P<name>[^\"]+)\"",
     N_("Nothing called {name} here (container, image, volume, network...): "
        "check `podman ps -a` and `podman images`.")),
    (r"image not known|no such image|image .* not found",
     N_("No image by that name here: list local images with `podman images`, or pull it first.")),
    (r'executable file not found in \$PATH',
     N_("The command does not exist inside the image: check its spelling, or run a shell "
        "(`sh`) to look around.")),
    (r"the input device is not a TTY",
     N_("-t/-it needs a terminal, which a notebook cell is not: drop -t/-it here "
        "(run the command directly), or use a terminal.")),
    # -- registries -------------------------------------------------------------
    (r"short-name resolution enforced but cannot prompt without a TTY",
     N_("Short names are ambiguous here: use the fully qualified name, e.g. "
        "registry.access.redhat.com/ubi8/ubi.")),
    (r'short-name "(?P<name>[^"]+)" did not resolve to an alias and no unqualified-search',
     N_("{name} is a short name and no search registries are configured: "
        "write the full name (REGISTRY/USER/IMAGE:TAG).")),
    (r"registry (?P<reg>\S+) is blocked in",
     N_("Registry {reg} is blocked by registries.conf: use another registry or mirror.")),
    (r"invalid username/password|invalid username or password|incorrect username or password",
     N_("The registry rejected these credentials: check the user name and password.")),
    (r"unauthorized: authentication required|authentication required|requested access to the "
     r"resource is denied|unauthorized",
     N_("The registry wants you to log in first: `{tool} login REGISTRY` (or pass --creds USER:PASS).")),
    (r"server gave HTTP response to HTTPS client",
     N_("This registry speaks plain HTTP: add --tls-verify=false (classroom registry only).")),
    (r"x509: certificate|tls: failed to verify certificate",
     N_("The registry's TLS certificate is not trusted: use --tls-verify=false only for the "
        "classroom registry, or install its CA certificate.")),
    (r'pinging container registry (?P<reg>[^:\s]+(?::\d+)?).*connection refused',
     N_("Nothing answers at {reg}: is the registry running "
        "(`python -m kernel_helpers classroom status`)? Check host and port.")),
    (r"connection refused",
     N_("Connection refused: the service is not running or listens on another address/port.")),
    (r"manifest unknown|reading manifest .* not found",
     N_("The registry has no such image or tag: check the name and tag "
        "(`skopeo list-tags docker://REGISTRY/IMAGE`).")),
    (r"no such host|server misbehaving|i/o timeout|network is unreachable",
     N_("The registry cannot be reached from here: in the course, use the classroom "
        "registry names from the notes.")),
]

_COMPILED = [(re.compile(pattern, re.IGNORECASE), hint) for pattern, hint in HINTS]


class _Blank(dict):
    def __missing__(self, key):
        return key.upper()


def hint_for(stderr: str, argv: list[str] | None = None) -> str | None:
    """The hint for the first known error in ``stderr``, or ``None``.

    ``argv`` (the command that ran, tool first) names the tool in hints such as
    ``skopeo login``; it defaults to podman.
    """
    if not stderr:
        return None
    tool = os.path.basename(argv[0]) if argv else "podman"
    if tool not in ("podman", "skopeo", "buildah"):
        tool = "podman"
    for regex, template in _COMPILED:
        match = regex.search(stderr)
        if match:
            values = _Blank({k: v for k, v in match.groupdict().items() if v})
            values["tool"], values["doctor"] = tool, DOCTOR
            return _(template).format_map(values)
    return None
