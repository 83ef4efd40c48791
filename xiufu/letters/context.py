"""The data a letter is filled with, built from the case and its rule pack (xiufu/letters/fields.py
is the contract). Everything legal (deadlines, avenues, citations, finding texts, material
descriptions) comes from the case's own rule pack version; nothing here is a legal literal.

``build(kind, case)`` returns the context without its ``letter`` part (number, date and code are
given when the letter is issued) and the rule ids it used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import timezone

from xiufu.cases.checklists import checklist_for, pack_of
from xiufu.cases.choices import Finding, IdentityField, ItemOutcome, ProposalDecision
from xiufu.cases.models import Case, DisputedItem
from xiufu.core.errors import InvalidInput
from xiufu.letters.errors import LetterErrorCode
from xiufu.records.selectors import RECORD_KINDS

Context = dict[str, Any]
Builder = Callable[[Case, Any], tuple[Context, list[str]]]

OUTCOME_TEXT = {
    ItemOutcome.CORRECTED: "已更正",
    ItemOutcome.NO_ERROR: "信息无误",
    ItemOutcome.UNDETERMINED: "暂无法确认，已予记载",
    ItemOutcome.NOT_REPAIRABLE: "信息属实，不予修复",
}
MARK_TEXT = {"cancel": "已取消异议标注", "keep": "异议标注保留"}


def arabic_date(day: dt.date | dt.datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = timezone.localdate(day)
    return f"{day.year}年{day.month}月{day.day}日"


def _citation(citation: Any) -> str:
    instrument = str(getattr(citation, "instrument", "") or "")
    article = str(getattr(citation, "article", "") or "")
    if instrument and not instrument.startswith("《"):
        instrument = f"《{instrument}》"
    return f"{instrument}{article}"


def _identity_label(item: DisputedItem) -> str:
    try:
        return str(IdentityField(item.identity_field).label)
    except ValueError:
        return item.identity_field


def _record_ref(item: DisputedItem) -> str:
    """The business id of a record, or for an identity item the field disputed."""
    return item.business_id or f"企业基本信息·{_identity_label(item)}"


def _subject(item: DisputedItem) -> str:
    if not item.business_id:
        return f"企业基本信息（{_identity_label(item)}）"
    kind = RECORD_KINDS.get(item.record_kind)
    label = str(kind.label) if kind else item.record_kind
    return f"{label}（业务标识码 {item.business_id}）"


def _common(case: Case) -> Context:
    enterprise = case.enterprise
    return {
        "institution": {
            "name": settings.FURNISHER_NAME,
            "department": settings.LETTER_DEPARTMENT,
            "address": settings.LETTER_ADDRESS,
            "phone": settings.LETTER_PHONE,
        },
        "addressee": {"name": enterprise.name, "uscc": enterprise.uscc},
        "case": {
            "number": case.number,
            "submitted_on": arabic_date(getattr(case, "submitted_at", None) or case.created_at),
            "received_on": arabic_date(case.received_on),
            "due_on": arabic_date(case.due_on),
            "claim": case.claim,
        },
    }


def _clock(pack: Any) -> tuple[Context, list[str]]:
    rule = pack.reply_deadline()
    return {
        "clock": {
            "length": f"{rule.length}{rule.unit_label}",
            "start": str(rule.label) if not rule.start_event else _start_text(rule),
            "citation": _citation(rule.citation),
        }
    }, [rule.id]


def _start_text(rule: Any) -> str:
    return {"application_complete": "收到齐备申请之日", "received": "收到申请之日"}.get(
        rule.start_event, str(rule.text)
    )


def _avenues(pack: Any) -> tuple[list[Context], list[str]]:
    avenues = [
        {
            "label": a.label,
            "where": a.where,
            "how": a.how,
            "deadline": a.deadline_text,
            "citation": _citation(a.citation),
        }
        for a in pack.other_avenues()
    ]
    return avenues, [a.id for a in pack.other_avenues()]


def _citations(pack: Any, rule_ids: list[str]) -> list[Context]:
    seen: dict[str, Context] = {}
    for rule_id in rule_ids:
        if not pack.has_rule(rule_id):
            continue
        rule = pack.rule(rule_id)
        for citation in (rule.citation, *rule.also):
            text = _citation(citation)
            if text and text not in seen and getattr(citation, "article", ""):
                instrument = str(citation.instrument)
                if not instrument.startswith("《"):
                    instrument = f"《{instrument}》"
                seen[text] = {"instrument": instrument, "article": citation.article, "text": ""}
    return list(seen.values())


def _marked_on(case: Case) -> str:
    accepted = getattr(case, "accepted_at", None) or timezone.now()
    return f"已作异议标注（{arabic_date(accepted)}）"


# --- the kinds ---------------------------------------------------------------------------------


def _acceptance(case: Case, pack: Any) -> tuple[Context, list[str]]:
    clock, rule_ids = _clock(pack)
    items = []
    for item in case.items.all():
        category = pack.category(item.category)
        items.append(
            {
                "subject": _subject(item),
                "category": category.label if category else item.category,
                "claim": item.claim or case.claim,
                "mark": _marked_on(case),
            }
        )
        if category:
            rule_ids.append(category.id)
    labels = {i.code: i.label for i in checklist_for(case).items}
    materials = [
        {"label": labels.get(m.requirement, "其他证明材料"), "note": m.original_name}
        for m in case.materials.filter(superseded=False)
    ]
    return {**clock, "items": items, "materials": materials}, rule_ids


def _supplement(case: Case, pack: Any) -> tuple[Context, list[str]]:
    clock, rule_ids = _clock(pack)
    notice = case.supplement_notices.order_by("-round").first()
    if notice is None:
        raise InvalidInput(LetterErrorCode.NOT_APPLICABLE, "本案没有补正告知。")
    defects = [
        {
            "material": d["label"],
            "problem": ("缺失" if d["verdict"] == "missing" else "不符合要求")
            + (f"：{d['reason']}" if d.get("reason") else ""),
            "requirement": d.get("what_to_provide") or d["label"],
        }
        for d in notice.defects
    ]
    still = next((g for g in pack.intake_grounds() if g.code == "still_incomplete"), None)
    deadline = timezone.localdate() + dt.timedelta(days=settings.LETTER_SUPPLEMENT_DAYS)
    context = {
        **clock,
        "defects": defects,
        "supplement": {
            "deadline": arabic_date(deadline),
            "how": "登录企业门户，在本申请的“需补正材料”处上传，或携带材料到我行网点柜台提交",
            "consequence": still.text if still else "",
            "citation": _citation(pack.supplement.citation),
        },
    }
    return context, [*rule_ids, pack.supplement.id, *notice.rule_ids]


def _rejection(
    case: Case, pack: Any, *, ground: str = "", reason: str = ""
) -> tuple[Context, list[str]]:
    chosen = next((g for g in pack.intake_grounds() if g.code == ground), None)
    if chosen is None:
        raise InvalidInput(LetterErrorCode.NOT_APPLICABLE, "本案未作不予受理决定。")
    avenues, rule_ids = _avenues(pack)
    return {
        "grounds": [
            {
                "label": chosen.label,
                "detail": reason or chosen.text,
                "citation": _citation(chosen.citation),
            }
        ],
        "avenues": avenues,
    }, [chosen.id, *rule_ids]


def _non_repair(case: Case, pack: Any) -> tuple[Context, list[str]]:
    explanation = case.non_repair.order_by("-pk").first()
    if explanation is None:
        raise InvalidInput(LetterErrorCode.NOT_APPLICABLE, "本案没有不予修复的事项。")
    items_by_pk = {i.pk: i for i in case.items.all()}
    items, rule_ids = [], list(explanation.rule_ids)
    for entry in explanation.items:
        item = items_by_pk.get(entry["item"])
        finding = pack.finding(entry["finding"]) if entry.get("finding") else None
        items.append(
            {
                "subject": _subject(item) if item else entry["business_id"],
                "claim": (item.claim if item else "") or case.claim,
                "finding": finding.label if finding else entry.get("finding_label", ""),
                "reasons": entry.get("reasons") or entry.get("verification_result", ""),
                "rule": "；".join(r["explanation"] for r in entry.get("rules", [])),
                "citation": _citation(finding.citation) if finding else "",
                "mark": MARK_TEXT.get(finding.mark, "") if finding else "",
            }
        )
    avenues, avenue_ids = _avenues(pack)
    rule_ids += avenue_ids
    return {
        "items": items,
        "citations": _citations(pack, rule_ids),
        "avenues": avenues,
    }, rule_ids


def _field_label(item: DisputedItem, name: str) -> str:
    kind = RECORD_KINDS.get(item.record_kind)
    if kind is None:
        return name
    try:
        return str(kind.reported._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _reply(case: Case, pack: Any) -> tuple[Context, list[str]]:
    clock, rule_ids = _clock(pack)
    items = []
    for item in case.items.all():
        approved = item.proposals.filter(decision=ProposalDecision.APPROVED).first()
        finding = pack.finding(item.finding) if item.finding else None
        corrected = item.outcome == ItemOutcome.CORRECTED
        items.append(
            {
                "subject": _subject(item),
                "claim": item.claim or case.claim,
                "outcome": OUTCOME_TEXT.get(ItemOutcome(item.outcome), item.outcome)
                if item.outcome
                else "",
                "reasons": item.finding_reasons
                or item.verification_result
                or (finding.reply_text if finding else ""),
                "changes": [
                    {
                        "field": _field_label(item, c.get("field", "")),
                        "old": "" if c.get("old") is None else str(c.get("old")),
                        "new": "" if c.get("new") is None else str(c.get("new")),
                    }
                    for c in (approved.changes if approved else [])
                ],
                "effective": "更正经征信中心确认后，信用报告即显示更正后的信息"
                if corrected
                else "",
                "mark": "更正生效后已撤除异议标注"
                if corrected
                else (MARK_TEXT.get(finding.mark, "") if finding else ""),
            }
        )
        rule_ids += list(item.finding_rule_ids)
    avenues, avenue_ids = _avenues(pack)
    return {**clock, "items": items, "avenues": avenues}, rule_ids + avenue_ids


def _correction_report(case: Case, pack: Any) -> tuple[Context, list[str]]:
    records, changes, rule_ids = [], [], []
    maker = checker = ""
    approved_on = None
    for item in case.items.all():
        proposal = item.proposals.filter(decision=ProposalDecision.APPROVED).first()
        if proposal is None:
            continue
        category = pack.category(item.category)
        record_types = getattr(getattr(category, "remedy", None), "record_types", ()) or ()
        records.append(
            {
                "subject": _subject(item),
                "business_id": _record_ref(item),
                "record_type": " / ".join(f"{r.code} {r.label}" for r in record_types)
                or proposal.get_action_display(),
                "basis": item.finding_reasons or item.verification_result,
            }
        )
        for c in proposal.changes:
            changes.append(
                {
                    "record": _record_ref(item),
                    "field": _field_label(item, c.get("field", "")),
                    "old": "" if c.get("old") is None else str(c.get("old")),
                    "new": "" if c.get("new") is None else str(c.get("new")),
                }
            )
        maker = str(proposal.proposed_by)
        checker = str(proposal.decided_by) if proposal.decided_by else ""
        approved_on = proposal.decided_at
        rule_ids += list(item.finding_rule_ids)
        if category:
            rule_ids.append(category.remedy.id)
    submission = case.submissions.order_by("-submitted_at").first()
    return {
        "recipient": {"name": settings.BUREAU_NAME},
        "records": records,
        "changes": changes,
        "citations": _citations(pack, rule_ids),
        "approval": {"maker": maker, "checker": checker, "approved_on": arabic_date(approved_on)},
        "submission": {
            "reference": submission.reference if submission else "",
            "submitted_on": arabic_date(submission.submitted_at) if submission else "",
        },
    }, rule_ids


BUILDERS: dict[str, Builder] = {
    "acceptance_receipt": _acceptance,
    "supplement_notice": _supplement,
    "non_repair_notice": _non_repair,
    "reply_letter": _reply,
    "correction_report": _correction_report,
}


def build(kind: str, case: Case, **extra: Any) -> tuple[Context, list[str]]:
    """The context of a letter of ``kind`` about ``case`` (without ``letter``), and the rule ids
    it relies on. ``extra`` parts (the non-malicious explanation's cause, say) are laid over it."""
    pack = pack_of(case)
    common = _common(case)
    if kind == "non_malicious_explanation":
        part, rule_ids = _non_malicious(case, extra)
    elif kind == "rejection_notice":
        part, rule_ids = _rejection(case, pack, **extra)
    else:
        part, rule_ids = BUILDERS[kind](case, pack)
    context = {**common, **part}
    context["case"] = {**common["case"], **part.get("case", {})}
    return context, sorted(set(rule_ids))


def _non_malicious(case: Case, extra: dict[str, Any]) -> tuple[Context, list[str]]:
    """Given by the investigator: which overdues, and the cause (an outage, a deferral policy)."""
    return {
        "overdues": extra.get("overdues", []),
        "cause": extra.get("cause", {}),
        "handling": extra.get("handling", ""),
    }, []


def finding_mark(code: str) -> str:
    return MARK_TEXT.get(code, "")


__all__ = ["BUILDERS", "Finding", "arabic_date", "build"]
