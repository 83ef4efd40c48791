"""The working fonts letters are drawn with: a TrueType cut of Noto CJK SC, built once, cached.

Pure Python, no Django. The Noto Serif/Sans CJK SC fonts from the ``mplfonts`` wheel (see
:func:`source_font`) are 16–23 MB OpenType fonts with CFF outlines. fpdf2 embeds a subset of the
font in every PDF, and subsetting CFF costs 0.5–1.2 s a letter; subsetting TrueType (``glyf``)
outlines costs a fraction of that. So :func:`working_font` derives, once, a TrueType font with
only the characters letters use — ASCII, Latin-1, general and CJK punctuation, full-width forms,
all of GB2312 (its 6763 hanzi and symbols) and a few more symbols — and caches it on disk:
``$XIUFU_FONT_CACHE`` or ``~/.cache/xiufu/fonts``. A document with a character outside it is
drawn with the full font instead (``render.docx_to_pdf`` decides, per document).

The working fonts are Modified Versions of Noto Serif CJK SC / Noto Sans CJK SC under the SIL Open
Font License 1.1. They keep the source's copyright and licence notices in their ``name`` table
and, as the licence asks of modified versions, are not named "Noto": they are ``XiufuSerif`` and
``XiufuSans``.

``python -m xiufu.letters.fonts`` builds both (if not cached yet) and prints where they are.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fontTools import ttLib
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux/macOS: no cross-process lock
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "CHARSET_VERSION",
    "FAMILY_NAMES",
    "cache_dir",
    "charset",
    "covered",
    "source_font",
    "working_font",
]

log = logging.getLogger(__name__)

#: Bump when :func:`charset` or the way the font is built changes: the cache file name has it.
CHARSET_VERSION = 1

_SOURCE_FILES = {"serif": "NotoSerifCJKsc-Regular.otf", "sans": "NotoSansCJKsc-Regular.otf"}
#: The working fonts' family names (not "Noto": the OFL reserves the source's name).
FAMILY_NAMES = {"serif": "XiufuSerif", "sans": "XiufuSans"}

#: Blocks taken whole (every code point the source font maps): [lo, hi] inclusive.
_RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 (× ÷ § ° ± ·)
    (0x2000, 0x206F),  # General Punctuation (— ‘’ “” … ‰ ※)
    (0x2100, 0x218F),  # Letterlike symbols and number forms (℃ № ℡ ™ Ⅰ–Ⅻ ⅰ–ⅻ)
    (0x2190, 0x21FF),  # Arrows
    (0x2460, 0x24FF),  # Enclosed alphanumerics (①–⑳ ⑴–⒇ ⒈–⒛)
    (0x25A0, 0x25FF),  # Geometric shapes (■ □ ▲ △ ○ ● ◎ ◇ ◆)
    (0x2610, 0x2612),  # Ballot boxes ☐ ☑ ☒ (forms)
    (0x2713, 0x2714),  # Check marks ✓ ✔
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。〇 「」《》【】〔〕)
    (0x3200, 0x32FF),  # Enclosed CJK letters (㈠–㈩ ㊀–㊉)
    (0xFE30, 0xFE4F),  # CJK compatibility forms (﹏)
    (0xFF00, 0xFFEF),  # Full-width forms (（）：；，！？ and full-width digits and letters)
)
#: Common characters of names and places outside GB2312 (those GB2312 has are skipped anyway).
_EXTRA_HANZI = "镕堃喆昇赟珺玥祎彧旻昳婧垚犇淏燚晞甦啰瞭"


def charset() -> frozenset[int]:
    """The code points a working font is asked for (those the source maps are kept)."""
    points: set[int] = set()
    for lo, hi in _RANGES:
        points.update(range(lo, hi + 1))
    for first in range(0xA1, 0xF8):  # every 2-byte GB2312 code: rows 1–87
        for second in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((first, second)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    points.update(map(ord, _EXTRA_HANZI))
    return frozenset(points)


def source_font(family: str = "serif") -> Path:
    """The full Noto CJK SC font file (``serif`` or ``sans``) shipped by the mplfonts wheel. The
    package is located without importing it (importing it imports matplotlib)."""
    spec = importlib.util.find_spec("mplfonts")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise RuntimeError("the mplfonts package (fonts for letters) is missing: run `uv sync`")
    path = Path(locations[0]) / "fonts" / _SOURCE_FILES[family]
    if not path.is_file():
        raise RuntimeError(f"font file missing: {path}")
    return path


def cache_dir() -> Path:
    """Where working fonts are kept: ``$XIUFU_FONT_CACHE``, else ``~/.cache/xiufu/fonts``."""
    configured = os.environ.get("XIUFU_FONT_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "xiufu" / "fonts"


def _cache_name(family: str, source: Path) -> str:
    stat = source.stat()
    key = f"{source.name}:{stat.st_size}:{stat.st_mtime_ns}".encode()
    digest = hashlib.sha256(key).hexdigest()[:12]
    return f"{FAMILY_NAMES[family]}-c{CHARSET_VERSION}-{digest}.ttf"


_lock = threading.Lock()
_covered: dict[Path, frozenset[int]] = {}


def working_font(family: str = "serif") -> Path:
    """The working TrueType font of ``family``, built on first use (10–30 s) and then cached on
    disk. Several processes may ask at once: one builds, the others wait for it."""
    source = source_font(family)
    directory = cache_dir()
    target = directory / _cache_name(family, source)
    if target.is_file():
        return target
    with _lock:
        directory.mkdir(parents=True, exist_ok=True)
        with open(directory / f"{target.name}.lock", "a+b") as lock:
            if fcntl is not None:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                if not target.is_file():  # another process may have built it meanwhile
                    _build_to(target, family, source)
            finally:
                if fcntl is not None:
                    fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    return target


def covered(family: str = "serif") -> frozenset[int]:
    """The code points the working font of ``family`` maps (read once per process)."""
    path = working_font(family)
    with _lock:
        points = _covered.get(path)
        if points is None:
            font = ttLib.TTFont(path, lazy=True)
            try:
                points = frozenset(font.getBestCmap())
            finally:
                font.close()
            _covered[path] = points
        return points


def _build_to(target: Path, family: str, source: Path) -> None:
    """Build the working font into a temporary file next to ``target``, then move it in place
    (atomically: a reader sees the old state or the whole new file)."""
    started = time.perf_counter()
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.stem}.", suffix=".tmp"
    )
    os.close(handle)
    try:
        build(family, source, Path(temporary))
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    log.info("built %s in %.1f s", target, time.perf_counter() - started)


def build(family: str, source: Path, out: Path, chars: Iterable[int] | None = None) -> None:
    """Write a TrueType version of ``source`` limited to ``chars`` (default :func:`charset`)."""
    src = ttLib.TTFont(source, lazy=True)
    try:
        _build(family, src, out, frozenset(charset() if chars is None else chars))
    finally:
        src.close()


def _build(family: str, src: ttLib.TTFont, out: Path, chars: frozenset[int]) -> None:
    cmap = {code: name for code, name in src.getBestCmap().items() if code in chars}
    order = [".notdef", *sorted(set(cmap.values()) - {".notdef"}, key=src.getGlyphID)]
    glyph_set = src.getGlyphSet()
    source_metrics = src["hmtx"].metrics
    glyphs: dict[str, Any] = {}
    metrics: dict[str, tuple[int, int]] = {}
    for name in order:
        pen = TTGlyphPen(None)
        # CFF contours run counter-clockwise, TrueType ones clockwise; max_err 1 unit (of 1000)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyph = pen.glyph()
        glyph.recalcBounds(None)
        glyphs[name] = glyph
        advance, lsb = source_metrics[name]
        # the advance is the source's; the left side bearing is the glyph's own xMin (TrueType
        # wants them equal; a CFF font's hmtx bearings are only approximate, off by up to 20)
        metrics[name] = (advance, glyph.xMin if glyph.numberOfContours else lsb)

    head, hhea, os2, post = src["head"], src["hhea"], src["OS/2"], src["post"]
    builder = FontBuilder(head.unitsPerEm, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(cmap)
    builder.setupGlyf(glyphs, calcGlyphBounds=False)
    builder.setupHorizontalMetrics(metrics)
    builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap)
    builder.setupNameTable(_names(family, src), mac=False)
    builder.setupOS2(
        version=4,
        usWeightClass=os2.usWeightClass,
        usWidthClass=os2.usWidthClass,
        fsType=os2.fsType,
        fsSelection=os2.fsSelection & 0b1100001,  # italic, bold, regular bits only
        panose=os2.panose,
        sTypoAscender=os2.sTypoAscender,
        sTypoDescender=os2.sTypoDescender,
        sTypoLineGap=os2.sTypoLineGap,
        usWinAscent=os2.usWinAscent,
        usWinDescent=os2.usWinDescent,
        sxHeight=getattr(os2, "sxHeight", 0),
        sCapHeight=getattr(os2, "sCapHeight", 0),
        ulCodePageRange1=os2.ulCodePageRange1,
        ulCodePageRange2=os2.ulCodePageRange2,
        usDefaultChar=0,
        usBreakChar=32,
        usMaxContext=0,
        ySubscriptXSize=os2.ySubscriptXSize,
        ySubscriptYSize=os2.ySubscriptYSize,
        ySubscriptXOffset=os2.ySubscriptXOffset,
        ySubscriptYOffset=os2.ySubscriptYOffset,
        ySuperscriptXSize=os2.ySuperscriptXSize,
        ySuperscriptYSize=os2.ySuperscriptYSize,
        ySuperscriptXOffset=os2.ySuperscriptXOffset,
        ySuperscriptYOffset=os2.ySuperscriptYOffset,
        yStrikeoutSize=os2.yStrikeoutSize,
        yStrikeoutPosition=os2.yStrikeoutPosition,
    )
    builder.setupPost(
        keepGlyphNames=False,
        italicAngle=post.italicAngle,
        underlinePosition=post.underlinePosition,
        underlineThickness=post.underlineThickness,
        isFixedPitch=0,
    )
    builder.setupHead(
        unitsPerEm=head.unitsPerEm,
        fontRevision=head.fontRevision,
        created=head.created,
        modified=head.modified,  # the source's dates: the same source gives the same bytes
        macStyle=head.macStyle,
        lowestRecPPEM=head.lowestRecPPEM,
        flags=0b11,  # baseline at y=0, left side bearing at x=0
    )
    builder.setupMaxp()
    font = builder.font
    font["OS/2"].updateFirstAndLastCharIndex(font)
    font.recalcTimestamp = False
    font.save(str(out))


def _names(family: str, src: ttLib.TTFont) -> dict[str, str]:
    name = src["name"]

    def source(name_id: int) -> str:
        record = name.getName(name_id, 3, 1, 0x409) or name.getName(name_id, 1, 0, 0)
        return record.toUnicode() if record is not None else ""

    family_name = FAMILY_NAMES[family]
    original = "Noto Serif CJK SC" if family == "serif" else "Noto Sans CJK SC"
    version = source(5).split(";")[0] or f"Version {src['head'].fontRevision:.3f}"
    strings = {
        "copyright": source(0),
        "familyName": family_name,
        "styleName": "Regular",
        "uniqueFontIdentifier": f"xiufu:{family_name}-Regular:{version}:c{CHARSET_VERSION}",
        "fullName": f"{family_name} Regular",
        "version": f"{version}; xiufu charset {CHARSET_VERSION}",
        "psName": f"{family_name}-Regular",
        "manufacturer": source(8),
        "designer": source(9),
        "description": (
            f"{family_name} is a Modified Version of {original} ({source(6)}, {version}) under "
            "the SIL Open Font License 1.1: a subset (ASCII, Latin-1, punctuation, full-width "
            "forms, GB2312 and some symbols) with its outlines converted to TrueType, made by "
            "xiufu for embedding in PDF letters. It is not Noto and not endorsed by its authors."
        ),
        "designerURL": source(12),
        "licenseDescription": source(13),
        "licenseInfoURL": source(14) or "https://openfontlicense.org",
    }
    return {key: value for key, value in strings.items() if value}


def main(argv: list[str] | None = None) -> int:
    """Build (if needed) both working fonts; print their paths and how long it took."""
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    for family in FAMILY_NAMES:
        started = time.perf_counter()
        path = working_font(family)
        elapsed = time.perf_counter() - started
        print(f"{family}: {path} ({path.stat().st_size / 1e6:.1f} MB, {elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
