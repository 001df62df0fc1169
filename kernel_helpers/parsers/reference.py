"""Split an image reference into its parts, as containers/image reads it."""

from __future__ import annotations

import re

_DIGEST = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")


def split_image_reference(ref: str) -> dict:
    """Split ``ref`` into ``registry``, ``user``, ``image``, ``tag`` and ``digest``.

    The rules are containers/image's (docker/distribution's) normalisation:
    the first path component is a registry only if it contains ``.`` or ``:``
    or is ``localhost``; otherwise the name is a *short name* and ``registry``
    is ``None`` (podman then uses aliases or ``unqualified-search-registries``).
    ``user`` is everything between the registry and the last component
    (``None`` when absent). The tag defaults to ``latest`` when neither tag nor
    digest is given. No ``docker.io``/``library/`` is invented.

    >>> split_image_reference("registry.access.redhat.com/ubi8/ubi:latest")["registry"]
    'registry.access.redhat.com'
    >>> tuple(split_image_reference("registry.access.redhat.com/ubi8/ubi:latest").values())
    ('registry.access.redhat.com', 'ubi8', 'ubi', 'latest', None)
    >>> tuple(split_image_reference("registry.redhat.io/rhel8/httpd-24:1-105").values())
    ('registry.redhat.io', 'rhel8', 'httpd-24', '1-105', None)
    >>> split_image_reference("ubi")
    {'registry': None, 'user': None, 'image': 'ubi', 'tag': 'latest', 'digest': None}
    >>> tuple(split_image_reference("rhel8/mariadb-103").values())
    (None, 'rhel8', 'mariadb-103', 'latest', None)
    >>> tuple(split_image_reference("localhost:5000/busybox").values())
    ('localhost:5000', None, 'busybox', 'latest', None)
    """
    rest = ref.strip()
    for scheme in ("docker://", "containers-storage:"):
        if rest.startswith(scheme):
            rest = rest[len(scheme):]
    if not rest:
        raise ValueError("empty image reference")
    digest = None
    if "@" in rest:
        rest, digest = rest.split("@", 1)
        if not _DIGEST.match(digest):
            raise ValueError(f"invalid digest in image reference {ref!r}")
    parts = rest.split("/")
    registry = None
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        registry = parts.pop(0)
    tag = None
    last = parts[-1]
    if ":" in last:
        last, tag = last.split(":", 1)
        parts[-1] = last
    if not all(parts):
        raise ValueError(f"invalid image reference {ref!r}")
    if tag is None and digest is None:
        tag = "latest"
    user = "/".join(parts[:-1]) or None
    return {"registry": registry, "user": user, "image": parts[-1], "tag": tag, "digest": digest}


def split_name(name: str) -> tuple[str, str]:
    """``localhost/bb:test`` -> (``localhost/bb``, ``test``); no tag -> ``<none>``."""
    if not name:
        return "<none>", "<none>"
    repo = name.split("@", 1)[0]
    slash = repo.rfind("/")
    colon = repo.rfind(":")
    if colon > slash:
        return repo[:colon], repo[colon + 1:]
    return repo, "<none>"
