"""Letters are drawn with working TrueType cuts of Noto CJK SC (xiufu/letters/fonts.py): they hold
GB2312 and the punctuation of letters with the source's metrics, are not named Noto, make a PDF
several times quicker than the full CFF font, and a letter with a character outside them is still
drawn, with the full font. The fonts come from the default cache (built once, not per run)."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from fontTools import ttLib
from pypdf import PdfReader

from xiufu.letters import fonts, render

FAMILIES = sorted(fonts.FAMILY_NAMES)
LETTER_PUNCTUATION = "〇、—「」《》（）：；，。！？“”‘’…·"
RARE = "䶮"  # U+4DAE: in Noto CJK SC, not in GB2312


def _gb2312_hanzi() -> set[int]:
    points = set()
    for first in range(0xB0, 0xF8):  # rows 16–87: the 6763 hanzi
        for second in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((first, second)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return points


def _source_cmap(family: str) -> dict[int, str]:
    font = ttLib.TTFont(render.font_path(family), lazy=True)
    try:
        return font.getBestCmap()
    finally:
        font.close()


def _letter(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("企业征信异议处理结果告知书")
    run.bold = True
    run.font.size = Pt(22)
    run._element.get_or_add_rPr().get_or_add_rFonts().set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", "黑体"
    )
    for text in paragraphs:
        paragraph = document.add_paragraph(text)
        paragraph.runs[0].font.size = Pt(16)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


ONE_PAGE = [
    "杭州甲科技有限公司：",
    "贵公司于2026年11月2日提交的企业信用报告异议申请（案件编号YY-2026-000123）已收悉。"
    "经核查，现将处理结果告知如下。",
    "一、贵公司提出异议的贷款逾期记录，系我行系统故障所致，已于二〇二六年十一月二十日更正；"
    "更正后的信息将在征信系统中报送，请于十个工作日后查询核实。",
    "二、担保信息经核实无误，维持原记录。如对处理结果仍有异议，可向中国人民银行征信中心"
    "提出异议申请，或者向当地人民银行分支机构投诉，也可以依法提起诉讼。",
    "特此函告。",
    "示范银行股份有限公司",
    "二〇二六年十一月三十日",
]


def _base_fonts(pdf: bytes) -> set[str]:
    page: Any = PdfReader(io.BytesIO(pdf)).pages[0]
    return {
        str(ref.get_object()["/BaseFont"]).split("+")[1]
        for ref in page["/Resources"]["/Font"].values()
    }


# --- the fonts --------------------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
def test_the_working_font_covers_gb2312_and_the_punctuation_of_letters(family):
    covered = fonts.covered(family)
    hanzi = _gb2312_hanzi()
    assert len(hanzi) == 6763
    assert hanzi <= covered
    assert {ord(c) for c in LETTER_PUNCTUATION} <= covered
    assert set(range(0x20, 0x7F)) <= covered
    assert {ord(c) for c in "①⑳×÷№℃０９ＡＺ"} <= covered
    assert ord(RARE) not in covered


@pytest.mark.parametrize("family", FAMILIES)
def test_the_working_font_is_truetype_with_the_source_metrics(family):
    working = ttLib.TTFont(fonts.working_font(family), lazy=True)
    source = ttLib.TTFont(render.font_path(family), lazy=True)
    try:
        assert "glyf" in working
        assert "CFF " not in working
        assert working["head"].unitsPerEm == source["head"].unitsPerEm == 1000
        assert working["hhea"].ascent == source["hhea"].ascent
        assert working["hhea"].descent == source["hhea"].descent
        w_cmap, s_cmap = working.getBestCmap(), source.getBestCmap()
        sample = [ord(c) for c in "国〇、—「」《》（）：；Aa1 ,.Àé×①℃"]
        sample += sorted(w_cmap)[::97]
        for code in sample:
            w_advance, w_lsb = working["hmtx"][w_cmap[code]]
            s_advance, _ = source["hmtx"][s_cmap[code]]
            assert w_advance == s_advance, chr(code)
            glyph = working["glyf"][w_cmap[code]]
            if glyph.numberOfContours:  # TrueType wants the side bearing at the outline's left
                assert w_lsb == glyph.xMin, chr(code)
        assert working["hmtx"][w_cmap[ord("国")]][0] == 1000
    finally:
        working.close()
        source.close()


@pytest.mark.parametrize("family", FAMILIES)
def test_the_working_font_is_not_named_noto_and_keeps_the_ofl_notices(family):
    working = ttLib.TTFont(fonts.working_font(family), lazy=True)
    source = ttLib.TTFont(render.font_path(family), lazy=True)
    try:
        names = {r.nameID: r.toUnicode() for r in working["name"].names}
        originals = {r.nameID: r.toUnicode() for r in source["name"].names}
        assert names[1] == fonts.FAMILY_NAMES[family]
        for name_id in (1, 3, 4, 6):
            assert "noto" not in names[name_id].lower()
        assert names[0] == originals[0]  # copyright
        assert names[13] == originals[13]
        assert "Open Font License" in names[13]
        assert "Modified Version of Noto" in names[10]
    finally:
        working.close()
        source.close()


def test_the_font_is_cached_on_disk_by_source_and_charset_version():
    path = fonts.working_font("serif")
    assert path.parent == fonts.cache_dir()
    assert f"-c{fonts.CHARSET_VERSION}-" in path.name
    assert fonts.working_font("serif") == path  # no rebuild: the same file


# --- letters with them ------------------------------------------------------------------------


def test_a_letter_is_drawn_with_the_working_fonts():
    pdf = render.docx_to_pdf(_letter(ONE_PAGE))
    assert _base_fonts(pdf) == {"XiufuSerif", "XiufuSans"}
    text = render.pdf_text(pdf)
    assert "贵公司于2026年11月2日提交的企业信用报告异议申请（案件编号YY-2026-000123）" in text
    assert "二〇二六年十一月三十日" in text


def test_a_character_outside_the_working_font_falls_back_to_the_full_font():
    assert ord(RARE) in _source_cmap("serif")
    pdf = render.docx_to_pdf(_letter(["王" + RARE + "：", "特此函告。"]))
    text = render.pdf_text(pdf)
    assert "王" + RARE + "：" in text
    assert "特此函告。" in text
    # that document is drawn with Noto CJK SC itself
    assert _base_fonts(pdf) == {"NotoSerifCJKSC", "NotoSansCJKSCRegular"}


def test_a_character_neither_font_has_keeps_the_working_font():
    absent = "\U00020000"  # 𠀀: not in Noto CJK SC either
    assert ord(absent) not in _source_cmap("serif")
    files = render._font_files({absent, "国"})
    assert files["serif"] == fonts.working_font("serif")
    assert render._font_files({RARE})["serif"] == render.font_path("serif")


def test_a_letter_is_at_least_twice_as_quick_with_the_working_fonts(monkeypatch):
    letter = _letter(ONE_PAGE)

    def full() -> bytes:
        with monkeypatch.context() as patch:
            patch.setattr(render, "_no_working_font", set(fonts.FAMILY_NAMES))
            return render.docx_to_pdf(letter)

    def working() -> bytes:
        return render.docx_to_pdf(letter)

    timings: dict[Callable[[], bytes], float] = {full: 0.0, working: 0.0}
    outputs = {run: run() for run in timings}  # warm-up: parse both fonts, import everything
    assert len(PdfReader(io.BytesIO(outputs[working])).pages) == 1
    assert render.pdf_text(outputs[full]) == render.pdf_text(outputs[working])
    for _ in range(3):
        for run in timings:  # interleaved, so that a busy machine slows both alike
            started = time.perf_counter()
            run()
            timings[run] += time.perf_counter() - started
    ratio = timings[full] / timings[working]
    print(f"3 letters: full font {timings[full]:.2f} s, working font {timings[working]:.2f} s")
    assert ratio >= 2, ratio
