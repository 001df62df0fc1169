"""The kit's last English texts speak the learner's language too (issue 13): result notes,
the checklist's separator, container_flag's words, namespace messages about the host, the
namespace table's meaning column, the magics' help and the teacher's grades page. English
stays byte-identical. No podman here."""

from __future__ import annotations

import re

import pytest
from IPython.core import oinspect
from IPython.core.interactiveshell import InteractiveShell

from kernel_helpers import i18n, magic_help, magics, namespaces, output
from kernel_helpers.hub import grades_service
from kernel_helpers.labs import docs
from kernel_helpers.labs.kinds import REGISTRY
from kernel_helpers.labs.views import GradeResult, Row
from kernel_helpers.results import CommandResult
from tests.unit.test_i18n import english_by_default  # noqa: F401 (the autouse fixture: English unless a test asks)

CJK_SPACE_CJK = re.compile(r"[\u4e00-\u9fff] [\u4e00-\u9fff]")
ROWS = [{"learner": "ann", "lab": "03-rhel7", "result": "FAIL", "checks": "0/3",
         "last_attempt": "2026-12-01T21:02:00Z", "attempts": 1},
        {"learner": "bob", "lab": "03-rhel7", "result": "PASS", "checks": "3/3",
         "last_attempt": "2026-12-01T21:05:00Z", "attempts": 2}]




def chinese() -> None:
    i18n.set_language("zh-CN")


def test_a_result_note_and_the_left_out_line_in_both_languages():
    result = CommandResult(["podman", "ps"], ["podman", "ps"], 0, stdout="x\n", note="kept 2 of 5")
    assert result.to_text() == "$ podman ps\nx\nnote: kept 2 of 5"
    assert output.left_out_line(8) == "… 8 bytes left out …"
    chinese()
    assert result.to_text() == "$ podman ps\nx\n注意：kept 2 of 5"
    assert output.left_out_line(8) == "… 省略了 8 字节 …"


def test_the_checklist_line_uses_a_chinese_colon():
    rows = [Row("cmd", "c", False, "r", "")]
    assert GradeResult("x", "t", rows).to_text().splitlines()[1] == "FAIL  c: r"
    chinese()
    assert GradeResult("x", "t", rows).to_text().splitlines()[1] == "未通过  c：r"


def test_container_flag_names_its_setting_in_words():
    kind, params = REGISTRY["container_flag"], {"name": "web", "flag": "cmd", "value": "/bin/bash"}
    assert kind.describe(params) == "container web has cmd /bin/bash"
    chinese()
    assert kind.describe(params) == "容器 web 的默认命令为 /bin/bash"
    for flag in ("image", "env", "port", "mount", "restart", "entrypoint", "cmd"):
        text = kind.describe({**params, "flag": flag})
        assert re.search(r"[a-z]{3}", text.replace("web", "").replace("/bin/bash", "")) is None, text


@pytest.mark.parametrize("same", [True, False])
def test_namespace_messages_about_the_host_have_no_space_inside_chinese(same):
    kind = REGISTRY["namespace_shared"]
    host, other = ({"name": "a", "namespace": "pid", "shares": s, "same": same} for s in ("host", "b"))
    english = kind.describe(host)
    assert english == f"container a {'shares' if same else 'does not share'} the pid namespace of the host"
    chinese()
    assert kind.describe(host) == f"容器 a {'共享' if same else '不共享'}主机的 pid 命名空间"
    assert kind.describe(other) == f"容器 a {'共享' if same else '不共享'}容器 b 的 pid 命名空间"
    assert not CJK_SPACE_CJK.search(kind.describe(host) + kind.describe(other))


def test_the_namespace_table_translates_only_its_meaning_column():
    host = {"net": "net:[1]", "pid": "pid:[2]"}
    inside = {"net": "net:[3]", "pid": "pid:[2]"}
    df = namespaces.compare(host, inside)
    assert list(df.columns) == ["namespace", "host", "container", "isolated", "a namespace of its own means"]
    chinese()
    df = namespaces.compare(host, inside)
    assert list(df.columns) == ["namespace", "host", "container", "isolated", "拥有自己的命名空间意味着"]
    assert df[df["isolated"]]["namespace"].tolist() == ["net"]  # read by name in both languages
    assert df.set_index("namespace").loc["net", "拥有自己的命名空间意味着"] == "网络接口、地址、端口和路由"


def test_the_magics_help_follows_the_language_set_after_they_were_registered():
    ip = InteractiveShell.instance()
    ip.register_magics(magics.PodmanMagics)
    podman, lab = ip.find_line_magic("podman"), ip.find_line_magic("lab")
    assert oinspect.getdoc(podman).startswith("Run ``podman ARGS`` for real")
    assert oinspect.getdoc(lab).startswith("Practice on the real engine")
    ip.run_line_magic("podman_lang", "zh-CN")
    assert oinspect.getdoc(podman).startswith("在本内核的私有沙箱中真实地运行 ``podman ARGS``。")
    assert "{HTTP_PORT}:8080" in oinspect.getdoc(podman)
    assert oinspect.getdoc(lab).startswith("在真实的容器引擎上练习")
    assert "container_flag(" in oinspect.getdoc(lab) and "存在名为 NAME 的容器" in docs.magic_doc()
    for text in (magic_help.SKOPEO, magic_help.PODMAN_WIDGET, magic_help.PODMAN_TERMINAL,
                 magic_help.PODMAN_LANG):
        assert i18n._(text) != text
    assert podman.__doc__ == magic_help.PODMAN  # the docstring itself stays English


def test_the_grades_page_speaks_the_teachers_language():
    assert "<h1>Grades</h1>" in grades_service.page(ROWS) and "2 attempts" in grades_service.page(ROWS)
    page = grades_service.page(ROWS, i18n.ZH)
    assert "<h1>成绩</h1>" in page and "<th>学员</th>" in page and "2 次尝试" in page and "未通过" in page
    assert grades_service.language_of("zh", None) == i18n.ZH
    assert grades_service.language_of(None, "fr-FR,zh-CN;q=0.8,en;q=0.5") == i18n.ZH
    assert grades_service.language_of(None, "en-US,zh;q=0.5") == i18n.EN
    assert grades_service.language_of(None, None) == i18n.EN


def test_the_remap_note_in_both_languages():
    from kernel_helpers.parsers.remaps import remap_args

    remaps = [("registry.redhat.io", "localhost:5000")]
    args, note = remap_args("podman", ["search", "registry.redhat.io/rhel8"], remaps)
    assert args == ["search", "localhost:5000/rhel8"] and note == (
        "registry.redhat.io is remapped to localhost:5000 by the kit's registries.conf: "
        "searched localhost:5000/rhel8")
    chinese()
    assert remap_args("skopeo", ["list-tags", "docker://registry.redhat.io/x"], remaps)[1] == (
        "工具包的 registries.conf 把 registry.redhat.io 重映射到 localhost:5000："
        "列出的是 docker://localhost:5000/x 的标签")
