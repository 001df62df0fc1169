"""The hub's ``jupyterhub_config.py``, generated into ``state_dir()/hub`` (0600, root's).

What it sets (every value in the file is a literal, made here):
- loopback only: the proxy on ``127.0.0.1:PORT`` (``$PODMAN_COURSE_HUB_PORT``, 8300), its
  API on PORT+1, the hub itself on PORT+2, the grades service on PORT+3; the proxy is the
  Python ``configurable-http-proxy`` of the course venv;
- ``LocalProcessSpawner``: the hub runs as root and starts each learner's
  ``jupyterhub-singleuser`` (``python -m jupyterhub.singleuser`` of ``venv.learner_python``)
  as the learner, in their clone ``~/podman-course``, opening ``notebooks/00_setup.ipynb``;
- per learner: ``resources.learner_environment(index, login)``, the grades URL
  (``GRADES_URL_ENV``), the clone on ``PYTHONPATH`` (the kit the learner runs is theirs),
  the classroom registry's port and ``PODMAN_COURSE_CLASSROOM=shared`` (it is root's),
  and ``resources.spawner_settings()``;
- a pre-spawn hook (``hooks.pre_spawn``) that makes sure of the account and clones or pulls
  the course as the learner;
- PAM for a real class (allowed users = roster, admins = teachers), or the test-only
  ``testauth.TestAuthenticator`` when asked and allowed (``TEST_AUTH_ENV=1``);
- the teacher's grades service (``grades_service.service_config``) and an admin service
  whose token (0600, ``admin-token``) tests and ``hub status`` use;
- cookie secret, database and proxy token in the hub's state.

Usage:
    hub_dir = write(learners, test_auth=False)     # the config file's folder
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import sys
from pathlib import Path

from .. import paths
from ..endpoints import MODE_ENV, SHARED
from ..errors import KitError
from . import GRADES_PATH, GRADES_URL_ENV, grades_service, published, resources
from .accounts import COURSE_DIR, Learner
from .venv import LearnerPython, learner_python

PORT_ENV = "PODMAN_COURSE_HUB_PORT"
DEFAULT_PORT = 8300
TEST_AUTH_ENV = "PODMAN_COURSE_HUB_TEST_AUTH"
FIRST_PORT_ENV = "PODMAN_COURSE_HUB_FIRST_PORT"  # learner 0's port block (tests: away from others)
ADMIN_SERVICE = "course-admin"
ADMIN_SCOPES = ["admin:users", "admin:servers", "access:servers", "tokens", "list:users",
                "read:users"]
DEFAULT_URL = "/lab/tree/notebooks/00_setup.ipynb"
CONFIG_NAME = "jupyterhub_config.py"
SPAWN_TIMEOUT = 180  # seconds: a loaded 2-core host starts a server slowly


def port() -> int:
    value = os.environ.get(PORT_ENV, "")
    if value and not (value.isdigit() and 1024 < int(value) < 65533):
        raise KitError(f"{PORT_ENV}={value!r} is not a port between 1025 and 65532")
    return int(value) if value else DEFAULT_PORT


def hub_dir() -> Path:
    return paths.state_dir() / "hub"


def public_url() -> str:
    return f"http://127.0.0.1:{port()}"


def passwords_file() -> Path:
    return hub_dir() / "test-passwords.json"


def admin_token_file() -> Path:
    return hub_dir() / "admin-token"


def roster_file() -> Path:
    return hub_dir() / "roster.json"


def _secret(path: Path, make) -> str:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        value = make()
        paths.write_private(path, value + "\n")
        return value


def block_offset() -> int:
    """How many port blocks to skip so that learner 0's block starts at ``$FIRST_PORT_ENV``."""
    value = os.environ.get(FIRST_PORT_ENV, "")
    if not value:
        return 0
    skip = int(value) - resources.FIRST if value.isdigit() else -1
    if skip < 0 or skip % resources.BLOCK:
        raise KitError(f"{FIRST_PORT_ENV}={value!r} must be {resources.FIRST} plus a multiple of "
                       f"{resources.BLOCK}")
    return skip // resources.BLOCK


def learner_env(learner: Learner, user: pwd.struct_passwd, base_env: dict[str, str]) -> dict[str, str]:
    """Everything set in LEARNER's server (and so in their kernels)."""
    clone = f"{user.pw_dir}/{COURSE_DIR}"
    return {**base_env,
            "XDG_RUNTIME_DIR": f"/run/user/{user.pw_uid}",
            "PYTHONPATH": clone,
            "PODMAN_COURSE_REGISTRY_PORT": os.environ.get("PODMAN_COURSE_REGISTRY_PORT", "5000"),
            MODE_ENV: SHARED,  # root's classroom registry: the learner's kit uses it, never runs it
            **resources.learner_environment(learner.index + block_offset(), learner.login),
            GRADES_URL_ENV: public_url() + GRADES_PATH}


def environments(learners: list[Learner], lp: LearnerPython | None = None) -> dict[str, dict[str, str]]:
    """Each learner's server environment (their accounts must exist)."""
    lp = lp or learner_python(paths.state_dir())
    return {x.login: learner_env(x, pwd.getpwnam(x.login), lp.env) for x in learners}


def check_test_auth() -> None:
    """KitError unless the test-only authenticator is allowed here (``TEST_AUTH_ENV=1``)."""
    if os.environ.get(TEST_AUTH_ENV) != "1":
        raise KitError(f"--test-auth is for tests only: set {TEST_AUTH_ENV}=1 as well to use it")


def _auth_lines(learners: list[Learner], test_auth: bool) -> list[str]:
    logins = sorted(x.login for x in learners)
    teachers = sorted(x.login for x in learners if x.teacher)
    lines = [f"c.Authenticator.allowed_users = set({logins!r})",
             f"c.Authenticator.admin_users = set({teachers!r})",
             "c.Authenticator.delete_invalid_users = True"]  # a login gone from the roster goes
    if not test_auth:
        return ["c.JupyterHub.authenticator_class = 'pam'", *lines]
    check_test_auth()
    from .testauth import write_passwords  # needs jupyterhub: only here
    write_passwords(passwords_file(), logins)
    return ["c.JupyterHub.authenticator_class = 'kernel_helpers.hub.testauth.TestAuthenticator'",
            f"c.TestAuthenticator.passwords_file = {str(passwords_file())!r}", *lines]


def render(learners: list[Learner], test_auth: bool = False) -> str:
    """The text of jupyterhub_config.py for LEARNERS (writes the secrets it refers to)."""
    state, hdir, base = paths.state_dir(), hub_dir(), port()
    lp = learner_python(state)
    admin_token = _secret(admin_token_file(), lambda: secrets.token_hex(32))
    proxy_token = _secret(hdir / "proxy-token", lambda: secrets.token_hex(32))
    service, roles = grades_service.service_config(str(Path(sys.executable)), state, port=base + 3)
    envs = environments(learners, lp)
    paths.write_private(roster_file(), json.dumps(
        [{"login": x.login, "name": x.name, "role": x.role, "index": x.index} for x in learners],
        indent=1) + "\n")
    settings = resources.spawner_settings()
    admin_role = {"name": ADMIN_SERVICE, "scopes": ADMIN_SCOPES, "services": [ADMIN_SERVICE]}
    lines = [
        "# Written by the podman course kit (kernel_helpers.hub.config): do not edit, it is rewritten",
        "# by `python -m kernel_helpers hub up`.",
        "import sys",
        f"sys.path.insert(0, {str(paths.repo_root())!r})",
        "from kernel_helpers.hub import hooks",
        "c = get_config()  # noqa",
        "c.JupyterHub.ip = '127.0.0.1'",
        f"c.JupyterHub.port = {base}",
        "c.JupyterHub.hub_ip = '127.0.0.1'",
        f"c.JupyterHub.hub_port = {base + 2}",
        f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{base + 1}'",
        f"c.ConfigurableHTTPProxy.command = [{str(Path(sys.prefix, 'bin', 'configurable-http-proxy'))!r}]",
        f"c.ConfigurableHTTPProxy.auth_token = {proxy_token!r}",
        f"c.ConfigurableHTTPProxy.pid_file = {str(hdir / 'proxy.pid')!r}",
        f"c.JupyterHub.cookie_secret_file = {str(hdir / 'cookie-secret')!r}",
        f"c.JupyterHub.db_url = {'sqlite:///' + str(hdir / 'jupyterhub.sqlite')!r}",
        f"c.JupyterHub.pid_file = {str(hdir / 'jupyterhub.pid')!r}",
        "c.JupyterHub.cleanup_servers = True",
        "c.JupyterHub.spawner_class = 'localprocess'",
        f"c.Spawner.cmd = [{str(lp.python)!r}, '-m', 'jupyterhub.singleuser']",
        f"c.Spawner.notebook_dir = '~/{COURSE_DIR}'",
        f"c.Spawner.default_url = {DEFAULT_URL!r}",
        "c.Spawner.env_keep = ['LANG', 'LC_ALL']",
        f"c.Spawner.start_timeout = {SPAWN_TIMEOUT}",
        f"c.Spawner.http_timeout = {SPAWN_TIMEOUT}",
        *(f"c.Spawner.{k} = {v!r}" for k, v in settings.items()),
        f"hooks.ENVIRONMENTS.update({envs!r})",
        f"hooks.LEARNERS.update({ {x.login: [x.name, x.role, x.index] for x in learners}!r})",
        f"hooks.SOURCE = {str(published.course_source(paths.repo_root(), paths.state_dir()))!r}",
        f"hooks.PYTHON = {str(lp.python)!r}",
        "c.Spawner.pre_spawn_hook = hooks.pre_spawn",
        *_auth_lines(learners, test_auth),
        f"c.JupyterHub.services = {[service, {'name': ADMIN_SERVICE, 'api_token': admin_token}]!r}",
        f"c.JupyterHub.load_roles = {roles + [admin_role]!r}",
    ]
    return "\n".join(lines) + "\n"


def write(learners: list[Learner], test_auth: bool = False) -> Path:
    """Write jupyterhub_config.py (0600) into the hub's state; the config file's path."""
    hdir = paths.ensure(hub_dir(), 0o700)
    os.chmod(hdir, 0o700)  # secrets, the database and the log: root's only
    target = hdir / CONFIG_NAME
    paths.write_private(target, render(learners, test_auth))
    return target
