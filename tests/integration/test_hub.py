"""The hub classroom for real: JupyterHub, two learner accounts, their kernels, `hub down`.

Needs root (the hub starts each learner's server as the learner). Uses the state, runtime,
registry and hub ports of the environment (``PODMAN_COURSE_HUB_PORT``,
``PODMAN_COURSE_HUB_FIRST_PORT``); makes the accounts LEARNERS and removes them again
(``hub down --remove-accounts``), also when a test fails. Takes 1-3 minutes.
"""

from __future__ import annotations

import json
import os
import pwd

import pytest

from kernel_helpers import userprocs
from kernel_helpers.errors import KitError
from kernel_helpers.hub import accounts, cli, config, server

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the hub classroom needs root")
LEARNERS = ("pch-a", "pch-b")
IMAGE = "registry.access.redhat.com/ubi7/ubi:latest"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    client = pytest.importorskip("kernel_helpers.hub.client")
    roster = tmp_path_factory.mktemp("hub") / "roster.csv"
    roster.write_text("login,name\n" + "".join(f"{x},Learner {x}\n" for x in LEARNERS))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(config.TEST_AUTH_ENV, "1")
        try:
            lines: list[str] = []
            cli.up(roster, test_auth=True, out=lines.append)
            passwords = json.loads(config.passwords_file().read_text())
            yield client, config.public_url(), passwords, lines
        finally:
            cli.down(remove_accounts=True, out=lambda line: None)
    for login in LEARNERS:
        assert accounts.kit_account(login) is None, f"{login} was not removed"


def test_the_login_form_refuses_a_wrong_password(hub):
    client, url, passwords, lines = hub
    assert any(line.startswith("hub: http://127.0.0.1:") for line in lines), lines
    with pytest.raises(KitError, match="login of pch-a refused: HTTP 403"):
        client.Learner(url, "pch-a", passwords["pch-b"]).login()
    for login in LEARNERS:
        home = pwd.getpwnam(login).pw_dir
        assert os.stat(home).st_mode & 0o077 == 0, f"{home} is open to others"
        assert os.stat(f"{home}/podman-course/.git").st_uid == pwd.getpwnam(login).pw_uid
        # the learner's doctor (run by `up`, as them) sees root's registry as the shared classroom
        report = json.loads(open(f"{home}/{accounts.KIT_STATE}/doctor.json").read())
        row = next(c for c in report["checks"] if c["name"] == "classroom")
        assert row["status"] == "ok" and row["finding"].startswith("shared (the hub's), up"), row


def test_each_learner_runs_as_themself_rootless_and_alone(hub):
    client, url, passwords, _ = hub
    a = client.Learner(url, "pch-a", passwords["pch-a"], timeout=300)
    b = client.Learner(url, "pch-b", passwords["pch-b"], timeout=300)
    try:
        for me in (a, b):
            me.login()
            me.start_server()
            me.open_kernel()
            uid = pwd.getpwnam(me.login_name).pw_uid
            got = me.execute("import os; print(os.getuid(), os.geteuid(), os.getcwd())")
            assert got.ok and got.text.split()[:2] == [str(uid)] * 2, got
            loaded = me.execute("%load_ext kernel_helpers")
            assert loaded.ok, loaded
            shared = me.execute("from kernel_helpers import classroom\n"
                                "print(classroom.up().describe().splitlines()[0])")
            assert shared.ok and "running, shared (the hub's)" in shared.text, shared
            rootless = me.execute("from kernel_helpers.lesson import podman\n"
                                  "print(podman('info --format {{.Host.Security.Rootless}}').stdout)")
            assert rootless.ok and rootless.text.split()[-1] == "true", rootless
        ran = a.execute(f"%podman run -d --name only-a {IMAGE} sleep 600")
        assert ran.ok and "Error" not in ran.text, ran
        seen_a = a.execute("%podman ps -a")
        assert seen_a.ok and "only-a" in seen_a.text, seen_a
        seen_b = b.execute("%podman ps -a")
        assert seen_b.ok and "only-a" not in seen_b.text and "(no rows)" in seen_b.text, seen_b
        images_b = b.execute("%podman images")
        assert images_b.ok and "ubi7" not in images_b.text, images_b
        images_a = a.execute("%podman images")
        assert images_a.ok and "ubi7" in images_a.text, images_a
    finally:
        a.close()
        b.close()


def test_hub_down_leaves_no_process_of_the_learners(hub):
    uids = {pwd.getpwnam(x).pw_uid for x in LEARNERS}
    server.stop()
    assert server.hub_pid() is None and not server.answers()
    left = [p for p in userprocs.processes(lambda u: u in uids) if p.state != "Z"]
    assert left == [], [(p.pid, p.argv) for p in left]
