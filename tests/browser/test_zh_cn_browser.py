"""The Chinese interface (issue 13): JupyterLab in zh_CN, a Chinese notebook on the Chinese kernel.

A JupyterLab of its own (no classroom, no podman: nothing here runs a container) starts with
the language setting a learner picks in Settings → Language (``locale: zh_CN``, from the
``jupyterlab-language-pack-zh-CN`` package). The test opens a notebook whose markdown is
Chinese on the ``podman-course-zh-cn`` kernel, runs its one code cell, screenshots the page
and checks: the menus are Chinese (文件), the kernel is the Chinese one (its display name in the
status bar, ``PODMAN_COURSE_LANG=zh-CN`` in its environment), and Chromium draws the Chinese
text with a CJK font (fonts-noto-cjk): the fonts it used for the markdown and the menu bar,
as the DevTools protocol reports them (``CSS.getPlatformFontsForNode``), include Noto Sans CJK.
(``document.fonts.check("16px 'Noto Sans CJK SC'", "容器")`` is no test: Chromium answers true
for a family that does not exist at all, since no @font-face of the page has to load.)
"""

from __future__ import annotations

import pytest

from .conftest import ARTIFACTS, LAB_SETTINGS, WIDGET_TIMEOUT_MS, running_lab

pytestmark = pytest.mark.browser

NOTEBOOK = "zh_cn_markdown.ipynb"
KERNEL = "podman-course-zh-cn"
KERNEL_NAME = "Podman 课程（中文）"
ZH_SETTINGS = {**LAB_SETTINGS, "@jupyterlab/translation-extension:plugin": {"locale": "zh_CN"}}


@pytest.fixture(scope="module")
def zh_lab(tmp_path_factory):
    with running_lab(tmp_path_factory.mktemp("lab-zh"), ZH_SETTINGS, log_name="jupyterlab-zh.log") as lab:
        specs = lab.api("kernelspecs")["kernelspecs"]
        if KERNEL not in specs:
            pytest.skip(f"no {KERNEL} kernel in the venv: run 'make venv'")
        yield lab


def platform_fonts(page, selector: str) -> dict[str, int]:
    """The fonts Chromium drew SELECTOR's text with: {family: glyph count} (DevTools' CSS domain)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"nothing matches {selector}"
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        return {font["familyName"]: font["glyphCount"] for font in fonts}
    finally:
        cdp.detach()


def test_chinese_ui_and_notebook_draw_with_a_cjk_font(zh_lab, chromium):
    zh_lab.api("sessions", "POST", {"path": NOTEBOOK, "name": NOTEBOOK, "type": "notebook",
                                    "kernel": {"name": KERNEL}})
    page = chromium.new_page()
    page.set_default_timeout(WIDGET_TIMEOUT_MS)
    try:
        page.goto(zh_lab.url(NOTEBOOK))
        page.locator(".jp-MarkdownCell .jp-RenderedMarkdown h1", has_text="容器与镜像").wait_for()
        # (a) the interface is Chinese: File is 文件, and the Chinese kernel runs this notebook
        page.locator(".lm-MenuBar-item", has_text="文件").first.wait_for()
        assert not page.locator(".lm-MenuBar-item", has_text="File").count()
        page.locator(".jp-StatusBar-TextItem", has_text=KERNEL_NAME).first.wait_for()
        page.locator(".jp-CodeCell .jp-InputArea-editor").first.click()
        page.keyboard.press("Shift+Enter")
        output = page.locator(".jp-OutputArea-output", has_text="你好，容器").first
        output.wait_for()
        assert "你好，容器: zh-CN" in output.inner_text()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "zh_cn_notebook.png"))
        # (b) a CJK font draws the Chinese text: the markdown paragraph, the menu bar
        drawn = platform_fonts(page, ".jp-MarkdownCell .jp-RenderedMarkdown p")
        assert sum(n for family, n in drawn.items() if "CJK" in family) > 0, drawn
        menu = platform_fonts(page, ".lm-MenuBar-item .lm-MenuBar-itemLabel")
        assert sum(n for family, n in menu.items() if "CJK" in family) > 0, menu
    finally:
        page.close()
