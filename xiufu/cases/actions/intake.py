"""Intake: creating the application, its items and materials; submission; formal review with the
one-time supplement notice; acceptance (dispute marks, statutory clock) or rejection at intake."""

from __future__ import annotations

from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xiufu.accounts.choices import Capacity
from xiufu.accounts.permissions import Perm, require
from xiufu.cases import checklists
from xiufu.cases.choices import Channel, IdentityField, RemedyRequested, ReviewVerdict
from xiufu.cases.clock import start_clock
from xiufu.cases.errors import CaseErrorCode
from xiufu.cases.guards import current_round, material_fingerprint
from xiufu.cases.models import (
    Case,
    CaseSequence,
    DisputedItem,
    Material,
    ReviewMark,
    SupplementNotice,
)
from xiufu.cases.transitions import Step, append_event, run_transition
from xiufu.cases.uploads import receive, refuse_duplicate
from xiufu.core.errors import ErrorCode, InvalidInput, NotFound, PermissionDenied
from xiufu.enterprises.actions import find_or_register_person
from xiufu.enterprises.models import Enterprise
from xiufu.evidence import ledger
from xiufu.evidence.materials import check_material_signatures
from xiufu.letters.issuing import issue_for_case
from xiufu.records.selectors import RECORD_KINDS

IDENTITY = "identity"
IDENTITY_FIELDS = tuple(IdentityField.values)


def _next_number(year: int) -> str:
    sequence, _created = CaseSequence.objects.select_for_update().get_or_create(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"YY{year}{sequence.last:06d}"


def _check_item(case: Case, pack: Any, item: dict[str, Any]) -> DisputedItem:
    """Validate one disputed item against the enterprise's records and the rule pack."""
    kind = item.get("record_kind", "")
    category = pack.category(item.get("category", "")) if item.get("category") else None
    if category is None:
        raise InvalidInput(
            CaseErrorCode.UNKNOWN_CATEGORY,
            _("异议类别“%(category)s”不存在。") % {"category": item.get("category", "")},
            details={"field": "items.category"},
        )
    if kind not in category.record_kinds:
        raise InvalidInput(
            CaseErrorCode.UNKNOWN_CATEGORY,
            _("异议类别“%(category)s”不适用于该类记录。") % {"category": category.label},
            details={"field": "items.category", "record_kind": kind},
        )
    remedy = item.get("remedy_requested", RemedyRequested.CORRECT)
    if remedy not in RemedyRequested.values:
        raise InvalidInput(
            ErrorCode.INVALID_INPUT, _("请求的处理方式无效。"), details={"field": "items.remedy"}
        )
    disputed = DisputedItem(
        case=case,
        record_kind=kind,
        category=category.code,
        remedy_requested=remedy,
        claim=str(item.get("claim", ""))[:3000],
    )
    if kind == IDENTITY:
        if item.get("identity_field") not in IDENTITY_FIELDS:
            raise InvalidInput(
                ErrorCode.INVALID_INPUT,
                _("请选择有异议的身份信息项。"),
                details={"field": "items.identity_field", "choices": list(IDENTITY_FIELDS)},
            )
        disputed.identity_field = item["identity_field"]
        return disputed
    record_kind = RECORD_KINDS.get(kind)
    record = (
        record_kind.reported._default_manager.filter(
            pk=item.get("record_id"), enterprise_id=case.enterprise_id
        ).first()
        if record_kind
        else None
    )
    if record is None:
        raise InvalidInput(
            CaseErrorCode.RECORD_NOT_FOUND,
            _("所选记录不存在或不属于该企业。"),
            details={"field": "items.record_id"},
        )
    disputed.record_id, disputed.business_id = record.pk, record.business_id
    return disputed


def _add_items(case: Case, items: list[dict[str, Any]]) -> list[DisputedItem]:
    pack = checklists.pack_of(case)
    created: list[DisputedItem] = []
    for raw in items:
        item = _check_item(case, pack, raw)
        clash = case.items.filter(
            record_kind=item.record_kind,
            record_id=item.record_id,
            identity_field=item.identity_field,
        ).exists()
        if clash or any(
            (c.record_kind, c.record_id, c.identity_field)
            == (item.record_kind, item.record_id, item.identity_field)
            for c in created
        ):
            raise InvalidInput(
                CaseErrorCode.DUPLICATE_ITEM,
                _("同一记录在本申请中只能列一次。"),
                details={"field": "items", "business_id": item.business_id},
            )
        item.save()
        created.append(item)
    return created


def _applicant_fields(actor: Any, channel: str, applicant: dict[str, Any] | None) -> dict[str, Any]:
    if channel == Channel.PORTAL:
        membership = actor.membership
        return {
            "applicant_type": membership.capacity,
            "applicant_person": membership.person,
            "applicant_user": actor,
        }
    if channel == Channel.PROACTIVE:
        return {"applicant_type": ""}
    if not applicant or applicant.get("capacity") not in Capacity.values:
        raise InvalidInput(
            ErrorCode.MISSING_FIELD,
            _("柜面受理须登记申请人身份（法定代表人或经办人）及其证件。"),
            details={"field": "applicant"},
        )
    person = find_or_register_person(actor=actor, field="applicant.person", **applicant["person"])
    return {"applicant_type": applicant["capacity"], "applicant_person": person}


@transaction.atomic
def do_create_case(
    *,
    enterprise_id: int,
    claim: str,
    items: list[dict[str, Any]],
    channel: str = Channel.PORTAL,
    applicant: dict[str, Any] | None = None,
    actor: Any,
) -> Case:
    """Open a draft application: by the enterprise in the portal, by a clerk at the counter, or
    by staff as a proactive correction case."""
    from xiufu.rules.selectors import active_pack

    if channel not in Channel.values:
        raise InvalidInput(ErrorCode.INVALID_INPUT, _("渠道无效。"), details={"field": "channel"})
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
    if channel == Channel.PORTAL:
        if enterprise is None or not getattr(actor, "is_enterprise_user", False):
            raise NotFound(_("未找到该企业。"), what="enterprise")
        if actor.enterprise_id != enterprise.pk:
            raise NotFound(_("未找到该企业。"), what="enterprise")
        if not actor.membership.may_act():
            raise PermissionDenied(_("授权委托书已失效，不能代表企业提出申请。"))
    else:
        require(actor, Perm.OPEN_CASE)
        if enterprise is None:
            raise NotFound(_("未找到该企业。"), what="enterprise")
    if not claim.strip():
        raise InvalidInput(
            ErrorCode.MISSING_FIELD, _("请填写申请事项与理由。"), details={"field": "claim"}
        )
    pack_row, _pack = active_pack()
    case = Case.objects.create(
        number=_next_number(timezone.localdate().year),
        enterprise=enterprise,
        channel=channel,
        claim=claim.strip(),
        rule_pack=pack_row,
        created_by=actor,
        **_applicant_fields(actor, channel, applicant),
    )
    created = _add_items(case, items)
    append_event(
        case,
        event="create",
        from_status="",
        actor=actor,
        payload={"channel": channel, "items": [i.pk for i in created]},
    )
    return case


def do_add_item(case_id: int, *, item: dict[str, Any], expected_version: int, actor: Any) -> Case:
    def effect(case: Case) -> Step:
        added = _add_items(case, [item])
        return Step(payload={"added_item": added[0].pk})

    return run_transition(
        case_id, "edit_draft", actor=actor, expected_version=expected_version, effect=effect
    )


def do_remove_item(case_id: int, *, item_id: int, expected_version: int, actor: Any) -> Case:
    def effect(case: Case) -> Step:
        deleted, _by_model = case.items.filter(pk=item_id).delete()
        if not deleted:
            raise NotFound(_("未找到该异议事项。"), what="item")
        return Step(payload={"removed_item": item_id})

    return run_transition(
        case_id, "edit_draft", actor=actor, expected_version=expected_version, effect=effect
    )


def do_upload_material(
    case_id: int,
    *,
    requirement: str,
    upload: Any,
    replaces: int | None = None,
    expected_version: int | None = None,
    actor: Any,
) -> Material:
    """Attach a file to a checklist requirement (or as other supporting evidence)."""
    created: list[Material] = []

    def effect(case: Case) -> Step:
        pack = checklists.pack_of(case)
        codes = {item.code for item in checklists.checklist_for(case).items}
        if requirement not in codes and requirement != "supporting":
            raise InvalidInput(
                CaseErrorCode.UNKNOWN_REQUIREMENT,
                _("该材料不在本申请的材料清单中。"),
                details={"field": "requirement", "choices": sorted(codes | {"supporting"})},
            )
        limits = pack.uploads
        if case.materials.filter(superseded=False).count() >= limits.max_files_per_case:
            raise InvalidInput(
                "too_many_files",
                ngettext(
                    "每个案件最多上传 %(count)s 个文件。",
                    "每个案件最多上传 %(count)s 个文件。",
                    limits.max_files_per_case,
                )
                % {"count": limits.max_files_per_case},
            )
        received = receive(
            upload, max_bytes=limits.max_file_bytes, allowed=tuple(limits.media_types)
        )
        same = case.materials.filter(sha256=received.sha256, superseded=False).first()
        refuse_duplicate(same.original_name if same else None)
        if replaces is not None:
            old = case.materials.filter(pk=replaces, superseded=False).first()
            if old is None:
                raise NotFound(_("要替换的材料不存在。"), what="material")
            old.superseded = True
            old.save(update_fields=["superseded"])
        # Content-addressed: the same bytes are stored once, under their SHA-256.
        name = f"materials/{received.sha256[:2]}/{received.sha256}"
        if not default_storage.exists(name):
            name = default_storage.save(name, File(upload))
        signatures = check_material_signatures(upload, received.media_type)
        material = Material.objects.create(
            case=case,
            requirement=requirement,
            file=name,
            original_name=str(getattr(upload, "name", "upload"))[-255:],
            media_type=received.media_type,
            size=received.size,
            sha256=received.sha256,
            uploaded_by=actor,
            signature_status=signatures.status.value if signatures else "",
            signature_report=signatures.to_json() if signatures else {},
        )
        material.log_entry = ledger.append(
            ledger.Record(
                kind=ledger.MATERIAL,
                sha256=received.sha256,
                size=received.size,
                media_type=received.media_type,
                case_number=case.number,
                received_at=material.uploaded_at,
            )
        )
        material.save(update_fields=["log_entry"])
        created.append(material)
        return Step(
            payload={"material": material.pk, "requirement": requirement, "sha256": material.sha256}
        )

    run_transition(
        case_id, "upload_material", actor=actor, expected_version=expected_version, effect=effect
    )
    return created[0]


def do_submit_case(case_id: int, *, expected_version: int, actor: Any) -> Case:
    def effect(case: Case) -> Step:
        case.received_on = timezone.localdate()
        return Step(payload={"received_on": case.received_on.isoformat()})

    return run_transition(
        case_id, "submit", actor=actor, expected_version=expected_version, effect=effect
    )


def do_start_review(case_id: int, *, expected_version: int, actor: Any) -> Case:
    return run_transition(case_id, "start_review", actor=actor, expected_version=expected_version)


def do_review_materials(
    case_id: int, *, marks: list[dict[str, str]], expected_version: int, actor: Any
) -> Case:
    """Record the clerk's verdict (ok / missing / defective with a reason) per checklist item."""

    def effect(case: Case) -> Step:
        checklist = checklists.checklist_for(case)
        codes = {item.code for item in checklist.items}
        optional = {item.code for item in checklist.items if not item.mandatory}
        round_no = current_round(case)
        for mark in marks:
            code, verdict = mark.get("requirement", ""), mark.get("verdict", "")
            reason = str(mark.get("reason", "")).strip()
            if code not in codes:
                raise InvalidInput(
                    CaseErrorCode.UNKNOWN_REQUIREMENT,
                    _("“%(requirement)s”不在本申请的材料清单中。") % {"requirement": code},
                    details={"field": "marks.requirement", "choices": sorted(codes)},
                )
            if verdict not in ReviewVerdict.values:
                raise InvalidInput(
                    ErrorCode.INVALID_INPUT, _("审核结论无效。"), details={"field": "marks.verdict"}
                )
            if verdict == ReviewVerdict.MISSING and code in optional:
                # Supporting evidence is recommended, not required: its absence never blocks.
                raise InvalidInput(
                    CaseErrorCode.OPTIONAL_MATERIAL,
                    _("补充证明材料为建议提供，缺少时不得要求补正或拒绝受理。"),
                    details={"field": "marks.verdict", "requirement": code},
                )
            if verdict != ReviewVerdict.OK and not reason:
                raise InvalidInput(
                    CaseErrorCode.REASON_REQUIRED,
                    _("缺失或不合规的材料须写明原因及应如何补正。"),
                    details={"field": "marks.reason", "requirement": code},
                )
            ReviewMark.objects.update_or_create(
                case=case,
                round=round_no,
                requirement=code,
                defaults={
                    "verdict": verdict,
                    "reason": reason[:500],
                    "fingerprint": material_fingerprint(case, code),
                    "reviewed_by": actor,
                },
            )
        from xiufu.cases.guards import GUARDS

        GUARDS["one_time_supplement"](case, actor, "")
        return Step(payload={"round": round_no, "marks": marks}, rule_ids=list(checklist.rule_ids))

    return run_transition(
        case_id, "review_materials", actor=actor, expected_version=expected_version, effect=effect
    )


def do_request_supplement(case_id: int, *, expected_version: int, actor: Any) -> Case:
    """Issue the ONE supplement notice of this round, listing every defect at once."""

    def effect(case: Case) -> Step:
        round_no = current_round(case)
        checklist = {item.code: item for item in checklists.checklist_for(case).items}
        defects = [
            {
                "requirement": mark.requirement,
                "label": checklist[mark.requirement].label,
                "verdict": mark.verdict,
                "reason": mark.reason,
                "what_to_provide": checklist[mark.requirement].description,
                "rule_id": checklist[mark.requirement].rule_id,
            }
            for mark in case.review_marks.filter(round=round_no).exclude(verdict=ReviewVerdict.OK)
        ]
        rule_ids = [d["rule_id"] for d in defects]
        SupplementNotice.objects.create(
            case=case, round=round_no, defects=defects, rule_ids=rule_ids, issued_by=actor
        )
        case.supplement_rounds = round_no
        letter = issue_for_case(case, "supplement_notice", actor=actor)
        return Step(
            payload={"round": round_no, "defects": defects, "letter": letter.number},
            rule_ids=rule_ids,
        )

    return run_transition(
        case_id, "request_supplement", actor=actor, expected_version=expected_version, effect=effect
    )


def do_submit_supplement(case_id: int, *, expected_version: int, actor: Any) -> Case:
    """The enterprise has uploaded what the notice asked for: back to formal review."""

    def effect(case: Case) -> Step:
        case.received_on = timezone.localdate()
        return Step(payload={"received_on": case.received_on.isoformat()})

    return run_transition(
        case_id, "supplement", actor=actor, expected_version=expected_version, effect=effect
    )


def do_accept_case(case_id: int, *, expected_version: int, actor: Any) -> Case:
    """Accept: every item gets its dispute mark and the statutory clock starts (条例 Art. 25)."""

    def effect(case: Case) -> Step:
        case.items.update(dispute_marked=True)
        clock = start_clock(case)
        letter = issue_for_case(case, "acceptance_receipt", actor=actor)
        return Step(
            payload={"clock": clock.payload, "letter": letter.number}, rule_ids=clock.rule_ids
        )

    return run_transition(
        case_id, "accept", actor=actor, expected_version=expected_version, effect=effect
    )


def do_reject_case(
    case_id: int, *, ground: str, reason: str, expected_version: int, actor: Any
) -> Case:
    """Reject at intake on a ground the rule pack lists, with the reason told to the applicant."""

    def effect(case: Case) -> Step:
        grounds = {g.code: g for g in checklists.pack_of(case).intake_grounds()}
        chosen = grounds.get(ground)
        if chosen is None:
            raise InvalidInput(
                CaseErrorCode.UNKNOWN_INTAKE_GROUND,
                _("不予受理的理由须为规则包所列情形之一。"),
                details={"field": "ground", "choices": sorted(grounds)},
            )
        case.items.update(outcome="rejected", dispute_marked=False)
        case.outcome = "rejected"
        letter = issue_for_case(case, "rejection_notice", actor=actor, ground=ground, reason=reason)
        return Step(payload={"ground": ground, "letter": letter.number}, rule_ids=[chosen.id])

    return run_transition(
        case_id,
        "reject_at_intake",
        actor=actor,
        expected_version=expected_version,
        effect=effect,
        reason=reason,
    )
