"""Build the shipped letter templates: ``xiufu/letters/shipped/<kind>.docx``, version 1 of each.

    python -m xiufu.letters.shipped.build          # write the seven .docx files
    python -m xiufu.letters.shipped.build --check  # exit 1 if a file differs from a fresh build

Formal Chinese document style after GB/T 9704 (党政机关公文格式), without the red header: A4,
margins 3.7 / 3.5 / 2.8 / 2.6 cm; title 宋体 22 pt bold, centred; document number under it;
addressee flush left with a full-width colon; body 仿宋 16 pt, two-character first-line indent,
exact 28 pt line pitch, left-aligned (a wrapped USCC or business id would stretch a justified
line apart); headings 黑体; tables 仿宋 12 pt; signature, "（盖章）" and date (汉字)
right-aligned; then the verification block: the QR code beside the code and the address.

Everything is direct formatting on paragraphs and runs (alignment, first-line indent, exact line
spacing, size, bold), tables with explicit borders (or none) and widths, and one inline image
in a single-spaced paragraph (exact spacing would clip it in Word): that is all
the PDF renderer (xiufu/letters/render.py) reads. No text boxes, shapes, fields, numbering,
headers or footers. Font names are for Word only (仿宋, 宋体, 黑体 on the w:eastAsia attribute);
the PDF renderer maps them to the embedded Noto fonts.

docxtpl tags: ``{{ x }}`` inside runs; ``{%p … %}`` alone in a paragraph (the paragraph is
removed); ``{%tr … %}`` alone in a table row (the row is removed). Legal facts come from the
data (xiufu/letters/fields.py), never from the template text.

Deterministic: fixed core properties, no thumbnail, and the package re-zipped with fixed entry
times, so the same python-docx and zlib give identical bytes. Other zlib builds may compress
differently; the test compares the unzipped parts.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from xiufu.letters.fields import KIND_LABELS

HERE = Path(__file__).resolve().parent
VERSION = 1
FIXED_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

FANGSONG, SONG, HEI = "仿宋", "宋体", "黑体"
LATIN = "Times New Roman"
TITLE_PT, BODY_PT, TABLE_PT = 22, 16, 12
LINE_PT, TABLE_LINE_PT = 28, 20
INDENT = Pt(2 * BODY_PT)  # two characters of body text

PAGE = {"width": 21.0, "height": 29.7, "top": 3.7, "bottom": 3.5, "left": 2.8, "right": 2.6}
TEXT_WIDTH_CM = PAGE["width"] - PAGE["left"] - PAGE["right"]

LEFT, CENTER, RIGHT = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT

# A segment of a paragraph: plain text, or (text, bold).
Segment = str | tuple[str, bool]


def _fonts(rpr: Any, east_asian: str) -> None:
    """Set explicit fonts (Latin and East Asian) on a w:rPr, dropping the theme fonts that would
    override them."""
    fonts = rpr.get_or_add_rFonts()
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    fonts.set(qn("w:cs"), LATIN)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def _new_document(kind: str) -> DocxDocument:
    doc = Document()
    core = doc.core_properties
    core.author = core.last_modified_by = "xiufu"
    core.title = KIND_LABELS[kind]
    core.subject = core.keywords = core.category = ""
    core.comments = f"xiufu 随系统提供的文书模板（{kind}，第{VERSION}版）"
    core.language = "zh-CN"
    core.created = core.modified = FIXED_TIME
    core.revision = VERSION
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:  # a picture of python-docx's blank default document
            del package.rels[rel_id]
    _defaults(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(PAGE["width"]), Cm(PAGE["height"])
    section.top_margin, section.bottom_margin = Cm(PAGE["top"]), Cm(PAGE["bottom"])
    section.left_margin, section.right_margin = Cm(PAGE["left"]), Cm(PAGE["right"])
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.5)
    return doc


def _defaults(doc: DocxDocument) -> None:
    """Word's defaults for text staff add: 仿宋 16 pt, exact 28 pt, Chinese language; python-docx's
    default template would otherwise use theme fonts and Japanese as the East Asian language."""
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, FANGSONG)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(BODY_PT * 2))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    ppr = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(LINE_PT * 20))
    spacing.set(qn("w:lineRule"), "exact")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element.get_or_add_rPr(), FANGSONG)
    settings = doc.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


class Builder:
    """Writes one template, top to bottom."""

    def __init__(self, kind: str, title: str) -> None:
        self.kind = kind
        self.doc = _new_document(kind)
        self.para(title, align=CENTER, indent=False, font=SONG, size=TITLE_PT, line=36, bold=True)
        self.para("{{ letter.number }}", align=CENTER, indent=False, before=6)
        self.blank()

    # --- paragraphs ---------------------------------------------------------------------------

    def para(
        self,
        *segments: Segment,
        align: int = LEFT,
        indent: bool = True,
        font: str = FANGSONG,
        size: int = BODY_PT,
        line: int | None = LINE_PT,
        bold: bool = False,
        before: int = 0,
        right: int = 0,
        container: object | None = None,
    ) -> Paragraph:
        """One paragraph; ``line=None`` means single spacing (for the picture)."""
        paragraph = (container or self.doc).add_paragraph()  # type: ignore[attr-defined]
        fmt = paragraph.paragraph_format
        fmt.alignment = align
        fmt.first_line_indent = INDENT if indent else Pt(0)
        fmt.space_before, fmt.space_after = Pt(before), Pt(0)
        if right:
            fmt.right_indent = Pt(right)
        if line is None:
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        else:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(line)
        for segment in segments:
            text, strong = (segment, bold) if isinstance(segment, str) else segment
            run = paragraph.add_run(text)
            run.font.size = Pt(size)
            run.bold = strong
            _fonts(run._element.get_or_add_rPr(), font)
        return paragraph

    def text(self, *segments: Segment) -> None:
        """A body paragraph: 仿宋 16 pt, indented two characters. Left-aligned, not justified:
        a long code (USCC, business id) that wraps would stretch a justified line apart."""
        self.para(*segments)

    def flush(self, *segments: Segment) -> None:
        """A body paragraph without indent (the addressee line)."""
        self.para(*segments, indent=False, align=LEFT)

    def heading(self, text: str) -> None:
        """A first-level heading (一、…): 黑体, indented like the body."""
        self.para(text, font=HEI)

    def tag(self, tag: str) -> None:
        """A docxtpl paragraph tag such as ``{%p for x in xs %}``: the paragraph disappears."""
        self.para(tag, indent=False, align=LEFT)

    def blank(self) -> None:
        self.para("", indent=False)

    def avenues(self, intro: str) -> None:
        """The other avenues, every part from the rule pack (via the data)."""
        self.text(intro)
        self.tag("{%p for avenue in avenues %}")
        self.text(("{{ loop.index }}. {{ avenue.label }}", True))
        self.text("办理机构：{{ avenue.where }}")
        self.text("办理方式：{{ avenue.how }}")
        self.text("期限：{{ avenue.deadline }}")
        self.text("依据：{{ avenue.citation }}")
        self.tag("{%p endfor %}")

    def citations(self) -> None:
        self.tag("{%p for citation in citations %}")
        self.text(
            "{{ citation.instrument }}{{ citation.article }}"
            "{% if citation.text %}：{{ citation.text }}{% endif %}"
        )
        self.tag("{%p endfor %}")

    def contact(self) -> None:
        self.text(
            "联系部门：{{ institution.department }}；联系电话：{{ institution.phone }}；"
            "联系地址：{{ institution.address }}。"
        )

    # --- tables -------------------------------------------------------------------------------

    def table(self, loop: str, columns: list[tuple[str, str, float]]) -> None:
        """A bordered table: a header row, then one row per element of the loop.

        ``columns`` are (header, cell template, width in cm); widths add up to the text width.
        """
        assert abs(sum(w for _h, _c, w in columns) - TEXT_WIDTH_CM) < 0.01, columns
        table = self.doc.add_table(rows=4, cols=len(columns))
        _table_properties(table._tbl, TEXT_WIDTH_CM, borders=True)
        header, opening, body, closing = table.rows
        _repeat_header(header._tr)
        for index, (title, cell, width) in enumerate(columns):
            _column_width(table, index, width)
            self._cell(header.cells[index], title, font=HEI, align=CENTER)
            number_column = cell.startswith("{{ loop.index")
            self._cell(body.cells[index], cell, align=CENTER if number_column else LEFT)
            self._cell(opening.cells[index], f"{{%tr for {loop} %}}" if index == 0 else "")
            self._cell(closing.cells[index], "{%tr endfor %}" if index == 0 else "")
        self.para("", indent=False, line=12)  # keeps the next paragraph off the table's edge

    def _cell(
        self,
        cell: Any,
        text: str,
        *,
        font: str = FANGSONG,
        align: int = LEFT,
        line: int | None = TABLE_LINE_PT,
        new: bool = False,
    ) -> None:
        """Text in a table cell (12 pt); ``new`` adds a paragraph instead of filling the first;
        ``line=None`` means single spacing (an exact one would clip a picture)."""
        paragraph = cell.add_paragraph() if new else cell.paragraphs[0]
        fmt = paragraph.paragraph_format
        fmt.alignment = align
        fmt.first_line_indent = Pt(0)
        fmt.space_before = fmt.space_after = Pt(0)
        if line is None:
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        else:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(line)
        run = paragraph.add_run(text)
        run.font.size = Pt(TABLE_PT)
        _fonts(run._element.get_or_add_rPr(), font)

    # --- the end of every letter ----------------------------------------------------------------

    def closing(self) -> None:
        """Signature, seal and date (right-aligned), then the verification block: the QR code
        beside the code and the address, in a borderless table (shorter than stacking them)."""
        self.blank()
        for line in ("{{ institution.name }}", "（盖章）", "{{ letter.date }}"):
            self.para(line, align=RIGHT, indent=False, right=INDENT.pt)
        self.blank()
        qr_width, text_width = 3.2, TEXT_WIDTH_CM - 3.2
        table = self.doc.add_table(rows=1, cols=2)
        _table_properties(table._tbl, TEXT_WIDTH_CM, borders=False)
        _column_width(table, 0, qr_width)
        _column_width(table, 1, text_width)
        picture, words = table.rows[0].cells
        self._cell(picture, "{{ qr }}", line=None)
        self._cell(words, "验证码：{{ letter.verification_code }}")
        self._cell(words, "可登录 {{ letter.verify_url }} 输入验证码核验本文书真伪", new=True)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return _fixed_zip(buffer.getvalue())


def _table_properties(tbl: Any, width_cm: float, *, borders: bool) -> None:
    """Fixed layout, centred, full text width, single 0.5 pt black borders or none (written on
    the table, not through a style, so that every reader sees them)."""
    tbl_pr = tbl.tblPr
    for child in list(tbl_pr):
        if child.tag != qn("w:tblStyle"):
            tbl_pr.remove(child)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(round(width_cm / 2.54 * 1440)))
    width.set(qn("w:type"), "dxa")
    jc = OxmlElement("w:jc")
    jc.set(qn("w:val"), "center")
    edges = OxmlElement("w:tblBorders")
    style = ("single", "4") if borders else ("none", "0")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        for key, value in (
            ("val", style[0]),
            ("sz", style[1]),
            ("space", "0"),
            ("color", "000000"),
        ):
            line.set(qn(f"w:{key}"), value)
        edges.append(line)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    margins = OxmlElement("w:tblCellMar")
    for edge, twips in (("left", 85), ("right", 85)):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), str(twips))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    for element in (width, jc, edges, layout, margins):
        tbl_pr.append(element)


def _column_width(table: Any, index: int, width_cm: float) -> None:
    table.columns[index].width = Cm(width_cm)
    for row in table.rows:
        row.cells[index].width = Cm(width_cm)
        row.cells[index].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _repeat_header(tr: Any) -> None:
    tr_pr = tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def _fixed_zip(data: bytes) -> bytes:
    """The same package with every entry dated FIXED_TIME, in the same order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return output.getvalue()


# --- the seven templates ------------------------------------------------------------------------


def acceptance_receipt() -> Builder:
    b = Builder("acceptance_receipt", "企业征信异议受理回执")
    b.flush("{{ addressee.name }}：")
    b.text(
        "贵公司（统一社会信用代码：{{ addressee.uscc }}）提交的企业信用报告异议申请，"
        "我行已于{{ case.received_on }}收到齐备的申请材料，现予受理，"
        "案件编号为{{ case.number }}。贵公司提出异议的信息及其异议标注情况如下："
    )
    b.table(
        "item in items",
        [
            ("序号", "{{ loop.index }}", 1.2),
            ("异议信息", "{{ item.subject }}", 6.0),
            ("异议类型", "{{ item.category }}", 2.3),
            ("异议内容", "{{ item.claim }}", 4.1),
            ("异议标注", "{{ item.mark }}", 2.0),
        ],
    )
    b.text("我行已收到的申请材料如下：")
    b.tag("{%p for material in materials %}")
    b.text(
        "{{ loop.index }}. {{ material.label }}"
        "{% if material.note %}（{{ material.note }}）{% endif %}"
    )
    b.tag("{%p endfor %}")
    b.text(
        "根据{{ clock.citation }}的规定，我行将自{{ clock.start }}起{{ clock.length }}内"
        "完成核查和处理，并至迟于{{ case.due_on }}将处理结果书面答复贵公司。"
        "核查期间我行可能就有关情况与贵公司联系，请保持联系方式畅通。"
    )
    b.text("贵公司可凭案件编号登录企业服务门户查询办理进度。如有疑问，请与我行联系。")
    b.contact()
    b.text("特此回执。")
    b.closing()
    return b


def supplement_notice() -> Builder:
    b = Builder("supplement_notice", "企业征信异议申请材料一次性补正告知书")
    b.flush("{{ addressee.name }}：")
    b.text(
        "我行于{{ case.submitted_on }}收到贵公司（统一社会信用代码：{{ addressee.uscc }}）"
        "提交的企业信用报告异议申请（案件编号：{{ case.number }}）。经形式审核，申请材料尚不齐备。"
        "根据{{ supplement.citation }}的规定，现将需要补正的全部事项一次性告知如下："
    )
    b.table(
        "defect in defects",
        [
            ("序号", "{{ loop.index }}", 1.2),
            ("材料名称", "{{ defect.material }}", 3.6),
            ("存在问题", "{{ defect.problem }}", 4.6),
            ("补正要求", "{{ defect.requirement }}", 6.2),
        ],
    )
    b.text("以上为需要补正的全部事项。")
    b.text(
        ("请贵公司于{{ supplement.deadline }}（含当日）前{{ supplement.how }}。", True),
        "{{ supplement.consequence }}",
    )
    b.text(
        "申请材料补正齐备后，我行将依照{{ clock.citation }}的规定，"
        "自{{ clock.start }}起{{ clock.length }}内完成核查和处理，并书面答复贵公司。"
    )
    b.text("如有疑问，请与我行联系。")
    b.contact()
    b.text("特此告知。")
    b.closing()
    return b


def rejection_notice() -> Builder:
    b = Builder("rejection_notice", "企业征信异议不予受理通知书")
    b.flush("{{ addressee.name }}：")
    b.text(
        "贵公司（统一社会信用代码：{{ addressee.uscc }}）于{{ case.submitted_on }}提交的"
        "企业信用报告异议申请（案件编号：{{ case.number }}），申请事项为：{{ case.claim }}"
    )
    b.text("经审查，该申请有下列情形，我行决定不予受理：")
    b.tag("{%p for ground in grounds %}")
    b.text(("{{ loop.index }}. {{ ground.label }}。", True), "{{ ground.detail }}")
    b.text("依据：{{ ground.citation }}")
    b.tag("{%p endfor %}")
    b.avenues("贵公司如对本决定有异议，可以通过下列途径寻求救济：")
    b.text("如有疑问，请与我行联系。")
    b.contact()
    b.text("特此通知。")
    b.closing()
    return b


def non_repair_notice() -> Builder:
    b = Builder("non_repair_notice", "企业征信异议不予修复说明")
    b.flush("{{ addressee.name }}：")
    b.text(
        "我行于{{ case.received_on }}收到贵公司（统一社会信用代码：{{ addressee.uscc }}）"
        "提交的企业信用报告异议申请（案件编号：{{ case.number }}）。经核查，对贵公司提出异议的"
        "下列信息，我行不予更正或删除。现将有关情况说明如下："
    )
    b.heading("一、核查结论、理由和依据")
    b.tag("{%p for item in items %}")
    b.text(("{{ loop.index }}. {{ item.subject }}", True))
    b.text("异议内容：{{ item.claim }}")
    b.text("核查结论：{{ item.finding }}")
    b.text("理由：{{ item.reasons }}")
    b.text("适用规则：{{ item.rule }}")
    b.text("依据：{{ item.citation }}")
    b.text("异议标注：{{ item.mark }}")
    b.tag("{%p endfor %}")
    b.heading("二、所依据的法规条文")
    b.citations()
    b.heading("三、其他救济途径")
    b.avenues("贵公司如对上述处理结果有异议，可以通过下列途径寻求救济：")
    b.text("如有疑问，请与我行联系。")
    b.contact()
    b.text("特此说明。")
    b.closing()
    return b


def reply_letter() -> Builder:
    b = Builder("reply_letter", "企业征信异议回复函")
    b.flush("{{ addressee.name }}：")
    b.text(
        "我行于{{ case.received_on }}收到贵公司（统一社会信用代码：{{ addressee.uscc }}）"
        "提交的企业信用报告异议申请（案件编号：{{ case.number }}）后，依照{{ clock.citation }}"
        "的规定对有关信息作出了异议标注，并自{{ clock.start }}起{{ clock.length }}内"
        "完成了核查和处理。现将核查处理结果答复如下："
    )
    b.tag("{%p for item in items %}")
    b.text(("{{ loop.index }}. {{ item.subject }}", True))
    b.text("异议内容：{{ item.claim }}")
    b.text("核查结论：{{ item.outcome }}")
    b.text("核查情况：{{ item.reasons }}")
    b.tag("{%p if item.changes %}")
    b.text("更正内容：")
    b.tag("{%p for change in item.changes %}")
    b.text("{{ change.field }}：由“{{ change.old }}”更正为“{{ change.new }}”。")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.tag("{%p if item.effective %}")
    b.text("信用报告显示：{{ item.effective }}")
    b.tag("{%p endif %}")
    b.text("异议标注：{{ item.mark }}")
    b.tag("{%p endfor %}")
    b.tag("{%p if avenues %}")
    b.avenues("对未予更正的信息，贵公司如仍有异议，可以通过下列途径寻求救济：")
    b.tag("{%p endif %}")
    b.text("如有疑问，请与我行联系。")
    b.contact()
    b.text("特此函复。")
    b.closing()
    return b


def non_malicious_explanation() -> Builder:
    b = Builder("non_malicious_explanation", "非恶意逾期情况说明")
    b.text(
        "{{ addressee.name }}（统一社会信用代码：{{ addressee.uscc }}）在我行办理的下列贷款，"
        "在所列还款日出现了逾期记录（案件编号：{{ case.number }}）："
    )
    b.table(
        "overdue in overdues",
        [
            ("贷款", "{{ overdue.subject }}", 6.0),
            ("应还款日", "{{ overdue.due_on }}", 2.4),
            ("实际还款日", "{{ overdue.paid_on }}", 2.5),
            ("应还金额", "{{ overdue.amount }}", 2.4),
            ("报告显示", "{{ overdue.shown_as }}", 2.3),
        ],
    )
    b.text("经我行核实，上述逾期系{{ cause.kind }}所致。{{ cause.description }}")
    b.text(
        "有关依据：{{ cause.reference_title }}"
        "{% if cause.reference_number %}（{{ cause.reference_number }}）{% endif %}"
        "{% if cause.reference_excerpt %}：{{ cause.reference_excerpt }}{% endif %}"
    )
    b.text("据此，我行确认上述逾期并非该公司主观恶意所致，不属于该公司不履行还款义务的情形。")
    b.tag("{%p if handling %}")
    b.text("处理情况：{{ handling }}")
    b.tag("{%p endif %}")
    b.contact()
    b.text("特此说明。")
    b.closing()
    return b


def correction_report() -> Builder:
    b = Builder("correction_report", "企业征信信息更正报告")
    b.flush("{{ recipient.name }}：")
    b.text(
        "我行作为信息提供者，在处理{{ addressee.name }}（统一社会信用代码：{{ addressee.uscc }}）"
        "企业信用报告异议（案件编号：{{ case.number }}，收到齐备申请日期：{{ case.received_on }}）"
        "过程中，经核查确认我行报送的下列信息确有错误、遗漏，经内部审批同意予以更正。"
        "现将更正情况报告如下："
    )
    b.heading("一、更正的记录")
    b.table(
        "record in records",
        [
            ("序号", "{{ loop.index }}", 1.2),
            ("信息项", "{{ record.subject }}", 2.7),
            ("业务标识码", "{{ record.business_id }}", 5.6),
            ("记录类型", "{{ record.record_type }}", 2.0),
            ("更正依据", "{{ record.basis }}", 4.1),
        ],
    )
    b.heading("二、更正内容")
    b.table(
        "change in changes",
        [
            ("序号", "{{ loop.index }}", 1.2),
            ("业务标识码", "{{ change.record }}", 5.6),
            ("数据项", "{{ change.field }}", 3.0),
            ("更正前", "{{ change.old }}", 2.9),
            ("更正后", "{{ change.new }}", 2.9),
        ],
    )
    b.heading("三、法规依据")
    b.citations()
    b.heading("四、审批和报送")
    b.text("经办人：{{ approval.maker }}")
    b.text("审批人：{{ approval.checker }}")
    b.text("审批日期：{{ approval.approved_on }}")
    b.tag("{%p if submission.reference %}")
    b.text(
        "报送情况：已于{{ submission.submitted_on }}报送，报送批次号{{ submission.reference }}。"
    )
    b.tag("{%p endif %}")
    b.contact()
    b.text("特此报告。")
    b.closing()
    return b


TEMPLATES: dict[str, Callable[[], Builder]] = {
    "acceptance_receipt": acceptance_receipt,
    "supplement_notice": supplement_notice,
    "rejection_notice": rejection_notice,
    "non_repair_notice": non_repair_notice,
    "reply_letter": reply_letter,
    "non_malicious_explanation": non_malicious_explanation,
    "correction_report": correction_report,
}


def build(kind: str) -> bytes:
    """The .docx bytes of the shipped template of ``kind``."""
    return TEMPLATES[kind]().save()


def path_of(kind: str) -> Path:
    return HERE / f"{kind}.docx"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    stale = []
    for kind in TEMPLATES:
        data = build(kind)
        target = path_of(kind)
        if check:
            if not target.exists() or target.read_bytes() != data:
                stale.append(target.name)
        else:
            target.write_bytes(data)
            print(f"{target.relative_to(HERE.parents[2])}: {len(data)} bytes")
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
