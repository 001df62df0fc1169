"""The classroom registry's endpoints and logins: a leaf module (no kit imports but errors).

Three endpoints on loopback, at fixed offsets from one port (``$PODMAN_COURSE_REGISTRY_PORT``,
default 5000): ``pull`` (anonymous, read-only, the course images), ``push`` (the course login,
the learners' own storage) and ``kit`` (the kit's account, the course storage).
Who runs them: this kit (the default), or, with ``$PODMAN_COURSE_CLASSROOM=shared``, the host
(the hub classroom's root, for every learner's server): then the learner's kit uses them but
never starts or stops them (``shared()``).
``classroom`` (the processes) and ``registries`` (registries.conf) both read them here.
"""

from __future__ import annotations

import os

from .errors import KitError

COURSE_USER = "student"
COURSE_PASSWORD = "redhat123"  # the password used throughout the lecture notes
KIT_USER = "course-kit"  # the account images.build pushes with; its password is random
PORT_ENV = "PODMAN_COURSE_REGISTRY_PORT"
DEFAULT_PORT = 5000
ENDPOINTS = ("pull", "push", "kit")
_OFFSET = {"pull": 0, "push": 1, "kit": 2}
MODE_ENV = "PODMAN_COURSE_CLASSROOM"  # "shared": the host runs the classroom (set by the hub)
SHARED = "shared"


def shared() -> bool:
    """True when the classroom registry is the host's (``$PODMAN_COURSE_CLASSROOM=shared``):
    this kit uses it, never starts or stops it. Unset (or empty): the kit runs its own."""
    value = os.environ.get(MODE_ENV, "").strip()
    if value not in ("", SHARED):
        raise KitError(f"{MODE_ENV}={value!r}: use {SHARED!r} (the host runs the classroom "
                       "registry) or leave it unset (this kit runs its own)")
    return value == SHARED


def pull_port() -> int:
    """Port of the anonymous read-only endpoint (``$PODMAN_COURSE_REGISTRY_PORT`` or 5000)."""
    value = os.environ.get(PORT_ENV, "").strip()
    try:
        port = int(value) if value else DEFAULT_PORT
    except ValueError:
        raise KitError(f"{PORT_ENV}={value!r} is not a port number") from None
    if not 0 < port < 65534:
        raise KitError(f"{PORT_ENV}={value!r} is not a port number below 65534")
    return port


def push_port() -> int:
    """Port of the learners' endpoint (course login, own storage): the pull port plus one."""
    return pull_port() + 1


def kit_port() -> int:
    """Port of the kit's endpoint (kit account, course storage): the pull port plus two."""
    return pull_port() + 2


def pull_host() -> str:
    """``localhost:PORT`` of the pull endpoint, as used in image names."""
    return f"localhost:{pull_port()}"


def push_host() -> str:
    """``localhost:PORT`` of the learners' push endpoint, as used in image names."""
    return f"localhost:{push_port()}"


def kit_host() -> str:
    """``localhost:PORT`` of the kit endpoint, where ``images.build`` pushes."""
    return f"localhost:{kit_port()}"
