"""The zh-CN edition: every markdown cell translated, the same code, and drift found by cell."""

from __future__ import annotations

import importlib.util
import sys

import nbformat
import pytest

from kernel_helpers import paths

SCRIPTS = paths.repo_root() / "scripts"
sys.path.insert(0, str(SCRIPTS))
import translations  # noqa: E402  (scripts/translations.py)

spec = importlib.util.spec_from_file_location("notebooks_tool", SCRIPTS / "notebooks.py")
notebooks_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(notebooks_tool)

SOURCES = translations.sources()


@pytest.mark.parametrize("src", SOURCES, ids=[s.stem for s in SOURCES])
@pytest.mark.parametrize("locale", sorted(translations.LANGUAGES.values()))
def test_every_markdown_cell_has_its_translation(src, locale):
    found = translations.problems(src, translations.load(src.stem, locale))
    assert not found, (f"{src.stem} [{locale}]: " + "; ".join(f"cell {p.cell} {p.kind} ({p.first_line})"
                                                              for p in found)
                       + ": python scripts/translations.py check")


def fake_source(tmp_path, *markdown: str):
    src = tmp_path / "src" / "09_fake.py"
    src.parent.mkdir(exist_ok=True)
    body = "".join(f"# %% [markdown]\n# {text}\n\n# %%\nprint({i})\n\n" for i, text in enumerate(markdown))
    src.write_text(body)
    return src


def test_a_changed_english_cell_becomes_fuzzy_and_check_names_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(translations, "NOTEBOOKS", tmp_path)
    monkeypatch.setattr(translations, "I18N", tmp_path / "i18n")
    src = fake_source(tmp_path, "Hello", "Containers share the kernel")
    translations.update()
    catalog = translations.load("09_fake", "zh_CN")
    catalog["Hello"].string, catalog["Containers share the kernel"].string = "你好", "容器共享系统内核"
    translations.save(catalog, "09_fake", "zh_CN")
    assert translations.problems(src, translations.load("09_fake", "zh_CN")) == []
    fake_source(tmp_path, "Hello", "Containers share one kernel")  # the English changed
    translations.update()
    translations.update()  # a second merge keeps the old English (Babel alone would lose it)
    text = translations.catalogue_path("09_fake", "zh_CN").read_text()
    assert '#, fuzzy\n#| msgid "Containers share the kernel"\nmsgid "Containers share one kernel"' in text
    [problem] = translations.problems(src, translations.load("09_fake", "zh_CN"))
    assert (problem.cell, problem.kind) == (2, "fuzzy")
    assert translations.translation(src, "zh_CN") == {"Hello": "你好"}  # a fuzzy one is not used
    assert translations.check() == 1
    assert "09_fake [zh-CN] markdown cell 2: fuzzy: Containers share one kernel" in capsys.readouterr().out


def test_the_translated_edition_has_the_same_code_and_its_own_kernel(tmp_path, monkeypatch):
    monkeypatch.setattr(translations, "NOTEBOOKS", tmp_path)
    monkeypatch.setattr(translations, "I18N", tmp_path / "i18n")
    monkeypatch.setattr(notebooks_tool, "ROOT", tmp_path)
    src = fake_source(tmp_path, "Hello", "Untranslated")
    translations.update()
    catalog = translations.load("09_fake", "zh_CN")
    catalog["Hello"].string = "你好"
    translations.save(catalog, "09_fake", "zh_CN")
    en, zh = notebooks_tool.render(src, "en"), notebooks_tool.render(src, "zh-CN")
    assert [c.source for c in zh.cells if c.cell_type == "markdown"] == ["你好", "Untranslated"]
    assert code_cells(en) == code_cells(zh) and code_cells(en)
    kernels = (zh.metadata.kernelspec.name, en.metadata.kernelspec.name)
    assert kernels == ("podman-course-zh-cn", "podman-course")


def code_cells(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


EDITIONS = sorted(paths.repo_root().glob("notebooks/zh-CN/[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", EDITIONS, ids=[p.stem for p in EDITIONS])
def test_both_editions_run_the_same_code(path):
    english = paths.repo_root() / "notebooks" / path.name
    assert code_cells(nbformat.read(path, as_version=4)) == code_cells(nbformat.read(english, as_version=4))
