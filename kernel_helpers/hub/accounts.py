"""The hub classroom's roster and its learners' Unix accounts (and their course clones).

The roster is a CSV file with the header ``login,name`` and an optional ``role`` column
(``learner``, the default, or ``teacher``). It is read strictly (``read_roster``): a bad
login, a duplicate, a missing column or an existing account the kit did not make stops
everything with one line naming the file and line.

Each roster entry gets an ordinary account (``ensure_account``): ``useradd`` with a home,
a login shell, the GECOS ``MARKER`` (the kit touches only accounts that carry it),
subordinate uid/gid ranges that overlap no other (for rootless podman) and its
``/run/user/UID``. Every change is recorded with ``hostchanges`` (key ``learner:LOGIN``)
before it is made, so ``uninstall`` removes the account again.

The course reaches each learner as a git clone in ``~/podman-course`` made *as the
learner* (``ensure_course``: ``runuser``, argv only), pulled fast-forward only on later
spawns. Root never writes into a learner's home.

Usage:
    roster = read_roster(Path("roster.csv"))
    for learner in roster: ensure_account(learner); ensure_course(learner, paths.repo_root())
"""

from __future__ import annotations

import csv
import io
import os
import pwd
import re
import time
from dataclasses import dataclass
from pathlib import Path

from .. import hostchanges, process, rootless_account, userfs
from ..errors import KitError

MARKER = "podman course learner (kernel_helpers)"
RECORD_PREFIX = "learner:"  # hostchanges key of an account the hub classroom made
LOGIN_RE = re.compile(r"[a-z_][a-z0-9_-]{0,31}")
ROLES = ("learner", "teacher")
COURSE_DIR = "podman-course"  # the clone, below the learner's home
GIT_TIMEOUT = 300
SUBIDS = 65536


class RosterError(KitError):
    """The roster file is not a valid roster (one line: the file, the line, why)."""


@dataclass(frozen=True)
class Learner:
    login: str
    name: str
    role: str = "learner"
    index: int = 0  # position in the roster: the learner's port block

    @property
    def teacher(self) -> bool:
        return self.role == "teacher"


def parse_roster(text: str, source: str = "roster") -> list[Learner]:
    """The roster in TEXT (CSV); RosterError naming SOURCE and the line when it is not valid."""
    rows = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(rows)]
    except StopIteration:
        raise RosterError(f"{source}: empty file, expected the header 'login,name'") from None
    if header[:2] != ["login", "name"] or not set(header[2:]) <= {"role"} or len(header) > 3:
        raise RosterError(f"{source} line 1: header must be 'login,name' or 'login,name,role', "
                          f"not {','.join(header)!r}")
    learners: list[Learner] = []
    seen: dict[str, int] = {}
    for row in rows:
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise RosterError(f"{source} line {line}: {len(row)} fields, expected {len(header)}")
        login, name = row[0].strip(), row[1].strip()
        role = row[2].strip().lower() if len(row) > 2 and row[2].strip() else "learner"
        if not LOGIN_RE.fullmatch(login):
            raise RosterError(f"{source} line {line}: bad login {login!r} (lower-case letters, "
                              "digits, '_' and '-', starting with a letter or '_', at most 32)")
        if login in seen:
            raise RosterError(f"{source} line {line}: login {login!r} already on line {seen[login]}")
        if role not in ROLES:
            raise RosterError(f"{source} line {line}: role {role!r} is not one of {', '.join(ROLES)}")
        if not name or any(c in name for c in ":\n"):
            raise RosterError(f"{source} line {line}: name of {login!r} is empty or holds ':'")
        seen[login] = line
        learners.append(Learner(login, name, role, len(learners)))
    if not learners:
        raise RosterError(f"{source}: no learner below the header")
    return learners


def check_accounts(learners: list[Learner], text: str, source: str = "roster") -> None:
    """RosterError if a roster login names an existing account the kit did not make."""
    lines = {}
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if row:
            lines.setdefault(row[0].strip(), number)
    for learner in learners:
        user = _account(learner.login)
        if user is not None and user.pw_gecos != MARKER:
            raise RosterError(f"{source} line {lines.get(learner.login, '?')}: account "
                              f"{learner.login!r} exists and was not made by the kit: not touched")


def read_roster(path: Path) -> list[Learner]:
    try:
        text = path.read_text()
    except OSError as exc:
        raise RosterError(f"cannot read the roster {path}: {exc.strerror}") from None
    learners = parse_roster(text, str(path))
    check_accounts(learners, text, str(path))
    return learners


def _account(login: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(login)
    except KeyError:
        return None


def kit_account(login: str) -> pwd.struct_passwd | None:
    """LOGIN's account if it exists and the hub classroom made it."""
    user = _account(login)
    return user if user is not None and user.pw_gecos == MARKER else None


def recorded_logins(record: dict | None = None) -> list[str]:
    """Every learner account the hub classroom recorded (made or about to make)."""
    record = hostchanges.load() if record is None else record
    return sorted(k[len(RECORD_PREFIX):] for k in record if k.startswith(RECORD_PREFIX))


def ensure_account(learner: Learner) -> list[str]:
    """Create LEARNER's account, subordinate ids and /run/user/UID when missing (as root)."""
    if os.geteuid() != 0:
        raise KitError("only root can create the learners' accounts")
    login, done = learner.login, []
    user = _account(login)
    if user is not None and user.pw_gecos != MARKER:
        raise KitError(f"account {login!r} exists and was not made by the kit: not touched")
    if user is None:
        hostchanges.record(RECORD_PREFIX + login, {
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        process.run(["useradd", "--create-home", "--key", "HOME_MODE=0700", "--shell", "/bin/bash",
                     "--comment", MARKER, login], timeout=rootless_account.TIMEOUT, check=True)
        done.append(f"created account {login} ({learner.name})")
        user = _account(login)
    return done + rootless_account.give_subids(login, SUBIDS) + rootless_account.ensure_run_dir(user)


def course_dir(login: str) -> Path:
    return Path(pwd.getpwnam(login).pw_dir) / COURSE_DIR


# The source checkout belongs to root: git (>= 2.35.2) refuses another owner's repository
# unless it is named safe. Command-line config counts, but a local clone's upload-pack does
# not inherit it, so the clone goes through the transport (--no-local) with an upload-pack
# that is told too, and the clone keeps that upload-pack for its later pulls.
UPLOAD_PACK = "git -c safe.directory=* upload-pack"


def _git(login: str, *args: str) -> process.Completed:
    argv = ["runuser", "-u", login, "--", "env", "-i", f"HOME={pwd.getpwnam(login).pw_dir}",
            "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8",
            "git", "-c", "safe.directory=*", *args]
    return process.run(argv, timeout=GIT_TIMEOUT)


KIT_STATE = ".local/share/podman-course"  # the kit's state of an ordinary user (paths.state_dir)
KIT_PREPARE = ("from kernel_helpers import doctor, registries; "
               "doctor.run(); registries.write_registries_conf()")


def ensure_kit_state(learner: Learner, python: str, env: dict[str, str]) -> str | None:
    """Run the kit's doctor and write its registries.conf as LEARNER, once (what ``make setup``
    does for one user, minus the registry and the images: the hub's classroom serves those).

    ENV is the learner's server environment (registry port, PYTHONPATH of their clone).
    None when both files are there already.
    """
    user = pwd.getpwnam(learner.login)
    home = Path(user.pw_dir)
    if all(userfs.read_small(home, f"{KIT_STATE}/{name}", user.pw_uid) is not None
           for name in ("doctor.json", "registries.conf")):
        return None
    pairs = [f"{k}={v}" for k, v in {"HOME": str(home), "USER": learner.login, "LOGNAME": learner.login,
                                     "LANG": "C.UTF-8", **env}.items()]
    done = process.run(["runuser", "-u", learner.login, "--", "env", "-i", "-C", str(home), *pairs,
                        python, "-c", KIT_PREPARE], timeout=GIT_TIMEOUT)
    if not done.ok:
        last = (done.stderr or done.stdout).strip().splitlines()
        why = last[-1] if last else f"exit status {done.returncode}"
        raise KitError(f"preparing the kit for {learner.login} failed: {why}")
    return f"ran the kit's doctor as {learner.login}, wrote its registries.conf"


def ensure_course(learner: Learner, source: Path) -> str:
    """Clone SOURCE into the learner's ~/podman-course, or pull it fast-forward only (as them).

    One line saying what happened. A pull that cannot fast-forward (the learner committed)
    leaves the clone as it is and says so; it never raises for that.
    """
    login = learner.login
    target = course_dir(login)
    inside = _git(login, "-C", str(target), "rev-parse", "--is-inside-work-tree")
    if not inside.ok:
        done = _git(login, "clone", "--quiet", "--no-local", "--upload-pack", UPLOAD_PACK,
                    "--config", f"remote.origin.uploadpack={UPLOAD_PACK}", str(source), str(target))
        if not done.ok:
            raise KitError(f"cloning the course for {login} failed: {done.stderr.strip()[-300:]}")
        return f"cloned the course into {target}"
    pulled = _git(login, "-C", str(target), "pull", "--ff-only", "--quiet")
    if not pulled.ok:
        return f"kept {target} as it is: no fast-forward pull ({pulled.stderr.strip()[-200:]})"
    return f"pulled the course in {target}"
