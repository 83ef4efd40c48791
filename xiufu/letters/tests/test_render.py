"""Letters are filled from Word templates and laid out as PDFs with an embedded Chinese font: the
PDF carries the letter's text (checked by extracting it with pypdf), its tables and QR code, and
the same input always gives the same bytes. Templates are checked before use: their fields
against the kind's schema, their file against macros, bad Jinja and size."""

from __future__ import annotations

import io
import re
import time
import zipfile
from datetime import date
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from pypdf import PdfReader

from xiufu.letters import render

BODY = (
    "贵公司于{{ case.received }}提交的企业信用报告异议申请（案件编号{{ case.number }}）已收悉。"
    "经核查，现将处理结果告知如下。{{ note }}"
)


def _docx(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _set(paragraph: Any, tag: str, **attributes: str) -> None:
    """Direct paragraph formatting python-docx has no API for (firstLineChars, spacing)."""
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    paragraph._p.get_or_add_pPr().append(element)


def _template(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    return _docx(document)


def letter_template() -> bytes:
    """A reply letter as compliance staff would write it in Word."""
    document = docx.Document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("{{ letter.kind_label }}")
    run.bold = True
    run.font.size = Pt(22)
    run.font.name = "黑体"
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")
    number = document.add_paragraph("{{ letter.number }}")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("{{ addressee.name }}：")
    body = document.add_paragraph(BODY)
    body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.runs[0].font.size = Pt(16)
    _set(body, "w:ind", firstLineChars="200")
    table = document.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("序号", "异议事项", "处理结果"), strict=True):
        cell.text = text
    table.cell(1, 0).text = "{%tr for it in items %}"
    table.cell(2, 0).text = "{{ loop.index }}"
    table.cell(2, 1).text = "{{ it.subject }}"
    table.cell(2, 2).text = "{{ it.result }}"
    table.add_row().cells[0].text = "{%tr endfor %}"
    document.add_paragraph("核验码：{{ letter.verification_code }}")
    document.add_paragraph("{{ qr }}")
    for text in ("{{ institution.name }}", "{{ letter.date }}"):
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return _docx(document)


def letter_context(**changes: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "letter": {
            "kind_label": "异议回复函",
            "number": "示范银征异复〔2026〕12号",
            "date": render.chinese_date(date(2026, 11, 30)),
            "verification_code": "ABCD-EFGH-JKMN",
        },
        "addressee": {"name": "杭州甲科技有限公司"},
        "case": {"received": "2026年11月2日", "number": "YY-2026-000123"},
        "note": "A&B <x> 特此函告。",
        "institution": {"name": "示范银行股份有限公司"},
        "items": [
            {"subject": "贷款逾期记录（2024年3月）", "result": "已更正"},
            {"subject": "担保信息", "result": "维持原记录"},
        ],
    }
    context.update(changes)
    return context


SCHEMA: dict[str, Any] = {
    "letter": {"kind_label": str, "number": str, "date": str, "verification_code": str},
    "addressee": {"name": str},
    "case": {"received": str, "number": str},
    "note": str,
    "institution": {"name": str},
    "items": [{"subject": str, "result": str}],
    "qr": object,
}


@pytest.fixture(scope="module")
def template() -> bytes:
    return letter_template()


@pytest.fixture(scope="module")
def rendered(template: bytes) -> bytes:
    qr = render.qr_png("https://xiufu.example.cn/verify/ABCDEFGHJKMN")
    return render.render_docx(template, letter_context(), images={"qr": qr})


@pytest.fixture(scope="module")
def pdf(rendered: bytes) -> bytes:
    started = time.perf_counter()
    data = render.docx_to_pdf(rendered, title="异议回复函", metadata={"author": "示范银行"})
    print(f"docx_to_pdf: {time.perf_counter() - started:.2f} s, {len(data)} bytes")
    return data


# --- fields --------------------------------------------------------------------------------


def test_the_fields_a_template_uses_are_dotted_paths_through_groups_and_lists(template):
    assert render.template_fields(template) == {
        "letter.kind_label",
        "letter.number",
        "letter.date",
        "letter.verification_code",
        "addressee.name",
        "case.received",
        "case.number",
        "note",
        "items",
        "items[].subject",
        "items[].result",
        "institution.name",
        "qr",
    }
    assert render.unknown_fields(template, SCHEMA) == []


def test_loop_variables_set_variables_filters_and_methods_resolve_to_data_paths():
    template = _template(
        "{% for row in items|sort(attribute='date') %}{{ loop.index }}{{ row.subject }}"
        "{% for c in row.changes %}{{ c.old }}{% endfor %}{% endfor %}",
        "{% set who = addressee %}{{ who.name }} {{ case.number.upper() }}",
        "{{ items|sum(attribute='amount') }} {{ case['opened'] }} {{ items[0].subject }}",
        "{% if clock.due is defined %}{{ clock.due }}{% endif %}",
    )
    assert render.template_fields(template) == {
        "items",
        "items[].date",
        "items[].subject",
        "items[].changes",
        "items[].changes[].old",
        "items[].amount",
        "addressee",
        "addressee.name",
        "case.number",
        "case.opened",
        "clock.due",
    }


def test_unknown_fields_are_the_paths_the_schema_lacks_sorted():
    template = _template(
        "{{ letter.number }} {{ letter.seal }} {{ letter.number.text }}",
        "{% for it in items %}{{ it.subject }}{{ it.amount }}{% endfor %}",
        "{% for x in note %}{{ x }}{% endfor %} {{ applicant.name }}",
    )
    assert render.unknown_fields(template, SCHEMA) == [
        "applicant.name",
        "items[].amount",
        "letter.number.text",  # a leaf has no attributes
        "letter.seal",
        "note[]",  # a leaf is not a list
    ]


# --- rendering the .docx -------------------------------------------------------------------


def test_values_are_xml_escaped_and_appear_literally(rendered):
    xml = zipfile.ZipFile(io.BytesIO(rendered)).read("word/document.xml").decode()
    assert "A&amp;B &lt;x&gt;" in xml
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(rendered)).paragraphs)
    assert "A&B <x> 特此函告。" in text
    assert "{{" not in text
    assert "{%" not in text


def test_the_table_has_one_row_per_item(rendered):
    table = docx.Document(io.BytesIO(rendered)).tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [
        ["序号", "异议事项", "处理结果"],
        ["1", "贷款逾期记录（2024年3月）", "已更正"],
        ["2", "担保信息", "维持原记录"],
    ]


def test_the_qr_code_becomes_an_inline_picture(rendered):
    names = zipfile.ZipFile(io.BytesIO(rendered)).namelist()
    assert any(name.startswith("word/media/") and name.endswith(".png") for name in names)


def test_missing_data_lists_every_missing_field_not_just_the_first(template):
    context = letter_context(
        letter={"kind_label": "异议回复函", "number": "1"},
        items=[{"subject": "担保信息"}],
    )
    del context["institution"]
    with pytest.raises(render.MissingFields) as raised:
        render.render_docx(template, context, images={"qr": render.qr_png("x")})
    assert raised.value.fields == [
        "institution.name",
        "items[].result",
        "letter.date",
        "letter.verification_code",
    ]


def test_a_missing_list_a_missing_group_and_a_missing_image_are_named():
    template = _template(
        "{{ letter.number }} {{ letter.date }}",
        "{% for it in items %}{{ it.subject }}{% endfor %}",
        "{{ case.number.upper() }} {{ qr }}",
    )
    with pytest.raises(render.MissingFields) as raised:
        render.render_docx(template, {})
    assert raised.value.fields == ["case.number", "items", "letter.date", "letter.number", "qr"]


def test_a_template_cannot_reach_python_internals():
    with pytest.raises(render.TemplateRefused) as raised:
        render.render_docx(_template("{{ ''.__class__.__mro__ }}"), {})
    assert raised.value.code == "unsafe"


# --- the PDF -------------------------------------------------------------------------------


def test_the_pdf_carries_the_letter_text(pdf):
    text = render.pdf_text(pdf)
    expected = [
        "异议回复函",
        "示范银征异复〔2026〕12号",
        "杭州甲科技有限公司：",
        "贵公司于2026年11月2日提交的企业信用报告异议申请（案件编号YY-2026-000123）已收悉。",
        "经核查，现将处理结果告知如下。A&B<x>特此函告。",
        "序号异议事项处理结果",
        "1贷款逾期记录（2024年3月）已更正",
        "2担保信息维持原记录",
        "核验码：ABCD-EFGH-JKMN",
        "示范银行股份有限公司二〇二六年十一月三十日",
        "—1—",
    ]
    for part in expected:
        assert part in text
    assert text.index("异议回复函") < text.index("贵公司") < text.index("二〇二六年")


def test_the_pdf_embeds_subsets_of_the_working_cjk_fonts(pdf):
    page: Any = PdfReader(io.BytesIO(pdf)).pages[0]
    names = set()
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile3" in descriptor or "/FontFile2" in descriptor
        assert re.fullmatch(r"/[A-Z]{6}\+.+", font["/BaseFont"])
        names.add(font["/BaseFont"].split("+")[1])
    # the body in the serif working font, the 黑体 title in the sans one: subsets of Noto Serif /
    # Sans CJK SC, renamed as the SIL OFL requires of a modified font (xiufu/letters/fonts.py)
    assert names == {"XiufuSerif", "XiufuSans"}
    assert len(pdf) < 80_000  # subsets, not the 23 MB font files


def test_the_pdf_shows_the_qr_code_as_an_image(pdf):
    page: Any = PdfReader(io.BytesIO(pdf)).pages[0]
    images = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
    assert any(image["/Subtype"] == "/Image" for image in images)


def test_the_pdf_metadata_names_the_letter_and_the_creator(pdf):
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info is not None
    assert (info.title, info.creator, info.author) == ("异议回复函", "xiufu", "示范银行")


def test_the_same_letter_gives_the_same_bytes(template, rendered, pdf):
    qr = render.qr_png("https://xiufu.example.cn/verify/ABCDEFGHJKMN")
    again = render.render_docx(template, letter_context(), images={"qr": qr})
    assert again == rendered
    assert render.docx_to_pdf(again, title="异议回复函", metadata={"author": "示范银行"}) == pdf


def test_long_text_flows_onto_more_pages_and_page_breaks_start_a_new_page():
    document = docx.Document()
    body = document.add_paragraph("{{ body }}")
    body.runs[0].font.size = Pt(16)
    _set(body, "w:spacing", line="560", lineRule="exact")  # 28 pt, as in 公文
    after = document.add_paragraph("正文结束")
    after.runs[0].add_break(WD_BREAK.PAGE)
    after.add_run("附件清单").underline = True
    sentence = "信息主体认为征信机构采集、保存、提供的信息存在错误、遗漏的，有权提出异议。"
    data = render.docx_to_pdf(render.render_docx(_docx(document), {"body": sentence * 40}))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 4
    text = re.sub(r"—\d+—", "", render.pdf_text(data))  # page numbers between the pages
    assert text.count(sentence) == 40
    last = re.sub(r"[\s\x00]+", "", reader.pages[-1].extract_text())
    assert last == "附件清单—4—"


def test_a_page_renders_to_png(pdf):
    png = render.pdf_page_png(pdf, 0, dpi=40)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


# --- checking templates --------------------------------------------------------------------


def _zip(**files: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name.replace("__", "/"), data)
    return out.getvalue()


def _with_macros(template: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template)) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    return out.getvalue()


def test_a_plain_template_is_accepted(template):
    render.check_template(template)


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: b"%PDF-1.7 not a word file", "not_docx"),
        (lambda: _zip(word__styles_xml=b"<x/>"), "not_docx"),
        (lambda: _with_macros(_template("{{ x }}")), "macro_enabled"),
        (lambda: _template("贵公司{{ addressee.name"), "jinja_syntax"),
        (lambda: _template("{% for x in items %}no end"), "jinja_syntax"),
        (lambda: _template("{% include 'other.docx' %}"), "jinja_unsupported"),
        (lambda: b"PK" + b"\0" * render.MAX_TEMPLATE_BYTES, "oversize"),
    ],
    ids=["not-zip", "no-document-xml", "docm", "open-tag", "open-block", "include", "oversize"],
)
def test_unusable_templates_are_refused_with_a_reason(make, code):
    with pytest.raises(render.TemplateRefused) as raised:
        render.check_template(make())
    assert raised.value.code == code
    assert raised.value.message


def test_a_syntax_error_says_where():
    with pytest.raises(render.TemplateRefused) as raised:
        render.check_template(_template("第一段", "贵公司{{ addressee.name 已收悉", "第三段"))
    assert "贵公司{{ addressee.name 已收悉" in raised.value.details["near"]
    with pytest.raises(render.TemplateRefused):
        render.template_fields(_template("{% if x %}never closed"))


# --- helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 11, 30), "二〇二六年十一月三十日"),
        (date(2026, 1, 1), "二〇二六年一月一日"),
        (date(2030, 10, 10), "二〇三〇年十月十日"),
        (date(2027, 12, 21), "二〇二七年十二月二十一日"),
    ],
)
def test_chinese_dates_are_written_in_the_formal_style(day, text):
    assert render.chinese_date(day) == text


def test_the_qr_code_is_a_png_with_a_quiet_zone():
    from PIL import Image

    image = Image.open(io.BytesIO(render.qr_png("https://xiufu.example.cn/verify/ABCD")))
    assert image.format == "PNG"
    assert image.convert("L").getpixel((5, 5)) == 255  # white margin around the modules
