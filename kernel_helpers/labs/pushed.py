"""What a lab pushed to the classroom's push endpoint, and taking it back at ``finish``.

The push endpoint (``endpoints.push_host()``) is shared by every learner on the host, so
a lab names its repositories after the sandbox (``{SANDBOX}/myubi``): deleting every tag
of such a repository touches nobody else. A registry deletes manifests by digest; inside
one repository, that removes every tag of that manifest, which is what ``finish`` wants.
The course login goes in an ``Authorization`` header, never on a command line.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

from .. import endpoints
from ..errors import KitError

TIMEOUT = 10.0
_MANIFESTS = ", ".join((
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json"))


def _request(method: str, path: str, accept: str | None = None) -> urllib.request.Request:
    login = f"{endpoints.COURSE_USER}:{endpoints.COURSE_PASSWORD}".encode()
    headers = {"Authorization": "Basic " + base64.b64encode(login).decode()}
    if accept:
        headers["Accept"] = accept
    return urllib.request.Request(f"http://127.0.0.1:{endpoints.push_port()}{path}",
                                  method=method, headers=headers)


def tags(repository: str) -> list[str]:
    """The tags of REPOSITORY on the push endpoint ([] when it has none)."""
    try:
        with urllib.request.urlopen(_request("GET", f"/v2/{repository}/tags/list"),
                                    timeout=TIMEOUT) as response:
            return sorted(json.loads(response.read().decode()).get("tags") or [])
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return []
        raise KitError(f"push registry answered {exc.code} for the tags of {repository}") from None
    except (OSError, ValueError) as exc:
        raise KitError(f"cannot read the tags of {repository} on {endpoints.push_host()}: {exc}") from None


def _digest(repository: str, tag: str) -> str | None:
    request = _request("HEAD", f"/v2/{repository}/manifests/{tag}", accept=_MANIFESTS)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.headers.get("Docker-Content-Digest")
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


def delete_repository(repository: str) -> list[str]:
    """Delete every tag of REPOSITORY on the push endpoint: one line per tag deleted."""
    done = []
    for tag in tags(repository):
        try:
            digest = _digest(repository, tag)
            if digest:
                urllib.request.urlopen(_request("DELETE", f"/v2/{repository}/manifests/{digest}"),
                                       timeout=TIMEOUT).close()
        except (OSError, urllib.error.HTTPError) as exc:
            done.append(f"could not delete {endpoints.push_host()}/{repository}:{tag}: {exc}")
            continue
        done.append(f"deleted {endpoints.push_host()}/{repository}:{tag}")
    return done
