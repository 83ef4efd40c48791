"""The case page: everything one case shows to a member of staff, and the forms of exactly the
events this person may trigger now (``selectors.events_for_actor``).

Reading the page is reading the enterprise's credit data: the case read is logged
(``presenters.log_case_read``), and so is the live read of a record beside its ledger truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from xiufu.accounts.choices import Capacity, Role
from xiufu.accounts.models import User
from xiufu.accounts.permissions import Perm, has_perm
from xiufu.audit.choices import AccessChannel
from xiufu.bureau.adapters import ADAPTERS
from xiufu.bureau.models import OutboxMessage, OutboxStatus
from xiufu.cases import presenters, selectors, workflow
from xiufu.cases.checklists import checklist_for, pack_of
from xiufu.cases.choices import (
    CaseOutcome,
    CaseStatus,
    Channel,
    Department,
    Finding,
    ItemOutcome,
    RemedyRequested,
    ReviewVerdict,
    SubmissionStatus,
    TaskStatus,
)
from xiufu.cases.guards import current_round
from xiufu.cases.models import Case, DisputedItem, Material
from xiufu.desk import display
from xiufu.desk import forms as f
from xiufu.desk.items import (
    CompareRow,
    ProposalView,
    comparison,
    model_of,
    proposal_target,
    proposal_view,
)
from xiufu.desk.operations import OPERATIONS, offered
from xiufu.desk.selectors import reported_beside_ledger
from xiufu.records.selectors import RECORD_KINDS
from xiufu.rules.engine import UnknownRule

# Before a finding, the investigator sees the record beside the ledger read live in these states.
LIVE_COMPARISON_STATES = (CaseStatus.ACCEPTED, CaseStatus.UNDER_INVESTIGATION, CaseStatus.REOPENED)
SUPPORTING = "supporting"


@dataclass(frozen=True)
class Bound:
    """The form a person posted and that failed: drawn again with what they typed."""

    key: str
    data: Any
    files: Any = None


@dataclass
class MaterialView:
    material: Material
    requirement_label: str
    media_label: str
    preview: str
    uploaded_by: str
    signature_label: str = ""
    signature_class: str = ""
    # The same file in cases of other enterprises (recycled evidence).
    recycled: list[selectors.RecycledUse] = field(default_factory=list)


@dataclass
class ItemView:
    item: DisputedItem
    kind_label: str
    subject: str
    category_label: str
    remedy_label: str
    finding_label: str
    outcome_label: str
    comparison: list[CompareRow] | None = None
    comparison_live: bool = False
    has_ledger: bool = False
    reported: dict[str, Any] = field(default_factory=dict)
    finding_form: f.FindingForm | None = None
    proposals: list[ProposalView] = field(default_factory=list)


@dataclass
class ReviewRow:
    code: str
    label: str
    description: str
    rule_id: str
    materials: list[MaterialView]
    verdict: Any = None
    reason: Any = None
    mark: Any = None


def case_page(actor: Any, case_id: int, *, bound: Bound | None = None) -> dict[str, Any]:
    """The template context of the case page (the case read is logged)."""
    case = selectors.get_case(actor, case_id)
    presenters.log_case_read(actor, case, channel=AccessChannel.PAGE)
    return _Page(actor, case, selectors.events_for_actor(actor, case), bound).context()


class _Page:
    def __init__(self, actor: Any, case: Case, events: list[str], bound: Bound | None) -> None:
        self.actor, self.case, self.events, self.bound = actor, case, events, bound
        self.ops = {key for key in OPERATIONS if offered(key, actor, case, events)}
        self.pack = pack_of(case)
        self.items = list(case.items.all())
        self.checklist = checklist_for(case)
        self.people = self._people()
        self.labels = {c.code: c.label for c in self.checklist.items}
        self.labels[SUPPORTING] = _("其他证明材料")
        self.recycled = selectors.recycled_materials(case)
        self.materials = [self._material(m) for m in case.materials.all()]
        self.rule_choices = [
            (r, f"{r} {getattr(self.pack.rule(r), 'label', '')}".strip())
            for r in self.pack.rule_ids()
        ]

    # -- helpers ---------------------------------------------------------------------------

    def _people(self) -> dict[int, str]:
        case = self.case
        ids: set[int | None] = {m.uploaded_by_id for m in case.materials.all()}
        for item in self.items:
            for p in item.proposals.all():
                ids |= {p.proposed_by_id, p.decided_by_id}
        for t in case.tasks.all():
            ids |= {t.assignee_id, t.answered_by_id, t.created_by_id}
        ids |= {s.submitted_by_id for s in case.submissions.all()}
        found = User.objects.in_bulk([i for i in ids if i is not None])
        return {pk: str(user) for pk, user in found.items()}

    def _name(self, user_id: int | None) -> str:
        if user_id is None:
            return _("系统")
        return self.people.get(user_id, str(user_id))

    def form(self, key: str, cls: type, match: tuple[str, int] | None = None, **kwargs: Any) -> Any:
        """The form of one operation if this person may trigger it now, bound to what they
        posted if that was this form and it failed."""
        if key not in self.ops:
            return None
        bound = self.bound
        data = files = None
        if (
            bound is not None
            and bound.key == key
            and (match is None or bound.data.get(match[0]) == str(match[1]))
        ):
            data, files = bound.data, bound.files
        suffix = f"{key}_{match[1]}" if match else key
        form = cls(data, files, auto_id=f"id_{suffix}_%s", **kwargs)
        if data is not None:
            form.is_valid()
        return form

    def _material(self, material: Material) -> MaterialView:
        return MaterialView(
            material=material,
            requirement_label=self.labels.get(material.requirement, material.requirement),
            media_label=display.media_label(material.media_type),
            preview=display.preview_kind(material.media_type),
            uploaded_by=self._name(material.uploaded_by_id),
            signature_label=display.signature_label(material.signature_status)[0],
            signature_class=display.signature_label(material.signature_status)[1],
            recycled=self.recycled.get(material.pk, []),
        )

    def _category_label(self, code: str) -> str:
        try:
            return str(self.pack.category(code).label)
        except UnknownRule:
            return code

    def _kind_label(self, code: str) -> str:
        return next((k.label for k in self.pack.record_kinds if k.code == code), code)

    # -- sections --------------------------------------------------------------------------

    def parties(self) -> dict[str, Any]:
        case = self.case
        applicant = (
            Capacity(case.applicant_type).label
            if case.applicant_type in Capacity.values
            else _("无（机构主动纠错）")
        )
        return {
            "enterprise": case.enterprise,
            "applicant_type": applicant,
            "channel": Channel(case.channel).label,
            "investigator": str(case.investigator) if case.investigator else _("未分配"),
            "rule_pack": f"{self.pack.title}（{case.rule_pack.version}）",
            "outcome": CaseOutcome(case.outcome).label if case.outcome else "",
        }

    def item_views(self) -> list[ItemView]:
        return [self._item(item) for item in self.items]

    def _item(self, item: DisputedItem) -> ItemView:
        model = model_of(item.record_kind)
        subject = item.business_id or display.field_label(model, item.identity_field)
        view = ItemView(
            item=item,
            kind_label=self._kind_label(item.record_kind),
            subject=subject,
            category_label=self._category_label(item.category),
            remedy_label=str(RemedyRequested(item.remedy_requested).label),
            finding_label=str(Finding(item.finding).label) if item.finding else "",
            outcome_label=str(ItemOutcome(item.outcome).label) if item.outcome else "",
            proposals=[proposal_view(p, model, self._name) for p in item.proposals.all()],
        )
        self._compare(view, model)
        view.finding_form = self.form(
            "record_finding",
            f.FindingForm,
            match=("item_id", item.pk),
            rules=self.rule_choices,
            initial=self._finding_initial(item),
        )
        return view

    def _finding_initial(self, item: DisputedItem) -> dict[str, Any]:
        own = self.pack.finding(item.finding).id if item.finding else None
        return {
            "item_id": item.pk,
            "finding": item.finding,
            "reasons": item.finding_reasons,
            "evidence": "\n".join(item.evidence_relied),
            "verification_result": item.verification_result,
            "rule_ids": [r for r in item.finding_rule_ids if r != own],
        }

    def _compare(self, view: ItemView, model: type[models.Model] | None) -> None:
        """The reported value beside the ledger truth, for staff who may see the ledger: as
        stored with the finding, or (before one) read live for the investigator."""
        item, actor = view.item, self.actor
        if item.record_kind not in RECORD_KINDS or not has_perm(actor, Perm.VIEW_LEDGER):
            return
        if item.finding:
            reported, ledger = item.reported_value, item.ledger_value
        elif Role.INVESTIGATOR in actor.roles and self.case.status in LIVE_COMPARISON_STATES:
            reported, ledger = reported_beside_ledger(actor, item)
            view.comparison_live = True
        else:
            return
        view.has_ledger, view.reported = bool(ledger), reported
        view.comparison = comparison(model, reported, ledger)

    def review(self) -> dict[str, Any] | None:
        """The formal-review checklist: one row per mandatory requirement with its materials."""
        items = self.checklist.items
        if not items and "review_materials" not in self.ops:
            return None
        round_no = current_round(self.case)
        marks = {m.requirement: m for m in self.case.review_marks.all() if m.round == round_no}
        mandatory = [i for i in items if i.mandatory]
        initial: dict[str, Any] = {}
        for code, mark in marks.items():
            initial |= {f"verdict_{code}": mark.verdict, f"reason_{code}": mark.reason}
        form = self.form(
            "review_materials",
            f.ReviewForm,
            requirements=[(i.code, i.label) for i in mandatory],
            initial=initial,
        )
        rows = []
        for item in mandatory:
            row = ReviewRow(
                code=item.code,
                label=item.label,
                description=item.description,
                rule_id=item.rule_id,
                materials=self._current_materials(item.code),
                mark=marks.get(item.code),
            )
            if form is not None:
                row.verdict, row.reason = form[f"verdict_{item.code}"], form[f"reason_{item.code}"]
            rows.append(row)
        optional = [
            {"label": i.label, "materials": self._current_materials(i.code)}
            for i in items
            if not i.mandatory
        ]
        return {
            "round": round_no,
            "form": form,
            "rows": rows,
            "optional": optional,
            "verdicts": dict(ReviewVerdict.choices),
            "explanation": getattr(self.checklist, "explanation", ""),
        }

    def _current_materials(self, code: str) -> list[MaterialView]:
        return [
            m
            for m in self.materials
            if m.material.requirement == code and not m.material.superseded
        ]

    def tasks(self) -> list[dict[str, Any]]:
        today = timezone.localdate()
        return [
            {
                "task": t,
                "department": Department(t.department).label,
                "status": TaskStatus(t.status).label,
                "overdue": t.status == TaskStatus.OPEN and t.due_on < today,
                "assignee": self._name(t.assignee_id) if t.assignee_id else "",
                "answered_by": self._name(t.answered_by_id) if t.answered_by_id else "",
                "form": self.form(
                    "answer_coordination_task",
                    f.AnswerForm,
                    match=("task_id", t.pk),
                    initial={"task_id": t.pk},
                )
                if t.status == TaskStatus.OPEN
                else None,
            }
            for t in self.case.tasks.all()
        ]

    def proposal_form(self) -> f.ProposalForm | None:
        targets = [self._target(i) for i in self.items if i.finding == Finding.ERROR_CONFIRMED]
        return self.form("propose_correction", f.ProposalForm, targets=targets)

    def _target(self, item: DisputedItem) -> f.ProposalTarget:
        subject = item.business_id or item.identity_field
        return proposal_target(item, f"{self._kind_label(item.record_kind)} {subject}")

    def explanation_form(self, items: list[ItemView]) -> f.ExplanationForm | None:
        """The 非恶意逾期情况说明, a row prefilled from each disputed loan as reported."""
        rows = [
            f.overdue_initial(v.item, v.reported) for v in items if v.item.record_kind == "loans"
        ]
        return self.form("issue_non_malicious_explanation", f.ExplanationForm, rows=rows)

    def submissions(self) -> list[dict[str, Any]]:
        return [
            {
                "submission": s,
                "status": SubmissionStatus(s.status).label,
                "adapter": ADAPTERS[s.adapter].label if s.adapter in ADAPTERS else s.adapter,
                "submitted_by": self._name(s.submitted_by_id),
                "parked": s.status == SubmissionStatus.PARKED,
                "retry_form": self.form(
                    "retry_bureau_messages",
                    f.RetryForm,
                    match=("submission_id", s.pk),
                    initial={"submission_id": s.pk},
                )
                if s.status == SubmissionStatus.PARKED
                else None,
            }
            for s in self.case.submissions.all()
        ]

    def feedback_form(self) -> f.FeedbackForm | None:
        results = []
        if "confirm_correction" in self.events:
            results.append((f.FeedbackForm.ACCEPTED, workflow.BY_EVENT["confirm_correction"].label))
        if "reject_by_bureau" in self.events:
            results.append((f.FeedbackForm.REJECTED, workflow.BY_EVENT["reject_by_bureau"].label))
        return self.form("bureau_feedback", f.FeedbackForm, results=results)

    def timeline(self) -> list[dict[str, Any]]:
        entries = []
        for e in self.case.events.select_related("actor").order_by("seq"):
            entry = presenters.event(e, internal=True)
            transition = workflow.BY_EVENT.get(e.event)
            entry["label"] = transition.label if transition else _("创建申请")
            entry["to_label"] = CaseStatus(e.to_status).label if e.to_status else ""
            entries.append(entry)
        return entries

    def context(self) -> dict[str, Any]:
        case = self.case
        grounds = [(g.code, g.label) for g in self.pack.intake_grounds()]
        requirements = [(c.code, c.label) for c in self.checklist.items]
        items = self.item_views()
        return {
            "case": case,
            "summary": presenters.summary(case),
            "countdown": display.countdown(presenters.clock(case)),
            "events": self.events,
            "ops": self.ops,
            "labels": {t.event: t.label for t in workflow.TRANSITIONS},
            "parties": self.parties(),
            "items": items,
            "has_proposals": any(view.proposals for view in items),
            "materials": self.materials,
            "letters": list(self.case.letters.all()),
            "review": self.review(),
            "notices": list(case.supplement_notices.all()),
            "non_repair": next(iter(case.non_repair.all()), None),
            "tasks": self.tasks(),
            "proposal_form": self.proposal_form(),
            "submissions": self.submissions(),
            "bureau_messages": list(OutboxMessage.objects.filter(case=case).order_by("id")),
            "parked_marks": OutboxMessage.objects.filter(
                case=case, submission=None, status=OutboxStatus.PARKED
            ).count(),
            "timeline": self.timeline(),
            "forms": {
                "reject_at_intake": self.form("reject_at_intake", f.RejectForm, grounds=grounds),
                "upload_material": self.form(
                    "upload_material",
                    f.UploadForm,
                    requirements=[*requirements, (SUPPORTING, self.labels[SUPPORTING])],
                ),
                "create_coordination_task": self.form(
                    "create_coordination_task",
                    f.TaskForm,
                    items=[(i.pk, f"{i.business_id or i.identity_field}") for i in self.items],
                ),
                "return_correction": self.form("return_correction", f.ReasonForm),
                "submit_correction": self.form("submit_correction", f.SubmitCorrectionForm),
                "bureau_feedback": self.feedback_form(),
                "rework_correction": self.form("rework_correction", f.ReasonForm),
                "withdraw": self.form("withdraw", f.ReasonForm),
                "reopen": self.form("reopen", f.ReasonForm),
                "pause_clock": self.form("pause_clock", f.ReasonForm),
                "issue_non_malicious_explanation": self.explanation_form(items),
                "retry_parked_marks": self.form("retry_parked_marks", f.CaseRetryForm),
            },
        }
