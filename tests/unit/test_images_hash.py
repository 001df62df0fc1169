"""recipe_hash: changes with a recipe's files, build args or parent; stable otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from kernel_helpers import images
from kernel_helpers.errors import UsageError
from kernel_helpers.images import Recipe, recipe_hash, select


def make_recipes(root: Path) -> tuple[Recipe, ...]:
    for name, text in (("base", "FROM scratch\n"), ("child", "ARG BASE\nFROM ${BASE}\n")):
        (root / name).mkdir(parents=True, exist_ok=True)
        (root / name / "Containerfile").write_text(text)
    (root / "child" / "conf").mkdir(exist_ok=True)
    (root / "child" / "conf" / "app.conf").write_text("Listen 8080\n")
    return (
        Recipe("base", root / "base", ("base:latest",)),
        Recipe("child", root / "child", ("child:1",), parent="base",
               build_args=(("VERSION", "1"),)),
        Recipe("child-2", root / "child", ("child:2",), parent="base",
               build_args=(("VERSION", "2"),)),
    )


def test_hash_is_stable(tmp_path):
    recipes = make_recipes(tmp_path)
    first = [recipe_hash(r, recipes) for r in recipes]
    assert first == [recipe_hash(r, recipes) for r in make_recipes(tmp_path)]
    assert all(len(h) == 64 for h in first)


def test_hash_changes_when_a_file_changes(tmp_path):
    recipes = make_recipes(tmp_path)
    base, child, _ = recipes
    before_base, before_child = recipe_hash(base, recipes), recipe_hash(child, recipes)
    (tmp_path / "child" / "conf" / "app.conf").write_text("Listen 8081\n")
    assert recipe_hash(child, recipes) != before_child
    assert recipe_hash(base, recipes) == before_base


def test_hash_changes_when_a_file_is_added_or_renamed(tmp_path):
    recipes = make_recipes(tmp_path)
    child = recipes[1]
    before = recipe_hash(child, recipes)
    (tmp_path / "child" / "extra").write_text("")
    added = recipe_hash(child, recipes)
    assert added != before
    (tmp_path / "child" / "extra").rename(tmp_path / "child" / "other")
    assert recipe_hash(child, recipes) not in (before, added)


def test_parent_change_propagates(tmp_path):
    recipes = make_recipes(tmp_path)
    before = [recipe_hash(r, recipes) for r in recipes]
    (tmp_path / "base" / "Containerfile").write_text("FROM scratch\nCMD [\"/bin/sh\"]\n")
    after = [recipe_hash(r, recipes) for r in recipes]
    assert all(b != a for b, a in zip(before, after, strict=True))


def test_build_args_are_part_of_the_hash(tmp_path):
    recipes = make_recipes(tmp_path)
    _, child, child2 = recipes
    assert recipe_hash(child, recipes) != recipe_hash(child2, recipes)


def test_unknown_parent_is_a_usage_error(tmp_path):
    recipes = make_recipes(tmp_path)
    orphan = Recipe("orphan", tmp_path / "child", ("orphan:1",), parent="missing")
    with pytest.raises(UsageError):
        recipe_hash(orphan, recipes + (orphan,))


def test_select_adds_ancestors_and_groups(tmp_path):
    recipes = make_recipes(tmp_path)
    assert [r.name for r in select(["child-2"], recipes)] == ["base", "child-2"]
    assert [r.name for r in select(["child"], recipes)] == ["base", "child", "child-2"]
    with pytest.raises(UsageError):
        select(["nope"], recipes)


def test_course_recipes_are_ordered_and_hashable():
    names = [r.name for r in images.RECIPES]
    for index, recipe in enumerate(images.RECIPES):
        if recipe.parent:
            assert names.index(recipe.parent) < index
        assert (recipe.dir / "Containerfile").is_file()
        assert len(recipe_hash(recipe)) == 64


def test_an_ordinary_user_does_not_build_the_image_of_a_skipped_root_only_step(monkeypatch):
    from kernel_helpers import images, privilege
    monkeypatch.setattr(privilege, "is_root", lambda: True)
    assert "systemd-host" in [r.name for r in images.select()]
    monkeypatch.setattr(privilege, "is_root", lambda: False)
    monkeypatch.setattr(privilege, "sudo_works", lambda: False)
    names = [r.name for r in images.select()]
    assert "systemd-host" not in names and "ubi" in names and "mariadb" in names
    assert [r.name for r in images.select(["systemd-host"])] == ["systemd-host"]  # asked for: built
