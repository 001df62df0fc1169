"""The kit's ``registries.conf`` (v2): the lecture notes' registry names, mapped to the classroom.

Written into the kit's state folder and copied into every sandbox; the host's own
``/etc/containers/registries.conf`` is never touched. A notebook prints this file to
explain it, so every entry carries a comment for learners.
"""

from __future__ import annotations

from pathlib import Path

from . import engine, paths
from .endpoints import COURSE_PASSWORD, COURSE_USER, pull_host, push_host


def registries_conf_text() -> str:
    """The kit's registries.conf (v2), commented for learners."""
    pull, push = pull_host(), push_host()
    return engine.KIT_HEADER + f"""#
# registries.conf (version 2) tells podman, skopeo and buildah where images
# come from. This course has no Internet access, so the names used in the
# lecture notes are redirected to the classroom registry on this machine.

# Short names such as `podman pull ubi8/ubi` are tried against this list, in
# order. Only the classroom's pull endpoint is listed.
unqualified-search-registries = ["{pull}"]

# "permissive": when a short name could match several registries, podman asks
# in a terminal and just tries them in order elsewhere (e.g. in a notebook).
short-name-mode = "permissive"

# registry.access.redhat.com is *remapped*: an image named
# registry.access.redhat.com/ubi8/ubi keeps that name locally but is fetched
# from {pull}/ubi8/ubi. `insecure` is needed because the classroom
# speaks plain HTTP (on loopback only).
[[registry]]
prefix = "registry.access.redhat.com"
location = "{pull}"
insecure = true

# The same redirection for registry.redhat.io (rhel8/httpd-24, rhel8/mariadb-103...).
[[registry]]
prefix = "registry.redhat.io"
location = "{pull}"
insecure = true

# The classroom's pull endpoint: anonymous and read-only. insecure = plain HTTP.
[[registry]]
location = "{pull}"
insecure = true

# The classroom's push endpoint: needs `podman login {push}`
# (user {COURSE_USER}, password {COURSE_PASSWORD}); allows push, pull and delete.
# It keeps a storage of its own: what you push there never changes {pull}.
[[registry]]
location = "{push}"
insecure = true

# Debian's /etc/containers/registries.conf.d/shortnames.conf is read too and
# makes the short name `busybox` mean docker.io/library/busybox; this remap
# fetches that one image from the classroom instead (no Internet here).
[[registry]]
prefix = "docker.io/library/busybox"
location = "{pull}/busybox"
insecure = true

# A blocked registry, for the lesson on blocking: any pull from or push to
# blocked.example.com is refused by podman itself, before any network access.
[[registry]]
prefix = "blocked.example.com"
location = "blocked.example.com"
blocked = true

# Short-name aliases: `podman pull ubi` means exactly this fully qualified name
# (which the remap above then fetches from the classroom).
[aliases]
"ubi" = "registry.access.redhat.com/ubi8/ubi"
"""


def write_registries_conf() -> Path:
    """Write ``paths.registries_conf()`` (worlds copy it when they are written)."""
    target = paths.registries_conf()
    paths.ensure(target.parent)
    target.write_text(registries_conf_text())
    return target
