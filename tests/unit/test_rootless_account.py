"""The rootless course user's account: subordinate id files (no root)."""

from __future__ import annotations

from kernel_helpers import rootless_account


def test_free_subid_start_is_above_every_range(tmp_path):
    subuid = tmp_path / "subuid"
    subuid.write_text("alice:100000:65536\nbob:165536:65536\n")
    assert rootless_account.free_subid_start(str(subuid)) == 231072
    assert rootless_account.free_subid_start(str(tmp_path / "missing")) == 100000


def test_free_subid_start_is_above_every_range_of_every_file(tmp_path):
    subuid, subgid = tmp_path / "subuid", tmp_path / "subgid"
    subuid.write_text("alice:100000:65536\nbroken line\nbob:x:65536\n")
    subgid.write_text("alice:100000:65536\ncarol:300000:1000\n")
    assert rootless_account.free_subid_start(str(subuid), str(subgid)) == 301000
    assert rootless_account.free_subid_start(str(subgid), str(subuid)) == 301000
    assert rootless_account.free_subid_start(str(subuid), str(tmp_path / "missing")) == 165536
    subuid.write_text("low:1000:500\n")  # below the minimum
    assert rootless_account.free_subid_start(str(subuid)) == 100000
    assert rootless_account.free_subid_start() == 100000


def test_has_range_matches_whole_names(tmp_path):
    subuid = tmp_path / "subuid"
    subuid.write_text("podman-student-2:100000:65536\n")
    assert not rootless_account._has_range(str(subuid), "podman-student")
    assert rootless_account._has_range(str(subuid), "podman-student-2")
    assert rootless_account.subid_ranges(str(subuid), "podman-student-2") == [range(100000, 165536)]
