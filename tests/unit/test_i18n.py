"""The kit speaks the learner's language (issue 13): the catalogue is complete and well formed,
the language is chosen in the documented order, Chinese shows where asked and English stays
byte-identical. No podman here."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys

import pytest
from IPython.core.error import UsageError as IPythonUsageError
from IPython.core.interactiveshell import InteractiveShell

from kernel_helpers import doctor, hints, i18n, magics, paths, privilege, runner
from kernel_helpers.labs import loader
from kernel_helpers.labs.texts import localized, messages
from kernel_helpers.labs.views import FinishReport, GradeResult, LabSheet, Row

SPEC = importlib.util.spec_from_file_location("kit_messages", paths.repo_root() / "scripts/kit_messages.py")
kit_messages = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(kit_messages)

CJK = re.compile(r"[\u4e00-\u9fff]")
FIELD = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")
ROWS = [Row("running", "container web is running", True, "web is running"),
        Row("page", "http://127.0.0.1:8000/ answers 200", False, "nothing answers on port 8000",
            "Publish 8080 <inside>.")]


@pytest.fixture(autouse=True)
def english_by_default(monkeypatch):
    monkeypatch.delenv(i18n.ENV, raising=False)
    i18n.reset()
    yield
    i18n.reset()


@pytest.fixture
def chinese():
    i18n.set_language("zh-CN")


# -- the catalogue ----------------------------------------------------------------------------

def test_every_message_key_has_its_chinese_entry():
    """Keys: Babel's extractor over the kit (keywords _ and N_) and the labs' texts; a fuzzy
    or empty entry counts as missing."""
    code, labs = kit_messages.code_messages(), kit_messages.lab_messages()
    assert len(code) > 150 and len(labs) > 100
    assert "Start" in code and "hint: {hint}" in code  # a widget label, a result line
    result = kit_messages.stats(kit_messages.read(), set(code) | set(labs))
    assert result["missing"] == [] and result["fuzzy"] == []
    assert len(result["translated"]) == len(set(code) | set(labs))


def test_placeholders_match_between_msgid_and_msgstr():
    catalog = kit_messages.read()
    wrong = [m.id for m in catalog if m.id and m.string and (
        sorted(set(FIELD.findall(m.id))) != sorted(set(FIELD.findall(m.string)))
        or m.id.count("{{") != m.string.count("{{") or m.id.endswith("\n") != m.string.endswith("\n"))]
    assert wrong == []


def test_inline_code_is_kept_in_the_translation():
    def flat(text):
        return " ".join(text.split())

    wrong = [m.id for m in kit_messages.read() if m.id and m.string
             and any(flat(code) not in flat(m.string) for code in re.findall(r"``[^`]+``|`[^`]+`", m.id))]
    assert wrong == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_msgfmt_checks_the_catalogue():
    done = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(kit_messages.PO)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_compile_writes_the_mo_and_without_a_catalogue_the_kit_speaks_english(tmp_path, monkeypatch):
    po, _mo = i18n._paths(i18n.ZH)
    target = tmp_path / "zh_CN" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(po, target / po.name)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        assert i18n.gettext_for(i18n.ZH, "Refresh") == "刷新"  # compiled lazily at first use
        assert (target / "kernel_helpers.mo").exists()
        (target / po.name).unlink()
        (target / "kernel_helpers.mo").write_bytes(b"not a catalogue")
        i18n.translations.cache_clear()
        assert i18n.gettext_for(i18n.ZH, "Refresh") == "Refresh"  # broken .mo: English
        monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "none")
        i18n.translations.cache_clear()
        i18n.set_language("zh")
        assert i18n._("Refresh") == "Refresh"  # no catalogue at all: English, no error
    finally:
        i18n.translations.cache_clear()


def test_the_compile_verb_runs_without_the_venv_imports(tmp_path):
    done = subprocess.run([sys.executable, "-m", "kernel_helpers.i18n", "compile"], cwd=paths.repo_root(),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("kernel_helpers.mo")


# -- choosing the language ---------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["zh-CN", "zh_CN", "zh", "ZH-cn", " zh_cn "])
def test_chinese_has_several_spellings(spelling):
    assert i18n.normalize(spelling) == "zh-CN"


def test_a_bad_language_is_refused_and_empty_means_unset():
    with pytest.raises(ValueError, match="use one of en, zh-CN"):
        i18n.normalize("fr")
    assert i18n.normalize("") is None and i18n.normalize(None) is None


def test_the_language_order_magic_then_notebook_then_environment(monkeypatch):
    assert i18n.current() == "en"
    monkeypatch.setenv(i18n.ENV, "zh_CN")
    assert i18n.current() == "zh-CN"
    i18n.from_namespace({"lang": "en"})
    assert i18n.current() == "en"  # the notebook's lang beats the environment
    i18n.set_language("zh")
    assert i18n.current() == "zh-CN"  # %podman_lang beats both
    i18n.set_language("")
    assert i18n.current() == "en"
    i18n.from_namespace({"lang": ""})  # papermill's default: unset
    assert i18n.current() == "zh-CN"
    i18n.from_namespace({"lang": None})
    assert i18n.current() == "zh-CN"
    monkeypatch.setenv(i18n.ENV, "klingon")
    assert i18n.current() == "en"  # a bad environment value: English, no error


@pytest.fixture
def ipython():
    ip = InteractiveShell.instance()
    ip.register_magics(magics.PodmanMagics)
    return ip


def test_podman_lang_shows_and_sets_the_language(ipython, capsys):
    ipython.run_line_magic("podman_lang", "")
    assert capsys.readouterr().out == "en\n"
    ipython.run_line_magic("podman_lang", "zh_CN")
    ipython.run_line_magic("podman_lang", "")
    assert capsys.readouterr().out == "zh-CN\n"
    with pytest.raises(IPythonUsageError, match=r"^unknown language 'fr': use one of en, zh-CN$"):
        ipython.run_line_magic("podman_lang", "fr")
    assert i18n.current() == "zh-CN"


def test_loading_the_kit_reads_the_notebooks_lang(monkeypatch):
    class Shell:
        user_ns = {"lang": "zh-CN"}
        input_transformers_cleanup: list = []

        def register_magics(self, _magics):
            pass

    monkeypatch.setattr(magics, "kernel_sandbox", lambda: None)
    monkeypatch.setenv("PODMAN_COURSE_MODE", "live")
    magics.load(Shell())
    assert i18n.current() == "zh-CN"


# -- Chinese where asked -----------------------------------------------------------------------

def test_a_hint_in_chinese_keeps_its_names(chinese):
    hint = hints.hint_for('Error: the container name "web" is already in use')
    assert hint == "名为 web 的容器已经存在：先删除它（`podman rm -f web`），或换一个 --name。"
    assert "`python -m kernel_helpers doctor`" in hints.hint_for(
        "crun: setrlimit `RLIMIT_NPROC`: Operation not permitted")


def test_every_recorded_failure_gets_a_chinese_hint(chinese):
    recordings = sorted((paths.repo_root() / "tests/fake_podman/recordings").glob("*.json"))
    failures = [json.loads(p.read_text()) for p in recordings]
    failures = [r for r in failures if r["returncode"] != 0]
    shown = [hints.hint_for(r["stderr"], [r.get("tool", "podman"), *r["argv"]]) for r in failures]
    assert len(shown) >= 15 and all(h and CJK.search(h) for h in shown)


def test_a_failed_command_in_both_languages(fake_podman):
    fake_podman.use("run-name-in-use")
    argv = fake_podman.recording("run-name-in-use")["argv"]
    english = runner.run("podman", argv).to_text().splitlines()
    assert english[-2:] == ["exit status 125", "hint: A container named web already exists: remove it "
                            "(`podman rm -f web`) or choose another --name."]
    i18n.set_language("zh-CN")
    chinese = runner.run("podman", argv).to_text().splitlines()
    assert chinese[-2:] == ["退出状态 125", "提示：名为 web 的容器已经存在：先删除它（`podman rm -f web`），"
                            "或换一个 --name。"]
    assert chinese[:-2] == english[:-2]  # podman's own output is never translated


def test_doctor_rows_in_chinese_keep_their_english_keys(chinese, monkeypatch):
    monkeypatch.setattr(privilege, "user_mode", lambda: True)
    monkeypatch.setattr(privilege, "is_root", lambda: False)
    monkeypatch.setattr(privilege, "sudo_works", lambda: False)
    report = doctor.Report()
    doctor.check_privilege(report)
    report.add("runtime runc", "ok", "可用")
    assert report.checks[0].name == "user mode"  # the key stays English (notebooks use it)
    assert report.checks[0].finding.startswith("你是 ")
    text = report.text()
    assert text.splitlines()[0].split() == ["检查项", "状态", "发现", "修复"]
    assert "用户模式" in text and "运行时 runc" in text and "步骤 systemd-host（07）" in text
    skipped = next(c for c in report.checks if c.name == "step systemd-host (07)")
    assert skipped.status == "skip" and skipped.fix.startswith("systemd 主机是一个需要 root 的特权容器；")
    assert list(report.frame().columns) == ["名称", "状态", "发现", "修复"]


def test_a_refusal_in_chinese_keeps_the_skipped_marker(chinese, monkeypatch):
    monkeypatch.setattr(privilege, "is_root", lambda: False)
    line = privilege.refusal("systemd-host", sudo=False)
    assert line.startswith("skipped: systemd 主机是一个需要 root 的特权容器；你是 ")


def test_a_lab_in_chinese(chinese):
    lab = localized(loader.get("04-web-page"))
    sheet = LabSheet(lab.bind({"WEB_PORT": 8123}), ["podman pull -q x"], [])
    text = sheet.to_text()
    assert text.startswith("实验 04-web-page：把 Web 服务器发布到主机端口，并提供你自己的页面\n笔记本 ")
    assert "主机的 8123 端口" in text and "提示 1：" in text and "准备：podman pull -q x" in text
    assert "<details><summary>提示 1</summary>" in sheet._repr_markdown_()
    assert all(c.hint != e.hint for c, e in zip(lab.checks, loader.get("04-web-page").checks, strict=True))
    grade = GradeResult("04-web-page", "t", ROWS).to_text()
    assert grade.splitlines()[:2] == ["实验 04-web-page：2 个检查项中通过了 1 个",
                                      "通过  container web is running：web is running"]
    assert "      提示：Publish 8080 <inside>." in grade
    assert FinishReport("x", []).to_text() == "实验 x 已结束：没有需要删除的东西"
    titles = loader.table().set_index("name")["title"]
    assert titles["04-web-page"] == "把 Web 服务器发布到主机端口，并提供你自己的页面"


def test_grading_lines_in_chinese(chinese):
    from kernel_helpers.labs.kinds import REGISTRY

    assert REGISTRY["container_running"].describe({"name": "web"}) == "容器 web 正在运行"
    assert REGISTRY["unit_enabled"].describe({"unit": "container-web.service", "user": "webadmin"}) \
        == "webadmin 的单元 container-web.service 已启用"
    assert REGISTRY["file_content"].describe({"name": "w", "path": "/p", "contains": "hi", "owner": "u"}) \
        == "容器 w 中的文件 /p 包含 'hi'，属主为 u"
    i18n.set_language("en")
    assert REGISTRY["file_content"].describe({"name": "w", "path": "/p", "contains": "hi", "owner": "u"}) \
        == "file /p in container w contains 'hi', owned by u"
    assert REGISTRY["namespace_shared"].describe({"name": "a", "namespace": "pid", "shares": "b"}) \
        == "container a shares the pid namespace of container b"


def test_every_lab_text_is_translated_in_chinese(chinese):
    for name, lab in loader.labs().items():
        shown = localized(lab)
        for english, chinese_text in zip(messages(lab), messages(shown), strict=True):
            assert chinese_text != english or not re.search("[a-z]{4} [a-z]{4}", english) \
                or english.startswith(("%podman", "podman", "mysql")), (name, english)


# -- English unchanged -------------------------------------------------------------------------

def test_english_is_byte_identical_to_the_recorded_texts():
    assert hints.hint_for('Error: the container name "web" is already in use') == (
        "A container named web already exists: remove it (`podman rm -f web`) or choose another --name.")
    assert GradeResult("04-web-page", "Publish a web server", ROWS).to_text() == (
        "lab 04-web-page: 1 of 2 checks pass\n"
        "PASS  container web is running: web is running\n"
        "FAIL  http://127.0.0.1:8000/ answers 200: nothing answers on port 8000\n"
        "      hint: Publish 8080 <inside>.")
    assert localized(loader.get("04-web-page")) == loader.get("04-web-page")
    report = doctor.Report()
    report.add("runtime runc", "ok", "works", "the kit uses runc")
    assert report.text() == ("CHECK         STATUS  FINDING  FIX\n"
                             "runtime runc  ok      works    the kit uses runc")
    assert list(report.frame().columns) == ["Name", "Status", "Finding", "Fix"]


def test_english_messages_are_their_own_msgids():
    for message in list(kit_messages.code_messages())[:50]:
        assert i18n._(message) == message
