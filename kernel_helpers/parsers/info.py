"""Key/Value views of ``podman info`` and ``skopeo inspect``, plus their detail tables."""

from __future__ import annotations

import pandas as pd

from ..errors import ParseError
from .common import get, human_size, joined, load_json, when

KV_COLUMNS = ["Key", "Value"]
REGISTRY_COLUMNS = ["Prefix", "Location", "Insecure", "Blocked", "Mirrors", "Search order"]
LAYER_COLUMNS = ["#", "Digest", "Size", "MIMEType"]


def _object(kind: str, text: str) -> dict:
    data = load_json(kind, text)
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if data == []:
        return {}
    if not isinstance(data, dict):
        raise ParseError(kind, text, f"expected a JSON object, got {type(data).__name__}")
    return data


def _kv(pairs: list[tuple[str, object]]) -> pd.DataFrame:
    return pd.DataFrame([{"Key": k, "Value": "" if v is None else v} for k, v in pairs],
                        columns=KV_COLUMNS)


def additional_image_stores(info: dict) -> list[str]:
    """Read-only stores from ``store.graphOptions`` (``overlay.imagestore``, ...).

    podman 4.3 has no dedicated key: the stores show up as the graph driver
    option ``<driver>.imagestore`` (only when storage.conf sets them; a
    ``--root`` on the command line drops storage.conf's options).
    """
    options = get(info, "store.graphOptions") or {}
    stores = []
    for key, value in sorted(options.items()):
        if key.endswith(".imagestore") or key.endswith(".additionalimagestore"):
            stores += [s for s in str(value).split(",") if s]
    return stores


def info_frame(text: str) -> pd.DataFrame:
    """``podman info --format json``: the fields a course cares about, as Key/Value rows."""
    info = _object("info", text)
    runtime = get(info, "host.ociRuntime") or {}
    dist = get(info, "host.distribution") or {}
    registries = {k: v for k, v in (info.get("registries") or {}).items() if k != "search"}
    version = (runtime.get("version") or "").splitlines()
    return _kv([
        ("Podman version", get(info, "version.Version")),
        ("Architecture", get(info, "host.arch")),
        ("OS", get(info, "host.os")),
        ("Distribution", " ".join(str(dist.get(k, "")) for k in ("distribution", "version")).strip()),
        ("Kernel", get(info, "host.kernel")),
        ("Rootless", get(info, "host.security.rootless")),
        ("cgroup version", get(info, "host.cgroupVersion")),
        ("cgroup manager", get(info, "host.cgroupManager")),
        ("OCI runtime", runtime.get("name")),
        ("OCI runtime path", runtime.get("path")),
        ("OCI runtime version", version[0] if version else ""),
        ("Network backend", get(info, "host.networkBackend")),
        ("Storage driver", get(info, "store.graphDriverName")),
        ("Graph root", get(info, "store.graphRoot")),
        ("Run root", get(info, "store.runRoot")),
        ("Storage config", get(info, "store.configFile")),
        ("Additional image stores", ", ".join(additional_image_stores(info))),
        ("Images", get(info, "store.imageStore.number")),
        ("Containers", get(info, "store.containerStore.number")),
        ("Search registries", joined(get(info, "registries.search"))),
        ("Configured registries", ", ".join(sorted(registries))),
    ])


def _mirror(m: dict) -> str:
    return m.get("Location", "") + (" (insecure)" if m.get("Insecure") else "")


def registries_frame(info_text: str) -> pd.DataFrame:
    """One row per registry from ``podman info``'s ``registries`` key.

    Rows come from the ``[[registry]]`` tables and from
    ``unqualified-search-registries`` (``Search order`` 1, 2, ... for those,
    empty otherwise). The search list is also in ``df.attrs["search"]``.
    """
    info = _object("info", info_text)
    regs = info.get("registries") or {}
    search = [s for s in regs.get("search") or [] if isinstance(s, str)]
    rows = []
    for prefix, reg in sorted((k, v) for k, v in regs.items() if isinstance(v, dict)):
        rows.append({
            "Prefix": reg.get("Prefix") or prefix, "Location": reg.get("Location") or prefix,
            "Insecure": bool(reg.get("Insecure")), "Blocked": bool(reg.get("Blocked")),
            "Mirrors": ", ".join(_mirror(m) for m in reg.get("Mirrors") or [] if isinstance(m, dict)),
        })
    known = {row["Prefix"] for row in rows}
    rows += [{"Prefix": s, "Location": s, "Insecure": False, "Blocked": False, "Mirrors": ""}
             for s in search if s not in known]
    for row in rows:
        row["Search order"] = search.index(row["Prefix"]) + 1 if row["Prefix"] in search else None
    df = pd.DataFrame(rows, columns=REGISTRY_COLUMNS)
    df["Search order"] = df["Search order"].astype("Int64")
    df.attrs["search"] = search
    return df


def skopeo_inspect_frame(text: str) -> pd.DataFrame:
    """``skopeo inspect docker://...``: the image's main facts as Key/Value rows."""
    img = _object("skopeo_inspect", text)
    return _kv([
        ("Name", img.get("Name")), ("Digest", img.get("Digest")),
        ("RepoTags", joined(img.get("RepoTags"))), ("Created", when(img.get("Created"))),
        ("Architecture", img.get("Architecture")), ("Os", img.get("Os")),
        ("Labels", joined(img.get("Labels"))),
        ("Layers", len(img.get("LayersData") or img.get("Layers") or [])),
    ])


def layers_frame(text: str) -> pd.DataFrame:
    """``skopeo inspect``: one row per layer (``LayersData`` when skopeo gives it)."""
    img = _object("skopeo_inspect", text)
    rows = []
    data = img.get("LayersData")
    if isinstance(data, list) and data:
        for n, layer in enumerate(data, 1):
            rows.append({"#": n, "Digest": layer.get("Digest", ""),
                         "Size": human_size(layer.get("Size")), "MIMEType": layer.get("MIMEType", "")})
    else:
        rows = [{"#": n, "Digest": d, "Size": "", "MIMEType": ""}
                for n, d in enumerate(img.get("Layers") or [], 1)]
    return pd.DataFrame(rows, columns=LAYER_COLUMNS)


__all__ = ["info_frame", "registries_frame", "skopeo_inspect_frame", "layers_frame",
           "additional_image_stores"]
