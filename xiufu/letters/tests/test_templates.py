"""The shipped letter templates against the field schemas (xiufu/letters/fields.py): each renders
its kind's example data with docxtpl, shows what the letter must say, and uses exactly the fields
its schema provides. No database."""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import jinja2
import pytest
import qrcode
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate, InlineImage
from jinja2 import nodes

from xiufu.letters import fields
from xiufu.letters.shipped import build

KINDS = sorted(fields.SCHEMAS)


# --- helpers ----------------------------------------------------------------------------------


def _qr_png() -> io.BytesIO:
    code = qrcode.QRCode(box_size=2, border=1)
    code.add_data("https://xiufu.example.cn/verify/?code=W8CJ-3TPB-6KRF")
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    buffer.seek(0)
    return buffer


def render(kind: str, context: dict[str, Any] | None = None) -> docx.document.Document:
    """Render the shipped template as the renderer does: autoescape, StrictUndefined."""
    template = DocxTemplate(build.path_of(kind))
    data = copy.deepcopy(fields.EXAMPLE_CONTEXTS[kind] if context is None else context)
    data["qr"] = InlineImage(template, _qr_png(), width=Mm(25))
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    template.render(data, jinja_env=env, autoescape=True)
    output = io.BytesIO()
    template.save(output)
    output.seek(0)
    return docx.Document(output)


def text_of(document: docx.document.Document) -> str:
    """Every paragraph and table cell, in order, one per line."""
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            lines.append(Paragraph(element, document).text)
        elif element.tag.endswith("}tbl"):
            for row in Table(element, document).rows:
                lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def template_paths(kind: str) -> set[str]:
    """The fields a template uses, named like fields.schema_paths: ``letter.number``, ``items``,
    ``items[].subject`` (a loop variable stands for its list followed by ``[]``)."""
    template = DocxTemplate(build.path_of(kind))
    template.init_docx()
    xml = template.patch_xml(template.get_xml())
    found: set[str] = set()
    _collect(jinja2.Environment(autoescape=True).parse(xml), {}, found)
    return found


def _collect(node: nodes.Node, scope: dict[str, str], found: set[str]) -> None:
    if isinstance(node, nodes.For):
        _collect(node.iter, scope, found)
        inner = dict(scope)
        source = _path(node.iter, scope)
        if source and isinstance(node.target, nodes.Name):
            inner[node.target.name] = source + "[]"
        for child in [*node.body, *([node.test] if node.test else [])]:
            _collect(child, inner, found)
        for child in node.else_:
            _collect(child, scope, found)
        return
    path = _path(node, scope)
    if path is not None:
        if path:
            found.add(path)
        return
    for child in node.iter_child_nodes():
        _collect(child, scope, found)


def _path(node: nodes.Node, scope: dict[str, str]) -> str | None:
    """The dotted path of a name or attribute chain; "" for ``loop.*``; None for anything else."""
    if isinstance(node, nodes.Name):
        return "" if node.name == "loop" else scope.get(node.name, node.name)
    attr = None
    if isinstance(node, nodes.Getattr):
        attr = node.attr
    elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        attr = str(node.arg.value)
    if attr is None:
        return None
    base = _path(node.node, scope)  # type: ignore[attr-defined]
    if base is None or base == "":
        return base
    return f"{base}.{attr}"


def _leaf_values(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """(schema path, text) of every non-empty text value in example data."""
    if isinstance(data, dict):
        return [
            pair
            for key, value in data.items()
            for pair in _leaf_values(value, f"{prefix}.{key}" if prefix else key)
        ]
    if isinstance(data, list):
        return [pair for row in data for pair in _leaf_values(row, prefix + "[]")]
    return [(prefix, data)] if isinstance(data, str) and data else []


# --- the contract -----------------------------------------------------------------------------


def test_every_kind_has_a_label_a_builder_and_a_shipped_file():
    assert set(fields.KIND_LABELS) == set(fields.SCHEMAS) == set(build.TEMPLATES)
    assert set(fields.EXAMPLE_CONTEXTS) == set(fields.SCHEMAS)
    for kind in KINDS:
        assert build.path_of(kind).is_file(), kind


@pytest.mark.parametrize("kind", KINDS)
def test_template_uses_only_fields_of_its_schema(kind):
    unknown = template_paths(kind) - fields.schema_paths(fields.SCHEMAS[kind])
    assert not unknown, f"{kind} uses fields its schema does not provide: {sorted(unknown)}"


@pytest.mark.parametrize("kind", KINDS)
def test_renderer_reads_the_same_fields(kind):
    # the renderer's own reading (xiufu/letters/render.py) agrees with this test's
    render = pytest.importorskip("xiufu.letters.render")
    data = build.path_of(kind).read_bytes()
    assert render.template_fields(data) == template_paths(kind)
    assert render.unknown_fields(data, fields.SCHEMAS[kind]) == []


@pytest.mark.parametrize("kind", KINDS)
def test_template_uses_every_required_field(kind):
    unused = fields.required_paths(fields.SCHEMAS[kind]) - template_paths(kind)
    assert not unused, f"{kind} never prints: {sorted(unused)} (use them or mark them optional)"


@pytest.mark.parametrize("kind", KINDS)
def test_example_context_fits_its_schema(kind):
    schema = fields.SCHEMAS[kind]
    assert fields.check_context(schema, fields.EXAMPLE_CONTEXTS[kind]) == []
    assert fields.check_context(schema, {**fields.EXAMPLE_CONTEXTS[kind], "qr": None}) == [
        "qr: missing image"
    ]


def test_check_context_reports_missing_unknown_and_mistyped_values():
    data = copy.deepcopy(fields.EXAMPLE_CONTEXTS["reply_letter"])
    del data["case"]["number"]
    data["items"][0]["changes"][0]["old"] = 1200000
    data["items"][1]["outcome"] = ""
    data["extra"] = "x"
    assert fields.check_context(fields.SCHEMAS["reply_letter"], data) == [
        "extra: unknown",
        "case.number: missing",
        "items[].changes[].old: expected str, got int",
        "items[].outcome: empty",
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_group_and_list_has_a_chinese_label(kind):
    schema = fields.SCHEMAS[kind]
    labels = fields.field_labels(schema)
    assert fields.schema_paths(schema) <= set(labels)
    for path, label in labels.items():
        assert label, path
        assert label != path, path
    assert fields.reserved_keys(schema) == []


def test_schema_paths_notation():
    schema = fields.SCHEMAS["reply_letter"]
    paths = fields.schema_paths(schema)
    assert {"letter.number", "items", "items[].subject", "items[].changes"} <= paths
    assert {"items[].changes[].old", "avenues[].deadline", "qr"} <= paths
    assert "letter" not in paths  # a group is not a value
    assert "letter.kind_label" not in fields.required_paths(schema)


# --- what the letters say ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_rendered_letter_shows_every_value_it_uses(kind):
    # given the example data, when the shipped template is rendered
    document = render(kind)
    text = text_of(document)
    # then every value of a field the template uses is printed, and no tag is left over
    used = template_paths(kind)
    for path, value in _leaf_values(fields.EXAMPLE_CONTEXTS[kind]):
        if path in used:
            assert value in text, f"{kind}: {path} = {value!r} not in the letter"
    for leftover in ("{{", "}}", "{%", "%}"):
        assert leftover not in text
    assert len(document.inline_shapes) == 1  # the QR code


ESSENTIALS = {
    "acceptance_receipt": [
        "杭州甲科技有限公司：",
        "现予受理，案件编号为YY2026000012",
        "自收到齐备申请之日起20日内完成核查和处理，并至迟于2026年11月30日将处理结果书面答复",
        "1 | 借贷交易信息（业务标识码 B0000000000001-L-000004） | 已结清仍显示未结清",
        "已作异议标注（2026年11月10日）",
        "2. 法定代表人有效身份证件（原件已核验，留存正反两面复印件）",
        "6. 结清证明\n",
    ],
    "supplement_notice": [
        "现将需要补正的全部事项一次性告知如下",
        "《金融信用信息基础数据库企业征信异议处理业务规程》第六条",
        "2 | 《企业法定代表人授权委托证明书》 | 缺失：申请由经办人代为提交",
        "居民身份证须提供正反两面",
        "请贵公司于2026年11月13日（含当日）前登录企业服务门户上传补正材料",
        "经一次性告知补正后申请材料仍不齐备的，我行将不予受理",
    ],
    "rejection_notice": [
        "我行决定不予受理",
        "1. 异议记录不是本机构报送的。经查，业务标识码为B0000000000077-G-000031",
        "依据：《征信业管理条例》第二十五条",
        "期限：人民银行分支机构应当自受理投诉之日起30日内进行核查和处理，并书面答复。",
        "2. 向人民法院提起诉讼",
    ],
    "non_repair_notice": [
        "我行不予更正或删除",
        "核查结论：信息属实，不予修复",
        "理由：经核对我行核心系统还款流水",
        "依据：《征信业管理条例》第二十五条、第二十三条",
        "《征信业管理条例》第二十六条：信息主体认为征信机构",
        "办理机构：信息主体所在地的中国人民银行分支机构",
        "自受理投诉之日起30日内",
        "3. 添加信息主体声明",
        "异议标注：已取消异议标注",
    ],
    "reply_letter": [
        "核查结论：确有错误，已予更正",
        "账户状态：由“未结清”更正为“结清”。",
        "余额：由“1,200,000.00元”更正为“0.00元”。",
        "信用报告显示：更正已于2026年11月26日经中国人民银行征信中心确认生效",
        "核查结论：信息属实，不予修复",
        "对未予更正的信息，贵公司如仍有异议",
        "特此函复。",
    ],
    "non_malicious_explanation": [
        "杭州甲科技有限公司（统一社会信用代码：91330106MA2H7K3LXA）在我行办理的下列贷款",
        "2026年6月30日 | 2026年7月1日 | 85,300.00元 | 逾期1-30天",
        "上述逾期系我行系统故障所致",
        "（运营事件编号INC-2026-0630-01）：6月30日16时至24时",
        "并非该公司主观恶意所致",
        "处理情况：我行已于2026年11月24日",
    ],
    "correction_report": [
        "中国人民银行征信中心：",
        "B0000000000001-L-000004 | 412 按段更正",
        "1 | B0000000000001-L-000004 | 账户状态 | 未结清 | 结清",
        "4 | B0000000000001-L-000008 | 2026年6月还款状态 | 逾期1-30天 | 正常",
        "经办人：李强",
        "审批人：刘洋",
        "审批日期：2026年11月23日",
        "报送批次号CR-B0000000000001-20261124-0003",
    ],
}


@pytest.mark.parametrize("kind", KINDS)
def test_rendered_letter_has_heading_signature_and_verification(kind):
    context = fields.EXAMPLE_CONTEXTS[kind]
    text = text_of(render(kind))
    lines = text.splitlines()
    assert lines[1] == context["letter"]["number"]
    assert context["letter"]["date"] in lines  # 二〇二六年…, a line of its own
    assert "修复示范银行股份有限公司" in lines
    assert "（盖章）" in lines
    assert f"验证码：{context['letter']['verification_code']}\n" in text
    assert f"可登录 {context['letter']['verify_url']} 输入验证码核验本文书真伪" in text
    for snippet in ESSENTIALS[kind]:
        assert snippet in text, f"{kind}: {snippet!r}"


def test_reply_without_avenues_or_changes_leaves_no_empty_headings():
    # given a reply where every item was corrected except one without changes, no avenues
    context = copy.deepcopy(fields.EXAMPLE_CONTEXTS["reply_letter"])
    context["avenues"] = []
    context["items"] = context["items"][2:]
    # when rendered
    text = text_of(render("reply_letter", context))
    # then neither the avenues' introduction nor an empty "更正内容" appears
    assert "寻求救济" not in text
    assert "更正内容" not in text
    assert "信用报告显示" not in text


def test_optional_reference_number_left_empty_prints_no_brackets():
    context = copy.deepcopy(fields.EXAMPLE_CONTEXTS["non_malicious_explanation"])
    context["cause"]["reference_number"] = ""
    context["handling"] = ""
    text = text_of(render("non_malicious_explanation", context))
    assert "《关于6月30日核心系统批量扣款故障的情况通报》：6月30日16时" in text
    assert "处理情况" not in text


def test_values_are_escaped_not_interpreted_as_xml():
    context = copy.deepcopy(fields.EXAMPLE_CONTEXTS["acceptance_receipt"])
    context["addressee"]["name"] = "甲&乙<科技>有限公司"
    assert "甲&乙<科技>有限公司：" in text_of(render("acceptance_receipt", context))


def test_a_missing_field_stops_rendering():
    context = copy.deepcopy(fields.EXAMPLE_CONTEXTS["non_repair_notice"])
    del context["avenues"][0]["deadline"]
    with pytest.raises(jinja2.UndefinedError):
        render("non_repair_notice", context)


# --- layout and reproducibility -----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_template_layout_is_a4_with_official_margins_and_chinese_fonts(kind):
    document = docx.Document(str(build.path_of(kind)))
    section = document.sections[0]
    page = (section.page_width, section.page_height)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(length.cm, 2) if length else 0 for length in page] == [21.0, 29.7]
    assert [round(length.cm, 2) if length else 0 for length in margins] == [3.7, 3.5, 2.8, 2.6]
    title = document.paragraphs[0]
    assert title.alignment == build.CENTER
    assert all(run.bold and run.font.size == Pt(22) for run in title.runs)
    body = next(p for p in document.paragraphs if "{{ addressee.uscc }}" in p.text)
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert body.paragraph_format.line_spacing == Pt(28)
    assert body.runs[0]._element.xpath("./w:rPr/w:rFonts/@w:eastAsia") == ["仿宋"]
    core = document.core_properties
    assert core.author == "xiufu"
    assert core.created == build.FIXED_TIME


def _parts(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_file_is_what_build_py_makes(kind):
    fresh = build.build(kind)
    assert fresh == build.build(kind)  # deterministic within one environment
    # compare the parts, not the bytes: another zlib may compress differently
    assert _parts(fresh) == _parts(Path(build.path_of(kind)).read_bytes()), (
        f"{kind}.docx is stale: run python -m xiufu.letters.shipped.build"
    )
