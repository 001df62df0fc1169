"""A learner at the hub, driven over HTTP: login form, REST API, a kernel over its websocket.

For the integration test and ``benchmarks/classroom.py`` only (it needs ``requests`` and
``websocket-client`` from the course venv; the kit's CLI never imports it). It does what
a browser does: the login form (with its ``_xsrf``), then an API token the learner makes
for themself, their server started through ``/hub/api/users/LOGIN/server``, a kernel
through the server's ``/api/kernels`` and code run over the kernel's websocket.

Usage:
    with Learner(url, "pch-a", password) as me:
        me.login(); me.start_server(); me.open_kernel()
        reply = me.execute("import os; os.getuid()")   # Reply(ok, text, seconds)
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass

import requests
import websocket

from ..errors import KitError


@dataclass
class Reply:
    ok: bool
    text: str       # stdout, stderr, results and display text, in order
    seconds: float
    error: str = ""  # ename: evalue when the cell raised


class Learner:
    def __init__(self, url: str, login: str, password: str, timeout: float = 300):
        self.url, self.login_name, self.password, self.timeout = url.rstrip("/"), login, password, timeout
        self.http = requests.Session()
        self.token = ""
        self.kernel_id = ""
        self.ws: websocket.WebSocket | None = None
        self.spawn_seconds = 0.0

    def __enter__(self) -> Learner:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _auth(self) -> dict:
        return {"Authorization": f"token {self.token}"}

    def login(self) -> None:
        """The login form, as a browser posts it; then an API token of the learner's own."""
        self.http.get(f"{self.url}/hub/login", timeout=30).raise_for_status()
        xsrf = self.http.cookies.get("_xsrf", "")
        resp = self.http.post(f"{self.url}/hub/login?next=", allow_redirects=False, timeout=60,
                              data={"username": self.login_name, "password": self.password, "_xsrf": xsrf})
        if resp.status_code != 302:
            raise KitError(f"login of {self.login_name} refused: HTTP {resp.status_code}")
        xsrf = self.http.cookies.get("_xsrf", "")  # a new one, bound to the login session
        made = self.http.post(f"{self.url}/hub/api/users/{self.login_name}/tokens", timeout=60,
                              headers={"X-XSRFToken": xsrf}, json={"note": "course client",
                                                                   "expires_in": 4 * 3600})
        made.raise_for_status()
        self.token = made.json()["token"]

    def user(self) -> dict:
        resp = self.http.get(f"{self.url}/hub/api/users/{self.login_name}", headers=self._auth(), timeout=30)
        resp.raise_for_status()
        return resp.json()

    def start_server(self) -> float:
        """Start the learner's server (if it is not running) and wait until it is ready; seconds."""
        start = time.monotonic()
        resp = self.http.post(f"{self.url}/hub/api/users/{self.login_name}/server",
                              headers=self._auth(), timeout=60)
        if resp.status_code not in (201, 202, 400):  # 400: already running
            raise KitError(f"starting the server of {self.login_name}: HTTP {resp.status_code} "
                           f"{resp.text[:200]}")
        while time.monotonic() - start < self.timeout:
            server = (self.user().get("servers") or {}).get("", {})
            if server.get("ready"):
                self.spawn_seconds = time.monotonic() - start
                return self.spawn_seconds
            if not server.get("pending") and time.monotonic() - start > 5:
                raise KitError(f"the server of {self.login_name} stopped while starting")
            time.sleep(0.5)
        raise KitError(f"the server of {self.login_name} was not ready within {self.timeout:g} s")

    def stop_server(self) -> None:
        self.http.delete(f"{self.url}/hub/api/users/{self.login_name}/server", headers=self._auth(),
                         timeout=60)

    def open_kernel(self, name: str = "podman-course") -> str:
        base = f"{self.url}/user/{self.login_name}/api/kernels"
        resp = self.http.post(base, headers=self._auth(), json={"name": name}, timeout=120)
        resp.raise_for_status()
        self.kernel_id = resp.json()["id"]
        ws_url = base.replace("http://", "ws://", 1) + f"/{self.kernel_id}/channels"
        self.ws = websocket.create_connection(ws_url, header=[f"Authorization: token {self.token}"],
                                              timeout=self.timeout)
        return self.kernel_id

    def execute(self, code: str, timeout: float | None = None) -> Reply:
        """Run CODE in the kernel; its output once the kernel is idle again."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": self.login_name, "session": uuid.uuid4().hex,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
        start = time.monotonic()
        limit = timeout or self.timeout
        parts, error, ok, idle, replied = [], "", True, False, False
        while not (idle and replied):
            if time.monotonic() - start > limit:
                raise KitError(f"{self.login_name}: cell did not finish within {limit:g} s: {code[:60]!r}")
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                parts.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                parts.append(content["data"].get("text/plain", ""))
            elif kind == "error":
                ok, error = False, f"{content['ename']}: {content['evalue']}"
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
            elif kind == "execute_reply":
                replied = True
                ok = ok and content.get("status") == "ok"
        return Reply(ok, "".join(parts), time.monotonic() - start, error)

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
            self.ws = None
        if self.kernel_id and self.token:
            self.http.delete(f"{self.url}/user/{self.login_name}/api/kernels/{self.kernel_id}",
                             headers=self._auth(), timeout=60)
            self.kernel_id = ""
