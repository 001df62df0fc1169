"""A test-only JupyterHub authenticator: one random password per learner, from a 0600 file.

Used only when ``hub up --test-auth`` is asked for *and* ``PODMAN_COURSE_HUB_TEST_AUTH=1``
is set (``config.write`` refuses otherwise). The passwords file (``{"login": "password"}``)
is root's, mode 0600, in the hub's state; tests read it as root. A real class uses PAM.
Imported only by the hub process (it needs jupyterhub).
"""

from __future__ import annotations

import hmac
import json
import secrets
from pathlib import Path

from jupyterhub.auth import Authenticator
from traitlets import Unicode

from .. import paths


def write_passwords(path: Path, logins: list[str]) -> dict[str, str]:
    """A random password for each of LOGINS (kept if PATH has one), written 0600; the mapping."""
    try:
        old = json.loads(path.read_text())
    except (OSError, ValueError):
        old = {}
    passwords = {login: old.get(login) or secrets.token_urlsafe(18) for login in logins}
    paths.write_private(path, json.dumps(passwords, indent=1) + "\n")
    return passwords


class TestAuthenticator(Authenticator):
    """Accepts LOGIN with the password written for it in ``passwords_file``; nothing else."""

    passwords_file = Unicode(config=True, help="JSON {login: password}, mode 0600")

    async def authenticate(self, handler, data):
        try:
            known = json.loads(Path(self.passwords_file).read_text())
        except (OSError, ValueError):
            return None
        login = (data or {}).get("username", "")
        given = (data or {}).get("password", "")
        wanted = known.get(login)
        if wanted and hmac.compare_digest(str(given).encode(), str(wanted).encode()):
            return login
        return None
