"""The fields each letter kind provides: the one contract between the code that builds a
letter's data and the Word templates that compliance staff edit.

Pure Python, no Django. A schema is a nested dict: a :class:`Field` is a value, a dict is a group
(``letter.number``), and a one-element list ``[{...}]`` is a list of rows for a table or a
paragraph loop (``items[].subject``). Every kind is ``COMMON`` merged with its own part.

The data always carries every key of the kind's schema. ``optional`` means the value may be
empty (``""`` or ``[]``) and a template need not use it; it never means the key may be left
out: templates render with ``StrictUndefined``, so ``{% if x %}`` on a missing key fails.
All values are display text (dates, amounts, labels already formatted). Images (``qr``) are
not part of the data: the renderer adds them (``render_docx(..., images={"qr": png})``).

Legal facts (other avenues, citations, deadlines, material requirements) are not written into
the templates: they come from the rule pack (xiufu/rules/packs/…) through these fields, so that a
new pack version changes every letter without touching a template. Field notes say which pack
entry fills a field.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, TypeAlias


class Image:
    """Marker type: an inline picture made by the renderer (docxtpl ``InlineImage``)."""


@dataclass(frozen=True)
class Field:
    """One value a template may print: its type, its Chinese name for staff and a note on how
    it is written or where it comes from."""

    type: type[Any]
    label: str
    optional: bool = False
    note: str = ""


Node: TypeAlias = "Field | Schema | list[Schema]"
Schema: TypeAlias = "dict[str, Node]"

# A nested key named like a dict method resolves to the method in Jinja (``item.items`` is
# ``dict.items``), so the template would print "<built-in method …>" instead of the value.
RESERVED_KEYS = frozenset(name for name in dir(dict) if not name.startswith("_"))

KIND_LABELS: dict[str, str] = {
    "acceptance_receipt": "受理回执",
    "supplement_notice": "一次性补正告知书",
    "rejection_notice": "不予受理通知书",
    "non_repair_notice": "不予修复说明",
    "reply_letter": "异议回复函",
    "non_malicious_explanation": "非恶意逾期情况说明",
    "correction_report": "更正报告",
}

# Labels of the groups and lists, by path (leaves carry their own label).
SECTION_LABELS: dict[str, str] = {
    "letter": "文书",
    "institution": "出具机构",
    "addressee": "信息主体（企业）",
    "case": "案件",
    "clock": "法定办理期限",
    "supplement": "补正要求",
    "cause": "逾期原因",
    "recipient": "报送对象",
    "approval": "内部审批",
    "submission": "报送情况",
    "items": "异议事项",
    "items[].changes": "更正内容",
    "materials": "已收申请材料",
    "defects": "需补正事项",
    "grounds": "不予受理的理由",
    "avenues": "其他救济途径",
    "citations": "法规依据",
    "overdues": "逾期记录",
    "records": "更正记录",
    "changes": "更正内容",
}

_DATE = "阿拉伯数字，如 2026年11月10日"
_SUBJECT = Field(str, "异议信息", note="信息类别和业务标识码，如 借贷交易信息（业务标识码 …）")

_CASE_SUBMITTED_ON = Field(str, "申请提交日期", note=_DATE)
_CASE_RECEIVED_ON = Field(str, "收到齐备申请日期", note=_DATE + "；法定期限自此起算")
_CASE_DUE_ON = Field(str, "书面答复期限届满日", note=_DATE)
_CASE_CLAIM = Field(str, "申请事项", note="企业在申请中写明的异议事项与理由")


def _optional(field: Field) -> Field:
    return dataclasses.replace(field, optional=True)


COMMON: Schema = {
    "letter": {
        "number": Field(str, "文书编号", note="如 示范银征异复〔2026〕12号"),
        "date": Field(str, "成文日期", note="汉字书写，如 二〇二六年十一月三十日"),
        "verification_code": Field(str, "验证码", note="XXXX-XXXX-XXXX"),
        "verify_url": Field(str, "核验网址", note="公开核验页面的地址"),
        "kind_label": Field(str, "文书种类", optional=True, note="如 异议回复函"),
    },
    "institution": {
        "name": Field(str, "出具机构名称"),
        "department": Field(str, "承办部门"),
        "address": Field(str, "联系地址"),
        "phone": Field(str, "联系电话"),
    },
    "addressee": {
        "name": Field(str, "企业名称", note="信息主体；更正报告的收文机构另见“报送对象”"),
        "uscc": Field(str, "统一社会信用代码", note="企业代码可以完整显示；不得出现个人证件号码"),
    },
    "case": {
        "number": Field(str, "案件编号"),
        "submitted_on": _optional(_CASE_SUBMITTED_ON),
        "received_on": _optional(_CASE_RECEIVED_ON),
        "due_on": _optional(_CASE_DUE_ON),
        "claim": _optional(_CASE_CLAIM),
    },
    "qr": Field(Image, "核验二维码", note="由系统生成，内含核验网址和验证码"),
}

_CLOCK: Schema = {
    "clock": {
        "length": Field(str, "期限", note="规则包 deadlines.rules（reply）的期间和单位，如 20日"),
        "start": Field(str, "起算日", note="规则包中期限的起算事件，如 收到齐备申请之日"),
        "citation": Field(str, "期限依据", note="如 《征信业管理条例》第二十五条"),
    }
}

_AVENUES: Schema = {
    "avenues": [
        {
            "label": Field(str, "途径", note="规则包 other_avenues 的 label"),
            "where": Field(str, "办理机构", note="规则包 other_avenues 的 where"),
            "how": Field(str, "办理方式", note="规则包 other_avenues 的 how（完整句子）"),
            "deadline": Field(
                str, "期限", note="规则包 other_avenues 的 deadline_text（完整句子）"
            ),
            "citation": Field(str, "依据", note="规则包 other_avenues 的 citation"),
        }
    ]
}

_CITATIONS: Schema = {
    "citations": [
        {
            "instrument": Field(str, "法规名称", note="如 《征信业管理条例》"),
            "article": Field(str, "条款", note="如 第二十五条"),
            "text": Field(str, "条文（节录）", optional=True, note="规则包暂无条文，可为空"),
        }
    ]
}

_PARTS: dict[str, Schema] = {
    "acceptance_receipt": {
        "case": {"received_on": _CASE_RECEIVED_ON, "due_on": _CASE_DUE_ON},
        **_CLOCK,
        "items": [
            {
                "subject": _SUBJECT,
                "category": Field(str, "异议类型", note="规则包 categories 的 label"),
                "claim": Field(str, "异议内容"),
                "mark": Field(str, "异议标注", note="如 已作异议标注（2026年11月10日）"),
            }
        ],
        "materials": [
            {
                "label": Field(str, "材料名称", note="规则包 materials.catalog 的 label"),
                "note": Field(str, "材料说明", optional=True, note="如 原件已核验，留存复印件"),
            }
        ],
    },
    "supplement_notice": {
        "case": {"submitted_on": _CASE_SUBMITTED_ON},
        **_CLOCK,
        "defects": [
            {
                "material": Field(str, "材料名称", note="规则包 materials.catalog 的 label"),
                "problem": Field(str, "存在问题", note="审核结论（缺失/不合规）和具体原因"),
                "requirement": Field(
                    str, "补正要求", note="规则包 materials.catalog 的 description"
                ),
            }
        ],
        "supplement": {
            "deadline": Field(str, "补正期限", note=_DATE + "；规则包未规定，由本机构设定"),
            "how": Field(str, "提交方式", note="在哪里、以什么方式提交补正材料"),
            "consequence": Field(
                str, "逾期未补正的后果", note="规则包 intake.grounds（still_incomplete）"
            ),
            "citation": Field(str, "一次性告知依据", note="规则包 intake.supplement 的 citation"),
        },
    },
    "rejection_notice": {
        "case": {"submitted_on": _CASE_SUBMITTED_ON, "claim": _CASE_CLAIM},
        "grounds": [
            {
                "label": Field(str, "不予受理情形", note="规则包 intake.grounds 的 label"),
                "detail": Field(str, "具体理由", note="本案的具体情况，以及应向何处提出"),
                "citation": Field(str, "依据", note="规则包 intake.grounds 的 citation"),
            }
        ],
        **_AVENUES,
    },
    "non_repair_notice": {
        "case": {"received_on": _CASE_RECEIVED_ON},
        "items": [
            {
                "subject": _SUBJECT,
                "claim": Field(str, "异议内容"),
                "finding": Field(str, "核查结论", note="规则包 findings 的 label"),
                "reasons": Field(str, "理由", note="核查员写明的理由，用通俗的中文"),
                "rule": Field(str, "适用规则", note="规则包中所适用规则的说明"),
                "citation": Field(str, "依据", note="如 《征信业管理条例》第二十五条"),
                "mark": Field(str, "异议标注", note="规则包 findings 的 mark，如 已取消异议标注"),
            }
        ],
        **_CITATIONS,
        **_AVENUES,
    },
    "reply_letter": {
        "case": {"received_on": _CASE_RECEIVED_ON},
        **_CLOCK,
        "items": [
            {
                "subject": _SUBJECT,
                "claim": Field(str, "异议内容"),
                "outcome": Field(str, "核查结论", note="已更正 / 信息无误 / 无法确认，已予记载 等"),
                "reasons": Field(str, "核查情况"),
                "changes": [
                    {
                        "field": Field(str, "数据项", note="字段的中文名称"),
                        "old": Field(str, "更正前"),
                        "new": Field(str, "更正后"),
                    }
                ],
                "effective": Field(str, "信用报告何时显示", optional=True, note="仅更正的事项填写"),
                "mark": Field(str, "异议标注", note="如 更正生效后已撤除异议标注"),
            }
        ],
        **_AVENUES,
    },
    "non_malicious_explanation": {
        "overdues": [
            {
                "subject": Field(str, "贷款", note="业务品种和业务标识码"),
                "due_on": Field(str, "应还款日", note=_DATE),
                "paid_on": Field(str, "实际还款日", note=_DATE),
                "amount": Field(str, "应还金额", note="如 85,300.00元"),
                "shown_as": Field(str, "报告显示", note="如 逾期1-30天"),
            }
        ],
        "cause": {
            "kind": Field(str, "原因类别", note="如 我行系统故障；疫情期间延期还本付息政策"),
            "description": Field(str, "情况", note="发生了什么、为何不是借款人的原因"),
            "reference_title": Field(str, "政策文件或事件名称"),
            "reference_number": Field(
                str, "文号或事件编号", optional=True, note="文号未经核实的不要填写"
            ),
            "reference_excerpt": Field(str, "相关规定或事件记录摘录", optional=True),
        },
        "handling": Field(str, "处理情况", optional=True, note="如 已报送更正及日期"),
    },
    "correction_report": {
        "case": {"received_on": _CASE_RECEIVED_ON},
        "recipient": {"name": Field(str, "报送对象", note="如 中国人民银行征信中心")},
        "records": [
            {
                "subject": Field(str, "信息项", note="如 企业借贷账户（流动资金贷款）"),
                "business_id": Field(str, "业务标识码"),
                "record_type": Field(str, "报送记录类型", note="如 412 按段更正"),
                "basis": Field(str, "更正依据", note="核查结论和所依据的证据"),
            }
        ],
        "changes": [
            {
                "record": Field(str, "业务标识码"),
                "field": Field(str, "数据项", note="字段的中文名称"),
                "old": Field(str, "更正前"),
                "new": Field(str, "更正后"),
            }
        ],
        **_CITATIONS,
        "approval": {
            "maker": Field(str, "经办人", note="提出更正方案的员工姓名"),
            "checker": Field(str, "审批人", note="批准更正的员工姓名，不得与经办人相同"),
            "approved_on": Field(str, "审批日期", note=_DATE),
        },
        "submission": {
            "reference": Field(str, "报送批次号", optional=True, note="尚未报送的为空"),
            "submitted_on": Field(str, "报送日期", optional=True, note=_DATE),
        },
    },
}


def merge(base: Schema, extra: Schema) -> Schema:
    """``base`` with ``extra`` laid over it: groups merge, anything else is replaced."""
    merged = dict(base)
    for key, node in extra.items():
        old = merged.get(key)
        if isinstance(old, dict) and isinstance(node, dict):
            merged[key] = merge(old, node)
        else:
            merged[key] = node
    return merged


SCHEMAS: dict[str, Schema] = {kind: merge(COMMON, part) for kind, part in _PARTS.items()}


def _walk(schema: Schema, prefix: str = "") -> list[tuple[str, Node]]:
    """Every node with its path, depth first: ``letter``, ``letter.number``, ``items``,
    ``items[].subject``, ``items[].changes[].old``."""
    found: list[tuple[str, Node]] = []
    for key, node in schema.items():
        path = f"{prefix}{key}"
        found.append((path, node))
        if isinstance(node, dict):
            found.extend(_walk(node, path + "."))
        elif isinstance(node, list):
            found.extend(_walk(node[0], path + "[]."))
    return found


def schema_paths(schema: Schema) -> set[str]:
    """The paths a template may use: every value (``letter.number``, ``items[].subject``) and
    every list (``items``, ``items[].changes``). Groups alone (``letter``) are not values."""
    return {path for path, node in _walk(schema) if not isinstance(node, dict)}


def required_paths(schema: Schema) -> set[str]:
    """The values a kind's shipped template must print (all but the optional ones)."""
    return {path for path, node in _walk(schema) if isinstance(node, Field) and not node.optional}


def field_labels(schema: Schema) -> dict[str, str]:
    """Path → what staff read about it, for the template editor's list of fields."""
    labels = {}
    for path, node in _walk(schema):
        if isinstance(node, Field):
            text = node.label + (f"：{node.note}" if node.note else "")
            labels[path] = text + ("（可为空）" if node.optional else "")
        else:
            suffix = "（列表）" if isinstance(node, list) else ""
            labels[path] = SECTION_LABELS.get(path, path) + suffix
    return labels


def check_context(schema: Schema, data: Any, prefix: str = "") -> list[str]:
    """What is wrong with ``data`` for ``schema``: missing or unknown keys, wrong types, empty
    required values. An empty list means the data fits. Images may be absent (the renderer
    adds them)."""
    if not isinstance(data, dict):
        return [f"{prefix.rstrip('.') or '(root)'}: expected a mapping"]
    problems = [f"{prefix}{key}: unknown" for key in sorted(set(data) - set(schema))]
    for key, node in schema.items():
        path = f"{prefix}{key}"
        if key not in data:
            if not (isinstance(node, Field) and node.type is Image):
                problems.append(f"{path}: missing")
        elif isinstance(node, dict):
            problems.extend(check_context(node, data[key], path + "."))
        elif isinstance(node, list):
            if not isinstance(data[key], list):
                problems.append(f"{path}: expected a list")
                continue
            for row in data[key]:
                problems.extend(check_context(node[0], row, path + "[]."))
        else:
            problems.extend(_check_value(path, node, data[key]))
    return problems


def _check_value(path: str, field: Field, value: Any) -> list[str]:
    if field.type is Image:
        return [] if value is not None else [f"{path}: missing image"]
    if not isinstance(value, field.type):
        return [f"{path}: expected {field.type.__name__}, got {type(value).__name__}"]
    if not field.optional and not value:
        return [f"{path}: empty"]
    return []


def reserved_keys(schema: Schema) -> list[str]:
    """Nested keys that Jinja would resolve to a dict method (see ``RESERVED_KEYS``)."""
    return [
        path
        for path, _node in _walk(schema)
        if ("." in path) and path.rsplit(".", 1)[1] in RESERVED_KEYS
    ]


# --- examples ---------------------------------------------------------------------------------
# A realistic, complete context per kind, for previews, documentation and the template tests.
# The story: 杭州甲科技有限公司 files case YY2026000012 on 2 November 2026; a supplement notice
# follows; the complete application arrives on 10 November (due 30 November); two loans are
# corrected (a settled loan still shown open, an overdue caused by the bank's outage on 30 June
# 2026) and a true overdue is not repaired. A later application (YY2026000019) about a guarantee
# record another institution reported is rejected at intake. ``qr`` is left out: the renderer
# adds the picture.

_INSTITUTION = {
    "name": "修复示范银行股份有限公司",
    "department": "征信管理部",
    "address": "浙江省杭州市上城区示范路88号",
    "phone": "0571-88000000",
}
_ADDRESSEE = {"name": "杭州甲科技有限公司", "uscc": "91330106MA2H7K3LXA"}
_VERIFY_URL = "https://xiufu.example.cn/verify/"
_ART25 = "《征信业管理条例》第二十五条"
_ART26 = "《征信业管理条例》第二十六条"
_B4, _B6, _B8 = (f"B0000000000001-L-00000{n}" for n in (4, 6, 8))
_L4, _L6, _L8 = (f"借贷交易信息（业务标识码 {b}）" for b in (_B4, _B6, _B8))
_CLOCK_EXAMPLE = {"length": "20日", "start": "收到齐备申请之日", "citation": _ART25}

# The pack's other_avenues (credit_dispute 2026.1), as the context builder copies them.
_AVENUE_COMPLAINT = {
    "label": "向中国人民银行分支机构投诉",
    "where": "信息主体所在地的中国人民银行分支机构",
    "how": "认为本机构或征信机构侵害了自身合法权益的，可以向人民银行分支机构投诉，"
    "写明投诉事项和理由，并附相关材料。",
    "deadline": "人民银行分支机构应当自受理投诉之日起30日内进行核查和处理，并书面答复。",
    "citation": _ART26,
}
_AVENUE_LAWSUIT = {
    "label": "向人民法院提起诉讼",
    "where": "有管辖权的人民法院",
    "how": "可以直接向人民法院起诉，不以先提出异议或投诉为前提。",
    "deadline": "条例未规定起诉期限，诉讼时效等依照法律规定。",
    "citation": _ART26,
}
_AVENUE_STATEMENT = {
    "label": "添加信息主体声明",
    "where": "征信中心及其分中心、异议受理网点",
    "how": "对经核查仍不能确认或仍有争议的记录，可以申请在信用报告中添加与该记录相关的简短声明，"
    "声明将以“信息主体声明”显示在报告中。",
    "deadline": "未见规定的期限。",
    "citation": "二代企业信用报告（授信机构版）报告说明第十五条至第十七条",
}
_AVENUES_EXAMPLE = [_AVENUE_COMPLAINT, _AVENUE_LAWSUIT, _AVENUE_STATEMENT]

_CITE_ART25 = {
    "instrument": "《征信业管理条例》",
    "article": "第二十五条",
    "text": "信息主体认为征信机构采集、保存、提供的信息存在错误、遗漏的，"
    "有权向征信机构或者信息提供者提出异议，要求更正。……"
    "经核查，确认相关信息确有错误、遗漏的，信息提供者、征信机构应当予以更正；"
    "确认不存在错误、遗漏的，应当取消异议标注；"
    "经核查仍不能确认的，对核查情况和异议内容应当予以记载。",
}
_CITE_ART23 = {
    "instrument": "《征信业管理条例》",
    "article": "第二十三条",
    "text": "征信机构应当采取合理措施，保障其提供信息的准确性。",
}
_CITE_ART26 = {
    "instrument": "《征信业管理条例》",
    "article": "第二十六条",
    "text": "信息主体认为征信机构或者信息提供者、信息使用者侵害其合法权益的，"
    "可以向所在地的国务院征信业监督管理部门派出机构投诉。"
    "受理投诉的机构应当及时进行核查和处理，自受理之日起30日内书面答复投诉人。……"
    "可以直接向人民法院起诉。",
}

_CASE_12 = {
    "number": "YY2026000012",
    "submitted_on": "2026年11月2日",
    "received_on": "2026年11月10日",
    "due_on": "2026年11月30日",
    "claim": "信用报告中两笔贷款的还款信息有误，一笔逾期记录请求删除。",
}


def _change(record: str, field: str, old: str, new: str) -> dict[str, str]:
    return {"record": record, "field": field, "old": old, "new": new}


def _example(kind: str, number: str, date: str, code: str, **parts: Any) -> dict[str, Any]:
    return {
        "letter": {
            "number": number,
            "date": date,
            "verification_code": code,
            "verify_url": _VERIFY_URL,
            "kind_label": KIND_LABELS[kind],
        },
        "institution": dict(_INSTITUTION),
        "addressee": dict(_ADDRESSEE),
        "case": dict(_CASE_12),
        **parts,
    }


_REPLY_CORRECTED = (
    "更正已于2026年11月26日经中国人民银行征信中心确认生效，此后查询的企业信用报告显示更正后的信息。"
)

EXAMPLE_CONTEXTS: dict[str, dict[str, Any]] = {
    "acceptance_receipt": _example(
        "acceptance_receipt",
        "示范银征异受〔2026〕12号",
        "二〇二六年十一月十日",
        "7KQ2-M9XD-4TRP",
        clock=dict(_CLOCK_EXAMPLE),
        items=[
            {
                "subject": _L4,
                "category": "已结清仍显示未结清",
                "claim": "该笔流动资金贷款已于2025年3月18日提前结清，2026年10月查询的信用报告仍显示"
                "未结清，余额1,200,000.00元。",
                "mark": "已作异议标注（2026年11月10日）",
            },
            {
                "subject": _L8,
                "category": "逾期记录有误",
                "claim": "2026年6月30日应还本息因银行系统故障未能扣收，扣款账户余额充足，报告却显示"
                "逾期1-30天。",
                "mark": "已作异议标注（2026年11月10日）",
            },
            {
                "subject": _L6,
                "category": "逾期记录有误",
                "claim": "2025年3月的逾期系下游客户回款延迟所致，请求删除该逾期记录。",
                "mark": "已作异议标注（2026年11月10日）",
            },
        ],
        materials=[
            {"label": "《企业信用报告异议申请表》", "note": "加盖企业公章"},
            {"label": "法定代表人有效身份证件", "note": "原件已核验，留存正反两面复印件"},
            {"label": "企业身份证明文件", "note": "营业执照原件已核验，留存加盖公章的复印件"},
            {"label": "《企业法定代表人授权委托证明书》", "note": "原件"},
            {"label": "经办人有效身份证件", "note": "原件已核验，留存正反两面复印件"},
            {"label": "结清证明", "note": ""},
            {"label": "还款凭证", "note": "2026年6月扣款账户对账单"},
        ],
    ),
    "supplement_notice": _example(
        "supplement_notice",
        "示范银征异补〔2026〕5号",
        "二〇二六年十一月三日",
        "3HWB-8NCE-Q5VA",
        case={**_CASE_12, "received_on": "", "due_on": ""},
        clock=dict(_CLOCK_EXAMPLE),
        defects=[
            {
                "material": "《企业信用报告异议申请表》",
                "problem": "不合规：申请表未加盖企业公章，且第2笔异议记录未写明账户编号。",
                "requirement": "填写完整并加盖企业公章的《企业信用报告异议申请表》，"
                "逐条写明有异议的记录（所在报告栏目、业务机构、账户或合同编号）、"
                "异议内容和理由。",
            },
            {
                "material": "《企业法定代表人授权委托证明书》",
                "problem": "缺失：申请由经办人代为提交，但未提交授权委托证明书。",
                "requirement": "《企业法定代表人授权委托证明书》原件，"
                "须由法定代表人和经办人双方签字并加盖企业公章；"
                "格式文本可从征信中心网站下载。",
            },
            {
                "material": "经办人有效身份证件",
                "problem": "不合规：上传的居民身份证复印件只有正面。",
                "requirement": "经办人有效身份证件的原件（现场核验）"
                "及复印件；居民身份证须提供正反两面。",
            },
        ],
        supplement={
            "deadline": "2026年11月13日",
            "how": "登录企业服务门户上传补正材料，或携带原件及加盖企业公章的复印件到我行征信管理部"
            "（浙江省杭州市上城区示范路88号）提交",
            "consequence": "经一次性告知补正后申请材料仍不齐备的，我行将不予受理，并书面说明原因。",
            "citation": "《金融信用信息基础数据库企业征信异议处理业务规程》第六条",
        },
    ),
    "rejection_notice": _example(
        "rejection_notice",
        "示范银征异拒〔2026〕2号",
        "二〇二六年十一月十八日",
        "M2TF-6RZK-9PXD",
        case={
            "number": "YY2026000019",
            "submitted_on": "2026年11月16日",
            "received_on": "",
            "due_on": "",
            "claim": "请求删除信用报告“相关还款责任”中本企业为杭州乙贸易有限公司借款提供担保的记录"
            "（业务标识码B0000000000077-G-000031）。",
        },
        grounds=[
            {
                "label": "异议记录不是本机构报送的",
                "detail": "经查，业务标识码为B0000000000077-G-000031的担保记录由另一家金融机构"
                "（数据提供机构代码B0000000000077）报送，我行无法核查和更正。请向报送该记录的机构"
                "或中国人民银行征信中心提出异议。",
                "citation": _ART25,
            }
        ],
        avenues=[_AVENUE_COMPLAINT, _AVENUE_LAWSUIT],
    ),
    "non_repair_notice": _example(
        "non_repair_notice",
        "示范银征异释〔2026〕7号",
        "二〇二六年十一月二十七日",
        "5DGY-K7QM-2HNE",
        items=[
            {
                "subject": _L6,
                "claim": "2025年3月的逾期系下游客户回款延迟所致，请求删除该逾期记录。",
                "finding": "信息属实，不予修复",
                "reasons": "经核对我行核心系统还款流水，该笔贷款2025年3月20日应还本息426,500.00元，"
                "贵公司于2025年4月28日归还，逾期39天，我行报送的逾期记录与实际还款情况一致。"
                "下游客户回款延迟不改变贵公司按合同约定按期还款的义务，真实、准确的逾期记录不能"
                "应申请删除或修改。",
                "rule": "经核查信息真实、准确的，不得应申请删除或修改；"
                "书面说明不予修复的理由和依据，告知其他救济途径，并取消异议标注。",
                "citation": "《征信业管理条例》第二十五条、第二十三条",
                "mark": "已取消异议标注",
            }
        ],
        citations=[_CITE_ART25, _CITE_ART23, _CITE_ART26],
        avenues=list(_AVENUES_EXAMPLE),
    ),
    "reply_letter": _example(
        "reply_letter",
        "示范银征异复〔2026〕12号",
        "二〇二六年十一月二十七日",
        "W8CJ-3TPB-6KRF",
        clock=dict(_CLOCK_EXAMPLE),
        items=[
            {
                "subject": _L4,
                "claim": "该笔贷款已于2025年3月18日提前结清，报告仍显示未结清。",
                "outcome": "确有错误，已予更正",
                "reasons": "经核对我行核心系统，该笔贷款已于2025年3月18日提前结清全部本息；"
                "因结清信息未及时报送，信用报告仍显示未结清。",
                "changes": [
                    {"field": "账户状态", "old": "未结清", "new": "结清"},
                    {"field": "余额", "old": "1,200,000.00元", "new": "0.00元"},
                    {"field": "结清日期", "old": "（空）", "new": "2025年3月18日"},
                ],
                "effective": _REPLY_CORRECTED,
                "mark": "更正生效后已撤除异议标注",
            },
            {
                "subject": _L8,
                "claim": "2026年6月30日的逾期系银行系统故障所致。",
                "outcome": "确有错误，已予更正",
                "reasons": "经核查，2026年6月30日我行核心系统故障导致批量扣款失败，贵公司扣款账户"
                "当日余额充足，逾期系我行原因所致。",
                "changes": [
                    {"field": "2026年6月还款状态", "old": "逾期1-30天", "new": "正常"},
                    {"field": "逾期金额", "old": "85,300.00元", "new": "0.00元"},
                ],
                "effective": _REPLY_CORRECTED,
                "mark": "更正生效后已撤除异议标注",
            },
            {
                "subject": _L6,
                "claim": "请求删除2025年3月的逾期记录。",
                "outcome": "信息属实，不予修复",
                "reasons": "该笔贷款2025年3月20日应还本息，贵公司于2025年4月28日归还，"
                "报送的逾期记录真实、准确。"
                "理由和依据详见我行《不予修复说明》（示范银征异释〔2026〕7号）。",
                "changes": [],
                "effective": "",
                "mark": "已取消异议标注",
            },
        ],
        avenues=list(_AVENUES_EXAMPLE),
    ),
    "non_malicious_explanation": _example(
        "non_malicious_explanation",
        "示范银征异非〔2026〕3号",
        "二〇二六年十一月二十日",
        "9XVA-4MEH-7QDT",
        overdues=[
            {
                "subject": f"流动资金贷款（业务标识码 {_B8}）",
                "due_on": "2026年6月30日",
                "paid_on": "2026年7月1日",
                "amount": "85,300.00元",
                "shown_as": "逾期1-30天",
            }
        ],
        cause={
            "kind": "我行系统故障",
            "description": "2026年6月30日，我行核心业务系统批量扣款作业发生故障，"
            "当日应自动扣收的贷款本息未能扣收。该公司约定的扣款账户当日余额充足，"
            "系统恢复后我行于2026年7月1日完成扣款。",
            "reference_title": "我行运营管理部《关于6月30日核心系统批量扣款故障的情况通报》",
            "reference_number": "运营事件编号INC-2026-0630-01",
            "reference_excerpt": "6月30日16时至24时，核心系统批量代扣作业异常中止，"
            "自动扣款失败均非客户原因。",
        },
        handling="我行已于2026年11月24日向中国人民银行征信中心报送更正，将该笔贷款2026年6月的还款状态"
        "更正为正常、逾期金额更正为0.00元。",
    ),
    "correction_report": _example(
        "correction_report",
        "示范银征异更〔2026〕9号",
        "二〇二六年十一月二十四日",
        "B6NR-2YKG-8SPC",
        recipient={"name": "中国人民银行征信中心"},
        records=[
            {
                "subject": "企业借贷账户（流动资金贷款）",
                "business_id": _B4,
                "record_type": "412 按段更正",
                "basis": "核心系统还款流水及我行结清证明显示，该笔贷款已于2025年3月18日提前结清，"
                "原报送的账户状态和余额有误。",
            },
            {
                "subject": "企业借贷账户（流动资金贷款）",
                "business_id": _B8,
                "record_type": "412 按段更正",
                "basis": "运营事件INC-2026-0630-01记录及扣款账户流水显示，2026年6月30日扣款失败系"
                "我行系统故障所致，借款人不存在逾期。",
            },
        ],
        changes=[
            _change(_B4, "账户状态", "未结清", "结清"),
            _change(_B4, "余额", "1,200,000.00元", "0.00元"),
            _change(_B4, "结清日期", "（空）", "2025年3月18日"),
            _change(_B8, "2026年6月还款状态", "逾期1-30天", "正常"),
            _change(_B8, "逾期金额", "85,300.00元", "0.00元"),
        ],
        citations=[_CITE_ART25],
        approval={"maker": "李强", "checker": "刘洋", "approved_on": "2026年11月23日"},
        submission={
            "reference": "CR-B0000000000001-20261124-0003",
            "submitted_on": "2026年11月24日",
        },
    ),
}
