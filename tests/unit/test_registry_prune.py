"""classroom up drops the push registry's repositories whose tags a lab's finish deleted."""

from __future__ import annotations

from kernel_helpers.registry_files import prune_empty_repositories


def _repo(top, name, tags=()):
    repo = top / "docker/registry/v2/repositories" / name
    (repo / "_manifests/revisions/sha256/abc").mkdir(parents=True)
    (repo / "_layers/sha256/def").mkdir(parents=True)
    (repo / "_manifests/tags").mkdir()
    for tag in tags:
        (repo / "_manifests/tags" / tag / "current").mkdir(parents=True)
    return repo


def test_empty_repositories_go_and_tagged_ones_stay(tmp_path):
    empty = _repo(tmp_path, "kernel-1-abc/myubi")
    kept = _repo(tmp_path, "busybox", tags=["latest"])
    nested_kept = _repo(tmp_path, "kernel-2-def/web", tags=["v2"])
    _repo(tmp_path, "kernel-2-def/old")
    assert prune_empty_repositories(tmp_path) == 2
    assert not empty.exists() and not empty.parent.exists()  # its empty namespace too
    assert kept.exists() and nested_kept.exists()
    assert not (nested_kept.parent / "old").exists()


def test_a_repository_without_tags_folder_goes_and_a_missing_storage_is_fine(tmp_path):
    repo = _repo(tmp_path, "x")
    (repo / "_manifests/tags").rmdir()
    assert prune_empty_repositories(tmp_path) == 1
    assert prune_empty_repositories(tmp_path / "nothing") == 0


def test_a_symlinked_tags_folder_is_not_followed(tmp_path):
    outside = tmp_path / "outside"
    (outside / "t").mkdir(parents=True)
    repo = _repo(tmp_path / "s", "y")
    (repo / "_manifests/tags").rmdir()
    (repo / "_manifests/tags").symlink_to(outside)
    assert prune_empty_repositories(tmp_path / "s") == 1
    assert (outside / "t").exists()
