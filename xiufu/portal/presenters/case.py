"""One case as the enterprise sees it: status and clock, checklist with uploads, supplement
notice, timeline, outcome with the other avenues, and the rating."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from xiufu.cases import presenters as case_presenters
from xiufu.cases import workflow
from xiufu.cases.actions.intake import IDENTITY
from xiufu.cases.checklists import checklist_for, pack_of
from xiufu.cases.choices import CaseStatus, ItemOutcome, RemedyRequested, ReviewVerdict
from xiufu.cases.models import Case
from xiufu.portal.presenters.common import SUPPORTING, days_left_text, identity_field_labels


def _event_label(event: str) -> str:
    if event == "create":
        return _("创建申请")
    transition = workflow.BY_EVENT.get(event)
    return transition.label if transition else event


def _timeline(case: Case) -> list[dict[str, Any]]:
    events = case.events.select_related("actor").order_by("seq")
    rows = []
    for e in events:
        data = case_presenters.event(e, internal=False)
        data["label"] = _event_label(e.event)
        rows.append(data)
    return rows


def _item_rows(items: list[dict[str, Any]], pack: Any) -> list[dict[str, Any]]:
    kinds = {k.code: k.label for k in pack.record_kinds}
    categories = {c.code: c.label for c in pack.categories}
    fields = identity_field_labels()
    rows = []
    for item in items:
        what = (
            fields.get(item["identity_field"], item["identity_field"])
            if item["record_kind"] == IDENTITY
            else item["business_id"]
        )
        rows.append(
            {
                **item,
                "kind_label": kinds.get(item["record_kind"], item["record_kind"]),
                "what": what,
                "category_label": categories.get(item["category"], item["category"]),
                "remedy_label": RemedyRequested(item["remedy_requested"]).label,
                "outcome_label": ItemOutcome(item["outcome"]).label if item["outcome"] else "",
            }
        )
    return rows


def _requirements(
    case: Case, materials: list[Any], uploadable: set[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The checklist in its order, each with the files already uploaded for it."""
    by_code: dict[str, list[Any]] = {}
    for material in materials:
        by_code.setdefault(material.requirement, []).append(material)
    mandatory: list[dict[str, Any]] = []
    optional: list[dict[str, Any]] = []
    for item in checklist_for(case).items:
        entry = {
            "code": item.code,
            "label": item.label,
            "description": item.description,
            "mandatory": item.mandatory,
            "conditions": item.conditions,
            "because": "、".join(r.label for r in item.because),
            "citation": str(item.citation),
            "files": by_code.pop(item.code, []),
            "upload": item.code in uploadable,
        }
        (mandatory if item.mandatory else optional).append(entry)
    others = [m for files in by_code.values() for m in files]
    if others or SUPPORTING in uploadable:
        optional.append(
            {
                "code": SUPPORTING,
                "label": _("其他补充材料"),
                "description": _("清单以外、您认为有助于说明情况的其他材料（可选）。"),
                "mandatory": False,
                "conditions": (),
                "because": "",
                "citation": "",
                "files": others,
                "upload": SUPPORTING in uploadable,
            }
        )
    return mandatory, optional


def _notice(data: dict[str, Any]) -> dict[str, Any] | None:
    notices = data["supplement_notices"]
    if not notices:
        return None
    notice = dict(notices[-1])
    notice["defects"] = [
        {**d, "verdict_label": ReviewVerdict(d["verdict"]).label} for d in notice["defects"]
    ]
    return notice


def _uploadable(case: Case, allowed: set[str], notice: dict[str, Any] | None) -> set[str]:
    """Which requirements get an upload form: all of them while drafting; while supplementing,
    only those the supplement notice lists."""
    if "upload_material" not in allowed:
        return set()
    if case.status == CaseStatus.DRAFT:
        return {item.code for item in checklist_for(case).items} | {SUPPORTING}
    if case.status == CaseStatus.AWAITING_SUPPLEMENT and notice is not None:
        return {d["requirement"] for d in notice["defects"]}
    return set()


def _rating(case: Case) -> Any:
    from xiufu.cases.models import SatisfactionRating

    return SatisfactionRating.objects.filter(case=case).first()


def case_page(case: Case, user: Any, *, uploaded_for: str = "") -> dict[str, Any]:
    """Everything the enterprise's case page shows, in the enterprise's view of the case.

    ``uploaded_for``: the requirement an in-place (htmx) upload was for; its outcome is shown
    beside that requirement, or at the top when the requirement has no block on the page.
    """
    data = case_presenters.detail(case, user)
    pack = pack_of(case)
    allowed = set(data["allowed_events"])
    notice = _notice(data) if case.status == CaseStatus.AWAITING_SUPPLEMENT else None
    materials = [m for m in data["materials"] if not m.superseded]
    mandatory, optional = _requirements(case, materials, _uploadable(case, allowed, notice))
    shown = {r["code"] for r in [*mandatory, *optional]}
    rating = _rating(case)
    return {
        "case": case,
        "requirement_groups": [
            {"title": _("必须提交的材料"), "requirements": mandatory},
            {"title": _("建议提供的材料"), "requirements": optional},
        ],
        "accept": ",".join(pack.uploads.media_types),
        "messages_at": uploaded_for if uploaded_for in shown else "top",
        "score_choices": range(1, 6),
        "data": data,
        "clock": data["clock"],
        "days_text": days_left_text(data["clock"]),
        "applicant_label": _applicant_label(pack, case.applicant_type),
        "items": _item_rows(data["items"], pack),
        "mandatory": mandatory,
        "optional": optional,
        "missing_mandatory": [r for r in mandatory if not r["files"]],
        "upload_limits": pack.uploads,
        "notice": notice,
        "timeline": _timeline(case),
        "outcome_label": _outcome_label(case),
        "non_repair": data["non_repair"] if case.replied_at else None,
        "can_submit": "submit" in allowed,
        "can_supplement": "supplement" in allowed,
        "can_withdraw": "withdraw" in allowed,
        "letters": list(case.letters.all()),
        "can_rate": "rate" in allowed and rating is None,
        "rating": rating,
    }


def _applicant_label(pack: Any, applicant_type: str) -> str:
    for applicant in pack.applicant_types:
        if applicant.code == applicant_type:
            return str(applicant.label)
    return ""


def _outcome_label(case: Case) -> str:
    from xiufu.cases.choices import CaseOutcome

    return str(CaseOutcome(case.outcome).label) if case.outcome else ""
