"""Explorer logic: catalog rows, skopeo inspect / pull argv, the live name parser."""

from __future__ import annotations

import json

import pytest

from kernel_helpers import classroom
from kernel_helpers.errors import KitError
from kernel_helpers.widgets.common import Engine
from kernel_helpers.widgets.explorer_view import (
    Explorer,
    catalog_frame,
    catalog_options,
    inspect_argv,
    pull_argv,
    reference_table,
)

CATALOG = [{"repository": "busybox", "tags": ["latest"]},
           {"repository": "rhel8/httpd-24", "tags": ["1-105", "latest"]}]


def test_every_tag_of_every_repository_is_one_option():
    assert [v for _, v in catalog_options(CATALOG)] == ["busybox:latest", "rhel8/httpd-24:1-105",
                                                        "rhel8/httpd-24:latest"]
    assert list(catalog_frame(CATALOG)["Tags"]) == ["latest", "1-105, latest"]


def test_inspect_and_pull_name_the_classroom_registry():
    assert inspect_argv("busybox:latest", "localhost:5000") == ["inspect", "docker://localhost:5000/busybox:latest"]
    assert pull_argv("busybox:latest", "localhost:5000") == ["pull", "localhost:5000/busybox:latest"]


@pytest.mark.parametrize(("ref", "parts"), [
    ("registry.access.redhat.com/ubi8/ubi:latest",
     ["registry.access.redhat.com", "ubi8", "ubi", "latest", ""]),
    ("ubi", ["", "", "ubi", "latest", ""]),
    ("localhost:5000/busybox", ["localhost:5000", "", "busybox", "latest", ""]),
])
def test_the_name_parser_splits_registry_user_image_tag(ref, parts):
    table = reference_table(ref)
    assert list(table["Part"]) == ["registry", "user", "image", "tag", "digest"]
    assert list(table["Value"]) == parts


@pytest.fixture
def explorer(fake_podman, recording, monkeypatch, tmp_path):
    """An explorer on a fake catalog; skopeo inspect replays a real recorded inspect."""
    rec = recording("skopeo-inspect")
    rec["argv_match"] = ["inspect", "docker://localhost:5000/busybox:latest"]
    (tmp_path / "inspect.json").write_text(json.dumps(rec))
    monkeypatch.setenv("FAKE_PODMAN_RECORDINGS", str(tmp_path))
    monkeypatch.setattr(classroom, "catalog", lambda: CATALOG)
    monkeypatch.setattr(classroom, "pull_host", lambda: "localhost:5000")
    return Explorer(engine=Engine(), reference="quay.io/me/app:v1")


def test_picking_an_image_shows_skopeo_details_and_layers(explorer, fake_podman):
    assert explorer.pull_button.disabled
    explorer.images.value = "busybox:latest"
    assert fake_podman.calls()[-1][0] == "skopeo"
    assert fake_podman.calls()[-1][-2:] == ["inspect", "docker://localhost:5000/busybox:latest"]
    assert "Digest" in list(explorer.details["Key"]) and len(explorer.layers) >= 1
    assert "Layers" in explorer.info.value and not explorer.pull_button.disabled
    assert explorer.command_log.commands[-1].startswith("skopeo ")


def test_pull_runs_podman_pull_of_the_picked_image(explorer, fake_podman):
    explorer.images.value = "busybox:latest"
    explorer.pull_button.click()
    assert fake_podman.calls()[-1] == ["podman", "pull", "localhost:5000/busybox:latest"]
    assert explorer.command_log.commands[-1] == "podman pull localhost:5000/busybox:latest"


def test_the_reference_box_splits_as_you_type_and_explains_bad_names(explorer):
    assert "quay.io" in explorer.parts.value and "<td>me</td>" in explorer.parts.value
    explorer.reference.value = "bad//name"
    assert "kh-error" in explorer.parts.value and "invalid image reference" in explorer.parts.value


def test_static_view_is_the_catalog(explorer):
    text = explorer._repr_mimebundle_()["text/plain"]
    assert "rhel8/httpd-24" in text and "1-105, latest" in text


def test_a_registry_that_is_down_is_one_line_not_a_traceback(monkeypatch, fake_podman):
    def down():
        raise KitError("cannot read the classroom catalog at http://127.0.0.1:5000: refused")
    monkeypatch.setattr(classroom, "catalog", down)
    widget = Explorer(engine=Engine())
    assert "cannot read the classroom catalog" in widget.message.value
    assert "classroom up" in widget.message.value
    assert "(the classroom catalog is empty or down)" in widget._repr_mimebundle_()["text/plain"]
