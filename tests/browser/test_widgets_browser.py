"""Each course widget in a real JupyterLab, in Chromium: run its cell, click, check podman.

Every test opens a notebook of ``tests/browser/notebooks``, runs it from JupyterLab's
Run menu, clicks a real button of the widget, then checks the effect with podman in
that kernel's own sandbox, and leaves a screenshot in ``test-artifacts/browser``.
"""

from __future__ import annotations

import re
import socket

import pytest

from kernel_helpers import classroom

pytestmark = pytest.mark.browser
BUSYBOX = f"{classroom.pull_host()}/busybox:latest"  # the classroom of this run


def _option_index(select, starts_with: str) -> int:
    labels = [text.replace("\xa0", " ").strip() for text in select.locator("option").all_inner_texts()]
    matches = [i for i, label in enumerate(labels) if label.startswith(starts_with)]
    assert matches, f"no option starting with {starts_with!r} in {labels}"
    return matches[0]


def _state(nb, name: str) -> str:
    return {c["Names"][0]: c["State"] for c in nb.podman_json("ps", "-a")}.get(name, "absent")


def test_dashboard_stop_button_stops_the_selected_container(notebook):
    nb = notebook("widgets_dashboard.ipynb")
    nb.run_all()
    board = nb.widget(".kh-dashboard")
    rows = board.locator(".kh-rows select")
    rows.locator("option").nth(1).wait_for()  # both containers listed
    assert _state(nb, "web") == "running" and _state(nb, "other") == "running"
    rows.select_option(index=_option_index(rows, "web "))
    board.locator("button.kh-stop").click()
    log = board.locator(".kh-log")
    log.get_by_text("$ podman stop web").wait_for()
    log.get_by_text("exit status 0").wait_for()
    assert _state(nb, "web") == "exited"
    assert _state(nb, "other") == "running"  # only the selected row was stopped
    rows.locator("option", has_text=re.compile(r"^web\s.*Exited")).wait_for()  # table refreshed
    started = nb.sandbox.podman("run", "-d", "--name", "late", BUSYBOX, "true")
    assert started.returncode == 0, started.stderr
    rows.locator("option", has_text=re.compile(r"^late\s")).wait_for(timeout=15_000)  # by the timer
    nb.screenshot(board, "dashboard")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_explorer_pull_button_pulls_the_picked_image(notebook):
    nb = notebook("widgets_explorer.ipynb")
    nb.run_all()
    explorer = nb.widget(".kh-explorer")
    explorer.locator(".kh-images select").select_option(label="busybox:latest")
    explorer.get_by_text("Layers").first.wait_for()  # skopeo inspect's layers table
    explorer.get_by_text("$ skopeo").first.wait_for()
    explorer.locator("button.kh-pull").click()
    log = explorer.locator(".kh-log")
    log.get_by_text(f"$ podman pull {BUSYBOX}").wait_for()
    log.get_by_text("exit status 0").wait_for()
    own = [i for i in nb.podman_json("images") if not i.get("ReadOnly")]
    assert any(BUSYBOX in i.get("Names", []) for i in own), own
    explorer.locator(".kh-reference input").fill("quay.io/someone/app:v2")
    parts = explorer.locator(".kh-parts")
    parts.get_by_text("someone", exact=True).wait_for()
    assert parts.get_by_text("quay.io", exact=True).is_visible()
    assert parts.get_by_text("v2", exact=True).is_visible()
    nb.screenshot(explorer, "explorer")


def test_run_builder_run_button_starts_the_container_it_shows(notebook):
    nb = notebook("widgets_run_builder.ipynb")
    nb.run_all()
    builder = nb.widget(".kh-run-builder")
    port = _free_port()
    builder.locator(".kh-image select").select_option(label=BUSYBOX)
    builder.locator(".kh-name input").fill("built")
    builder.locator(".kh-ports textarea").fill(f"{port}:8080")
    builder.locator(".kh-env textarea").fill("GREETING=hello world")
    builder.locator(".kh-command input").fill("httpd -f -p 8080")
    expected = (f"$ podman run -d --name built -p {port}:8080 -e 'GREETING=hello world' "
                f"{BUSYBOX} httpd -f -p 8080")
    builder.locator(".kh-command-line").get_by_text(expected).wait_for()
    builder.locator("button.kh-run").click()
    builder.locator(".kh-log").get_by_text("exit status 0").wait_for()
    assert _state(nb, "built") == "running"
    assert "GREETING=hello world" in nb.podman_json("inspect", "built")[0]["Config"]["Env"]
    ports = nb.sandbox.podman("port", "built").stdout
    assert f":{port}" in ports
    nb.screenshot(builder, "run_builder")


def test_namespace_view_show_button_shows_the_picked_containers_processes(notebook):
    nb = notebook("widgets_namespaces.ipynb")
    nb.run_all()
    view = nb.widget(".kh-namespaces")
    view.locator(".kh-namespace-table").get_by_text("Namespaces of web").wait_for()
    view.locator(".kh-containers select").select_option(label="db")
    view.locator("button.kh-show").click()
    view.locator(".kh-namespace-table").get_by_text("Namespaces of db").wait_for()
    host_pid = nb.podman_json("inspect", "db")[0]["State"]["Pid"]
    tree = view.locator(".kh-process-tree")
    tree.get_by_text(str(host_pid), exact=True).wait_for()  # PID 1 of db, as the host sees it
    assert tree.get_by_text("sleep 600").first.is_visible()
    table = view.locator(".kh-namespace-table")
    net = table.locator("tr", has=nb.page.get_by_text("net", exact=True))
    assert "True" in net.inner_text()  # its own network namespace
    nb.screenshot(view, "namespaces")


def test_unit_generator_new_toggle_shows_the_unit_podman_writes(notebook):
    nb = notebook("widgets_units.ipynb")
    nb.run_all()
    gen = nb.widget(".kh-units")
    unit = gen.locator(".kh-unit")
    unit.get_by_text("$ podman generate systemd --name web").wait_for()
    gen.locator("button.kh-new").click()
    unit.get_by_text("$ podman generate systemd --name --new web").wait_for()
    shown = unit.locator(".kh-unit-text").inner_text()
    done = nb.sandbox.podman("generate", "systemd", "--name", "--new", "web")
    assert done.returncode == 0, done.stderr

    def body(text):  # without the header's date line
        return [line.strip() for line in text.splitlines() if not re.match(r"# \w{3} \w{3} ", line)]
    assert body(shown) == body(done.stdout)
    assert gen.locator(".kh-verify").get_by_text("valid: systemd found nothing").is_visible()
    assert "+ExecStart=/usr/bin/podman run" in gen.locator(".kh-diff").inner_text()
    nb.screenshot(gen, "units")
