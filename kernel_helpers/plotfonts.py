"""Plots that can say Chinese: a CJK font as the fallback of matplotlib's font family.

Matplotlib (3.6 and later) draws each character with the first font of ``font.family``
that has it (a generic name such as ``sans-serif`` stands for the first installed font of
its list, DejaVu Sans by default). The CJK family (Debian's ``fonts-noto-cjk``, installed
with the course's system packages) is appended AFTER the current families: Latin text is
drawn with the very same font as before, so English plots do not change, and Chinese
characters, which DejaVu Sans lacks, come from Noto Sans CJK SC instead of empty boxes and a
"Glyph ... missing from font(s)" warning. (Put first, it would draw the Latin text too.)

Matplotlib builds its font list once and caches it; a font installed after that (``make
system`` after a first plot) is not in the cache, so its file is added here when missing.
The kit calls ``configure()`` when it loads (``%load_ext kernel_helpers``). Without the font
package or without matplotlib it changes nothing.
"""

from __future__ import annotations

from pathlib import Path

CJK_FAMILY = "Noto Sans CJK SC"
# Where fontconfig's usual folders keep Noto Sans CJK (Debian/Ubuntu, Fedora, Arch, per user)
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
             Path.home() / ".local" / "share" / "fonts", Path.home() / ".fonts")
FONT_FILES = ("NotoSansCJK-*.ttc", "NotoSansCJK*-*.otf")


def font_files(dirs=FONT_DIRS) -> list[Path]:
    """Noto Sans CJK's font files under DIRS (any depth), sorted."""
    found: set[Path] = set()
    for folder in dirs:
        if folder.is_dir():
            for pattern in FONT_FILES:
                found.update(folder.rglob(pattern))
    return sorted(found)


def _known(manager, family: str) -> bool:
    return any(entry.name == family for entry in manager.ttflist)


def configure(family: str = CJK_FAMILY, dirs=FONT_DIRS) -> bool:
    """Append FAMILY to matplotlib's font.family; True if matplotlib can now draw CJK text."""
    try:
        import matplotlib
        from matplotlib import font_manager
    except ImportError:
        return False
    manager = font_manager.fontManager
    if not _known(manager, family):
        for path in font_files(dirs):
            manager.addfont(path)
        if not _known(manager, family):
            return False
    families = list(matplotlib.rcParams["font.family"])
    if family not in families:
        matplotlib.rcParams["font.family"] = [*families, family]
    return True
