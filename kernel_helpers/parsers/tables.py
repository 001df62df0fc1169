"""Turn podman's JSON (and ``podman port`` text) into readable DataFrames.

Each ``*_frame`` takes the command's stdout and returns a DataFrame with fixed,
human column names. Missing keys give empty cells (podman versions differ);
output that is not JSON raises ``errors.ParseError``.
"""

from __future__ import annotations

import re

import pandas as pd

from ..errors import ParseError
from .common import argv_text, get, human_size, joined, load_list, scalar, short_id, when
from .reference import split_name

PS_COLUMNS = ["ID", "Names", "Image", "Command", "Created", "Status", "Ports", "State"]
IMAGES_COLUMNS = ["Repository", "Tag", "Image ID", "Created", "Size", "Read-only"]
CONTAINER_COLUMNS = ["Name", "ID", "Image", "Status", "Pid", "Entrypoint", "Cmd", "Ports",
                     "Mounts", "IP"]
IMAGE_COLUMNS = ["ID", "RepoTags", "Created", "Size", "Layers", "Labels", "Cmd", "Entrypoint",
                 "Architecture"]
HISTORY_COLUMNS = ["ID", "Created", "CreatedBy", "Size", "Comment"]
PORT_COLUMNS = ["Container port", "Host IP", "Host port"]
SEARCH_COLUMNS = ["Index", "Name", "Description", "Stars", "Official", "Automated"]
NETWORK_COLUMNS = ["Name", "Driver", "Subnets", "Interface"]
VOLUME_COLUMNS = ["Name", "Driver", "Mountpoint"]
POD_COLUMNS = ["ID", "Name", "Status", "Created", "Infra ID", "Containers"]

_PORT_LINE = re.compile(r"^(?:(?P<cid>\S+)\s+)?(?P<cport>\d+(?:-\d+)?/\w+)\s+->\s+(?P<host>\S+)$")


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def _ps_port(p: dict) -> str:
    """One ``ps`` port mapping: ``0.0.0.0:8000->8080/tcp`` (ranges as ``a-b``)."""
    host_ip = p.get("host_ip", p.get("hostIP")) or "0.0.0.0"
    host = p.get("host_port", p.get("hostPort"))
    cont = p.get("container_port", p.get("containerPort"))
    proto = p.get("protocol") or "tcp"
    span = int(p.get("range") or 1)
    if span > 1 and isinstance(host, int) and isinstance(cont, int):
        host, cont = f"{host}-{host + span - 1}", f"{cont}-{cont + span - 1}"
    return f"{host_ip}:{host}->{cont}/{proto}"


def ps_frame(text: str) -> pd.DataFrame:
    """``podman ps --format json``: one row per container."""
    rows = []
    for c in load_list("ps", text):
        names = c.get("Names")
        command = c.get("Command")
        created = c.get("Created")
        rows.append({
            "ID": short_id(c.get("Id") or c.get("ID")),
            "Names": joined(names) if isinstance(names, list) else (names or ""),
            "Image": c.get("Image") or "",
            "Command": " ".join(command) if isinstance(command, list) else (command or ""),
            "Created": when(created) if created not in (None, "") else when(c.get("CreatedAt")),
            "Status": c.get("Status") or "",
            "Ports": ", ".join(_ps_port(p) for p in (c.get("Ports") or []) if isinstance(p, dict)),
            "State": c.get("State") or "",
        })
    return _frame(rows, PS_COLUMNS)


def images_frame(text: str) -> pd.DataFrame:
    """``podman images --format json``: one row per name (``<none>`` when untagged).

    podman 4.3 repeats an image once per tag, each entry listing every name, so
    identical entries are merged first; ``ReadOnly`` only appears when true.
    """
    rows, seen = [], set()
    for img in load_list("images", text):
        names = img.get("Names") or img.get("RepoTags") or []
        key = (img.get("Id"), tuple(names), bool(img.get("ReadOnly")))
        if key in seen:
            continue
        seen.add(key)
        created = img.get("Created")
        for name in names or [""]:
            repo, tag = split_name(name)
            rows.append({
                "Repository": repo, "Tag": tag, "Image ID": short_id(img.get("Id")),
                "Created": when(created if created not in (None, "") else img.get("CreatedAt")),
                "Size": human_size(img.get("Size")), "Read-only": bool(img.get("ReadOnly")),
            })
    return _frame(rows, IMAGES_COLUMNS)


def _inspect_ports(ports) -> str:
    out = []
    for cport, bindings in sorted((ports or {}).items()):
        if not bindings:
            out.append(cport)
        for b in bindings or []:
            out.append(f"{b.get('HostIp') or '0.0.0.0'}:{b.get('HostPort')}->{cport}")
    return ", ".join(out)


def _mounts(mounts) -> str:
    out = []
    for m in mounts or []:
        if not isinstance(m, dict):
            continue
        src = m.get("Name") if m.get("Type") == "volume" else m.get("Source")
        text = f"{src}:{m.get('Destination')}"
        out.append(text if m.get("RW", True) else text + ":ro")
    return ", ".join(out)


def _ip(c: dict) -> str:
    ip = get(c, "NetworkSettings.IPAddress")
    if ip:
        return ip
    for net in (get(c, "NetworkSettings.Networks") or {}).values():
        if isinstance(net, dict) and net.get("IPAddress"):
            return net["IPAddress"]
    return ""


def _container_row(c: dict) -> dict:
    return {
        "Name": c.get("Name", ""), "ID": short_id(c.get("Id")),
        "Image": c.get("ImageName") or short_id(c.get("Image")),
        "Status": get(c, "State.Status", ""), "Pid": get(c, "State.Pid"),
        "Entrypoint": argv_text(get(c, "Config.Entrypoint")),
        "Cmd": argv_text(get(c, "Config.Cmd")),
        "Ports": _inspect_ports(get(c, "NetworkSettings.Ports") or get(c, "HostConfig.PortBindings")),
        "Mounts": _mounts(c.get("Mounts")), "IP": _ip(c),
    }


def _image_row(i: dict) -> dict:
    return {
        "ID": short_id(i.get("Id")), "RepoTags": joined(i.get("RepoTags")),
        "Created": when(i.get("Created")), "Size": human_size(i.get("Size")),
        "Layers": len(get(i, "RootFS.Layers") or []),
        "Labels": joined(i.get("Labels") or get(i, "Config.Labels")),
        "Cmd": argv_text(get(i, "Config.Cmd")), "Entrypoint": argv_text(get(i, "Config.Entrypoint")),
        "Architecture": i.get("Architecture", ""),
    }


def _network_row(n: dict) -> dict:
    subnets = [s.get("subnet", "") for s in n.get("subnets") or [] if isinstance(s, dict)]
    return {"Name": n.get("name", ""), "Driver": n.get("driver", ""),
            "Subnets": ", ".join(subnets), "Interface": n.get("network_interface", "")}


def _volume_row(v: dict) -> dict:
    return {"Name": v.get("Name", ""), "Driver": v.get("Driver", ""),
            "Mountpoint": v.get("Mountpoint", "")}


def inspect_kind(obj: dict) -> str:
    """What an inspect object describes, guessed from its keys."""
    if isinstance(obj.get("State"), dict) and ("Config" in obj or "HostConfig" in obj):
        return "container"
    if "RootFS" in obj or ("RepoTags" in obj and "Architecture" in obj):
        return "image"
    if "subnets" in obj or "network_interface" in obj:
        return "network"
    if "Mountpoint" in obj and "Driver" in obj:
        return "volume"
    return "other"


def inspect_frame(text: str) -> pd.DataFrame:
    """``podman inspect``: one row per object, curated columns by object type."""
    builders = {"container": (_container_row, CONTAINER_COLUMNS),
                "image": (_image_row, IMAGE_COLUMNS),
                "network": (_network_row, NETWORK_COLUMNS),
                "volume": (_volume_row, VOLUME_COLUMNS)}
    rows, columns = [], []
    for obj in load_list("inspect", text):
        kind = inspect_kind(obj)
        if kind in builders:
            build, cols = builders[kind]
            row = build(obj)
        else:
            row = {k: scalar(v) for k, v in obj.items() if not isinstance(v, dict) or not v}
            cols = list(row)
        rows.append(row)
        columns += [c for c in cols if c not in columns]
    return _frame(rows, columns)


def history_frame(text: str) -> pd.DataFrame:
    """``podman history --format json``: one row per layer, newest first."""
    rows = []
    for h in load_list("history", text):
        rows.append({
            "ID": short_id(h.get("id") or h.get("Id") or h.get("ID")),
            "Created": when(h.get("created") or h.get("Created")),
            "CreatedBy": h.get("CreatedBy") or h.get("createdBy") or "",
            "Size": human_size(h.get("size", h.get("Size"))),
            "Comment": h.get("comment") or h.get("Comment") or "",
        })
    return _frame(rows, HISTORY_COLUMNS)


def port_frame(text: str) -> pd.DataFrame:
    """``podman port`` text (``8080/tcp -> 0.0.0.0:8000``; ``-a`` adds a container ID)."""
    rows, with_id = [], False
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        match = _PORT_LINE.match(line.strip())
        if not match:
            raise ParseError("port", text, f"unexpected line {line!r}")
        host_ip, _, host_port = match["host"].rpartition(":")
        row = {"Container port": match["cport"], "Host IP": host_ip.strip("[]") or "0.0.0.0",
               "Host port": int(host_port) if host_port.isdigit() else host_port}
        if match["cid"]:
            with_id = True
            row["Container"] = match["cid"]
        rows.append(row)
    return _frame(rows, (["Container"] if with_id else []) + PORT_COLUMNS)


def search_frame(text: str) -> pd.DataFrame:
    """``podman search --format json``; with ``--list-tags`` one row per (name, tag)."""
    items = load_list("search", text)
    if any("Tags" in item for item in items):
        rows = [{"Name": item.get("Name", ""), "Tag": tag}
                for item in items for tag in item.get("Tags") or []]
        return _frame(rows, ["Name", "Tag"])
    rows = [{col: item.get(col, "") for col in SEARCH_COLUMNS} for item in items]
    return _frame(rows, SEARCH_COLUMNS)


def network_ls_frame(text: str) -> pd.DataFrame:
    """``podman network ls --format json`` (netavark/CNI keys are lower-case)."""
    return _frame([_network_row(n) for n in load_list("network_ls", text)], NETWORK_COLUMNS)


def volume_ls_frame(text: str) -> pd.DataFrame:
    """``podman volume ls --format json``."""
    return _frame([_volume_row(v) for v in load_list("volume_ls", text)], VOLUME_COLUMNS)


def pod_ps_frame(text: str) -> pd.DataFrame:
    """``podman pod ps --format json``: containers shown by name."""
    rows = []
    for p in load_list("pod_ps", text):
        members = [joined(c.get("Names")) for c in p.get("Containers") or [] if isinstance(c, dict)]
        rows.append({"ID": short_id(p.get("Id")), "Name": p.get("Name", ""),
                     "Status": p.get("Status", ""), "Created": when(p.get("Created")),
                     "Infra ID": short_id(p.get("InfraId")), "Containers": ", ".join(members)})
    return _frame(rows, POD_COLUMNS)
