"""Values that belong to the machine a notebook ran on, and nbval sanitizers for them.

Stored outputs show the recording machine's kernel release, the course user's name, uid
and subordinate ids. A new machine shows its own. ``scripts/notebooks.py execute``
records the recording machine's values in each notebook's metadata
(``podman_course.recorded_host``); at test time every recorded value and the current
machine's value are masked alike, on both sides of nbval's comparison, so the rest of
each output is still compared.

Usage:
    current()                                  # this machine's values, as a dict
    sanitizer_text([recorded, current()])      # extra sections for nbval's cfg file
"""

from __future__ import annotations

import json
import os
import pwd
import re
from pathlib import Path

META_KEY = "podman_course"
SUBID_COUNT = 65536


def _subid_start(path: str, name: str) -> int | None:
    try:
        for line in Path(path).read_text().splitlines():
            parts = line.split(":")
            if len(parts) == 3 and parts[0] == name and parts[1].isdigit():
                return int(parts[1])
    except OSError:
        pass
    return None


def current() -> dict:
    """This machine's volatile values: kernel release, course user, its uid and subids.

    The course user is the kit's rootless account under root; an ordinary user is the rootless
    user of their own lessons (their own uid and subordinate ids show in the outputs)."""
    from kernel_helpers import paths, rootless_account

    name = rootless_account.user_name() if os.geteuid() == 0 else pwd.getpwuid(os.getuid()).pw_name
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        uid = None
    return {"kernel_release": os.uname().release, "user": name, "uid": uid,
            "subuid_start": _subid_start("/etc/subuid", name),
            "subgid_start": _subid_start("/etc/subgid", name),
            "state_dir": str(paths.state_dir()), "runtime_dir": str(paths.runtime_dir()),
            "home": str(Path.home())}


def range_regex(low: int, high: int) -> str:
    """A regex matching exactly the decimal integers ``low..high`` (``low`` > 0).

    The range is cut into aligned blocks of 10**k numbers, each one prefix and ``\\d{k}``:
    100000..165535 gives ``10\\d{4}|11\\d{4}|...|16553[0-5]``-like alternatives.
    """
    parts = []
    while low <= high:
        k = 0
        while low % 10 ** (k + 1) == 0 and low + 10 ** (k + 1) - 1 <= high:
            k += 1
        digits = str(low)
        parts.append(digits[:len(digits) - k] + (f"\\d{{{k}}}" if k else ""))
        low += 10 ** k
    return "|".join(parts)


def _alternatives(values) -> str:
    return "|".join(sorted({re.escape(str(v)) for v in values if v not in (None, "")}, key=len,
                           reverse=True))


def sanitizer_text(hosts: list[dict]) -> str:
    """nbval cfg sections masking every host's values (the recording ones and this one)."""
    sections = []
    # ASCII word characters only: in the zh-CN edition a value may touch a CJK character, which
    # Python's \w matches
    w = "A-Za-z0-9_"

    def add(name: str, regex: str, replace: str) -> None:
        if regex:
            sections.append(f"[host_{name}]\nregex: {regex}\nreplace: {replace}\n")

    # the kit's folders first (the runtime folder may lie inside the home, and so on)
    folders = sorted({(h.get(k), k) for h in hosts for k in ("state_dir", "runtime_dir", "home")
                      if h.get(k) and h.get(k) != "/"}, key=lambda pair: -len(pair[0]))
    for folder, kind in folders:
        add(f"{kind}_{len(sections)}", f"{re.escape(folder)}(?![{w}.-])", kind.upper().replace("_", "-"))
    kernels = _alternatives(h.get("kernel_release") for h in hosts)
    add("kernel_release", f"(?<![{w}.-])(?:{kernels})(?![{w}.-])" if kernels else "", "KERNEL-RELEASE")
    ranges = {h.get(k) for h in hosts for k in ("subuid_start", "subgid_start")} - {None}
    subids = "|".join(f"(?:{range_regex(s, s + SUBID_COUNT - 1)})" for s in sorted(ranges))
    # a number alone, not a part of a name such as the sandbox id kernel-3257-123456
    add("subids", f"(?<![{w}.-])(?:{subids})(?![{w}.-])" if subids else "", "SUBID")
    uids = _alternatives(h.get("uid") for h in hosts)
    add("course_uid", f"(?<![{w}.-])(?:{uids})(?![{w}.-])" if uids else "", "COURSE-UID")
    users = _alternatives(h.get("user") for h in hosts)
    add("course_user", f"(?<![{w}-])(?:{users})(?![{w}-])" if users else "", "COURSE-USER")
    # the rootless world of a notebook: in the course user's home (root mode), inside the kernel's
    # sandbox in the learner's own state folder (user mode); after the values above
    add("rootless_world", rf"/home/COURSE-USER/\.local/share/podman-course/sandboxes/SANDBOX-ID(?![{w}.-])"
        rf"|STATE-DIR/sandboxes/SANDBOX-ID/rootless(?![{w}.-])", "ROOTLESS-WORLD")
    return "\n".join(sections)


def recorded_hosts(notebooks: Path) -> list[dict]:
    """The recording machines' values, from the metadata of the stored notebooks below NOTEBOOKS."""
    found = []
    for path in sorted(notebooks.rglob("*.ipynb")):
        try:
            meta = json.loads(path.read_text()).get("metadata", {}).get(META_KEY, {})
        except (OSError, ValueError):
            continue
        if meta.get("recorded_host") and meta["recorded_host"] not in found:
            found.append(meta["recorded_host"])
    return found


PADDING_SECTION = "[column_padding]"


def combined_sanitizer(static: str, hosts: list[dict]) -> str:
    """The static sanitizer text with the sections of HOSTS' values (and this machine's) added:
    after the static ids (a sandbox id may hold digits that look like a uid), before the last
    static section, which removes the blanks some of them rely on."""
    text = sanitizer_text([*hosts, current()])
    cut = static.find(PADDING_SECTION)
    cut = cut if cut >= 0 else len(static)
    return f"{static[:cut]}\n{text}\n{static[cut:]}"
