"""matplotlib draws Chinese labels with the CJK font, and English ones as before (issue 13)."""

from __future__ import annotations

import warnings

import pytest

from kernel_helpers import plotfonts

matplotlib = pytest.importorskip("matplotlib")
from matplotlib import font_manager  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

needs_font = pytest.mark.skipif(not plotfonts.font_files(),
                                reason="fonts-noto-cjk is not installed (make system installs it)")
CHINESE = "容器与镜像"


@pytest.fixture(autouse=True)
def default_fonts():
    """matplotlib's own defaults for each test (a kernel test may have loaded the kit before)."""
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        yield


def draw(title: str) -> tuple[bytes, list[str]]:
    """Render a small figure titled TITLE with Agg: its pixels and the warnings it raised."""
    fig = Figure(figsize=(3, 1), dpi=72)
    FigureCanvasAgg(fig)
    fig.add_subplot().set_title(title)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    return bytes(fig.canvas.buffer_rgba()), [str(w.message) for w in caught]


@needs_font
def test_chinese_title_has_its_glyphs():
    with matplotlib.rc_context():
        _, before = draw(CHINESE)  # the control: matplotlib's default fonts lack them
        assert any("missing from font" in message for message in before), before
        assert plotfonts.configure()
        _, after = draw(CHINESE)
        assert not [m for m in after if "missing from font" in m], after
        assert matplotlib.rcParams["font.family"] == ["sans-serif", plotfonts.CJK_FAMILY]
        found = font_manager.findfont(font_manager.FontProperties(family=plotfonts.CJK_FAMILY),
                                      fallback_to_default=False)
        assert "NotoSansCJK" in str(found), found


@needs_font
def test_english_text_is_drawn_as_before():
    with matplotlib.rc_context():
        first = matplotlib.rcParams["font.family"][0]
        english, _ = draw("Virtual machines vs Containers (podman + runc)")
        assert plotfonts.configure()
        again, _ = draw("Virtual machines vs Containers (podman + runc)")
        assert again == english
        assert matplotlib.rcParams["font.family"][0] == first
    assert plotfonts.CJK_FAMILY not in matplotlib.rcParams["font.family"]  # rc_context undid it


def test_configure_twice_lists_the_family_once():
    with matplotlib.rc_context():
        if plotfonts.configure() and plotfonts.configure():
            assert matplotlib.rcParams["font.family"].count(plotfonts.CJK_FAMILY) == 1


def test_an_unknown_family_changes_nothing(tmp_path):
    with matplotlib.rc_context():
        families = list(matplotlib.rcParams["font.family"])
        assert not plotfonts.configure("No Such Family CJK", dirs=[tmp_path])
        assert matplotlib.rcParams["font.family"] == families


def test_font_files_are_found_at_any_depth(tmp_path):
    (tmp_path / "opentype" / "noto").mkdir(parents=True)
    for name in ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSerifCJK-Regular.ttc",
                 "DejaVuSans.ttf"):
        (tmp_path / "opentype" / "noto" / name).write_bytes(b"")
    found = [p.name for p in plotfonts.font_files([tmp_path, tmp_path / "absent"])]
    assert found == ["NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf"]
