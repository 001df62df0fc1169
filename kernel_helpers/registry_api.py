"""Reading a classroom endpoint over the registry HTTP API (``/v2/``): catalog, manifests.

Plain ``urllib`` with timeouts; a login, when an endpoint needs one, goes in an
``Authorization`` header, never in a URL or on a command line.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

from .errors import KitError

_ACCEPT = ("application/vnd.oci.image.manifest.v1+json, "
           "application/vnd.docker.distribution.manifest.v2+json")


def status(port: int, path: str = "/v2/", timeout: float = 2.0) -> int | None:
    """HTTP status of ``GET http://127.0.0.1:PORT/PATH``, or None if nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (OSError, ValueError):
        return None


def _get_json(url: str, timeout: float = 5.0) -> tuple[dict, str | None]:
    """JSON body of URL and the next page's path from its ``Link`` header, if any."""
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        link = resp.headers.get("Link", "")
        body = json.loads(resp.read().decode())
    nxt = link[link.find("<") + 1:link.find(">")] if link.startswith("<") else None
    return body, nxt


def _repositories(base: str) -> list[str]:
    repos, url = [], f"{base}/v2/_catalog?n=1000"  # distribution refuses n > 1000
    while url:
        body, nxt = _get_json(url)
        repos += body.get("repositories") or []
        url = f"{base}{nxt}" if nxt else None
    return repos


def catalog(port: int) -> list[dict]:
    """Repositories and tags of the anonymous endpoint on PORT: ``[{"repository", "tags"}]``.

    A repository whose tags were all deleted stays in the registry's own catalog (the
    registry cannot delete repositories); it is left out here, as it holds nothing to pull.
    """
    base = f"http://127.0.0.1:{port}"
    try:
        rows = []
        for repo in sorted(_repositories(base)):
            try:
                tags = _get_json(f"{base}/v2/{repo}/tags/list")[0].get("tags") or []
            except urllib.error.HTTPError as exc:
                if exc.code != 404:  # a repository whose tags were all deleted
                    raise
                tags = []
            if tags:
                rows.append({"repository": repo, "tags": sorted(tags)})
    except (OSError, ValueError) as exc:
        raise KitError(f"cannot read the classroom catalog at {base}: {exc}") from exc
    return rows


def config_digest(port: int, tag: str, login: tuple[str, str] | None = None) -> str | None:
    """Config digest (= image ID) of REPO:TAG on the endpoint at PORT, None if absent."""
    repo, _, ref = tag.rpartition(":")
    headers = {"Accept": _ACCEPT}
    if login:
        headers["Authorization"] = "Basic " + base64.b64encode(":".join(login).encode()).decode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v2/{repo}/manifests/{ref}",
                                 headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            manifest = json.loads(resp.read().decode())
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise KitError(f"classroom registry (port {port}) answered {exc.code} for {tag}") from exc
    except (OSError, ValueError) as exc:
        raise KitError(f"cannot read {tag} from the classroom registry (port {port}): "
                       f"{exc}") from exc
    return (manifest.get("config") or {}).get("digest")
