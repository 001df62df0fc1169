"""The kit's registries.conf: valid TOML (v2) with the classroom's entries."""

from __future__ import annotations

import pytest

from kernel_helpers import classroom, engine, registries

tomllib = pytest.importorskip("tomllib")


@pytest.fixture
def conf(monkeypatch):
    monkeypatch.delenv(classroom.PORT_ENV, raising=False)
    text = registries.registries_conf_text()
    return text, tomllib.loads(text)


def by_prefix(parsed: dict) -> dict:
    return {r.get("prefix", r.get("location")): r for r in parsed["registry"]}


def test_header_and_top_level_keys(conf):
    text, parsed = conf
    assert text.startswith(engine.KIT_HEADER)
    assert parsed["unqualified-search-registries"] == ["localhost:5000"]
    assert parsed["short-name-mode"] == "permissive"


def test_red_hat_names_are_remapped_to_the_pull_endpoint(conf):
    regs = by_prefix(conf[1])
    for prefix in ("registry.access.redhat.com", "registry.redhat.io"):
        assert regs[prefix]["location"] == "localhost:5000"
        assert regs[prefix]["insecure"] is True


def test_both_endpoints_are_insecure_loopback(conf):
    regs = by_prefix(conf[1])
    assert regs["localhost:5000"]["insecure"] is True
    assert regs["localhost:5001"]["insecure"] is True


def test_blocked_registry_and_alias(conf):
    regs = by_prefix(conf[1])
    assert regs["blocked.example.com"]["blocked"] is True
    assert conf[1]["aliases"]["ubi"] == "registry.access.redhat.com/ubi8/ubi"


def test_every_entry_is_explained_by_a_comment(conf):
    text = conf[0]
    blocks = text.split("[[registry]]")
    for block in blocks[:-1]:  # each entry is preceded by its explanation
        assert block.rstrip().splitlines()[-1].startswith("#")
    assert text.split("[aliases]")[0].rstrip().splitlines()[-1].startswith("#")


def test_port_override_moves_both_endpoints(monkeypatch):
    monkeypatch.setenv(classroom.PORT_ENV, "25000")
    parsed = tomllib.loads(registries.registries_conf_text())
    assert parsed["unqualified-search-registries"] == ["localhost:25000"]
    assert {"localhost:25000", "localhost:25001"} <= set(by_prefix(parsed))
    assert classroom.push_host() == "localhost:25001"
    assert classroom.kit_host() == "localhost:25002"


def test_kit_endpoint_is_not_shown_to_learners(conf):
    text, parsed = conf
    assert "localhost:5002" not in text and "localhost:5002" not in by_prefix(parsed)
    assert "storage of its own: what you push there never changes localhost:5000" in text


def test_write_registries_conf(tmp_path, monkeypatch):
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path))
    target = registries.write_registries_conf()
    assert target == tmp_path / "registries.conf"
    assert tomllib.loads(target.read_text())["aliases"]["ubi"]
