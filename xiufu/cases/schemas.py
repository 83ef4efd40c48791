from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from xiufu.accounts.schemas import PersonIn
from xiufu.core.schemas import StrictSchema


class ItemIn(StrictSchema):
    record_kind: str = Field(max_length=20)
    record_id: int | None = None
    identity_field: str = Field(default="", max_length=60)
    category: str = Field(max_length=40)
    remedy_requested: str = Field(default="correct", max_length=20)
    claim: str = Field(default="", max_length=3000)


class ApplicantIn(StrictSchema):
    capacity: str
    person: PersonIn


class CaseIn(StrictSchema):
    enterprise_id: int
    channel: str = "portal"
    claim: str = Field(min_length=1, max_length=5000)
    items: list[ItemIn] = Field(min_length=1, max_length=50)
    applicant: ApplicantIn | None = None


class VersionIn(StrictSchema):
    """Every action names the version of the case it was decided on (optimistic locking)."""

    version: int = Field(ge=1)


class ReasonIn(VersionIn):
    reason: str = Field(min_length=1, max_length=2000)


class ReplyIn(VersionIn):
    """The written reply; where the pack asks for a preview, the digest the preview gave."""

    preview_digest: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class ReplyLetterOut(Schema):
    kind: str
    label: str
    pdf_url: str
    context: dict[str, Any]


class ReplyPreviewOut(Schema):
    """The reply's letters as they would be issued now; pass ``digest`` to issue them."""

    version: int
    required: bool
    rule_ids: list[str]
    explanations: list[str]
    digest: str
    letters: list[ReplyLetterOut]


class AddItemIn(VersionIn):
    item: ItemIn


class MarkIn(StrictSchema):
    requirement: str = Field(max_length=60)
    verdict: str = Field(max_length=20)
    reason: str = Field(default="", max_length=500)


class ReviewIn(VersionIn):
    marks: list[MarkIn] = Field(min_length=1, max_length=100)


class RejectIn(ReasonIn):
    ground: str = Field(max_length=60)


class FindingIn(VersionIn):
    finding: str = Field(max_length=20)
    reasons: str = Field(min_length=1, max_length=5000)
    evidence: list[str] = Field(default_factory=list, max_length=50)
    rule_ids: list[str] = Field(default_factory=list, max_length=20)
    verification_result: str = Field(default="", max_length=5000)


class TaskIn(VersionIn):
    department: str = Field(max_length=20)
    question: str = Field(min_length=1, max_length=3000)
    due_on: dt.date
    item_id: int | None = None
    institution: str = Field(default="", max_length=200)
    assignee_id: int | None = None


class AnswerIn(VersionIn):
    answer: str = Field(min_length=1, max_length=5000)


class ChangeIn(StrictSchema):
    field: str = Field(max_length=60)
    new: Any = None


class ProposalIn(StrictSchema):
    item_id: int
    action: str = Field(max_length=20)
    changes: list[ChangeIn] = Field(default_factory=list, max_length=30)


class ProposalsIn(VersionIn):
    proposals: list[ProposalIn] = Field(min_length=1, max_length=50)


class SubmitCorrectionIn(VersionIn):
    adapter: str | None = Field(default=None, max_length=40)


class FeedbackIn(VersionIn):
    accepted: bool
    reason: str = Field(default="", max_length=2000)


class RatingIn(StrictSchema):
    score: int
    comment: str = Field(default="", max_length=1000)


class ItemOut(Schema):
    id: int
    record_kind: str
    record_id: int | None
    business_id: str
    identity_field: str
    category: str
    remedy_requested: str
    claim: str
    dispute_marked: bool
    finding: str
    finding_reasons: str
    finding_rule_ids: list[str]
    evidence_relied: list[str]
    reported_value: dict[str, Any]
    ledger_value: dict[str, Any]
    verification_result: str
    outcome: str


class MaterialOut(Schema):
    id: int
    requirement: str
    original_name: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    superseded: bool
    log_index: int | None = None
    signature_status: str

    @staticmethod
    def resolve_log_index(obj: Any) -> int | None:
        """The material's index in the evidence log (its receipt proves it)."""
        return obj.log_entry_id


class ClockOut(Schema):
    received_on: dt.date | None
    due_on: dt.date | None
    days_left: int | None
    state: str
    calendar_confirmed: bool
    unconfirmed_years: list[int]
    rule_id: str
    paused: bool


class CaseSummaryOut(Schema):
    id: int
    number: str
    enterprise_id: int
    enterprise_name: str
    channel: str
    status: str
    status_label: str
    version: int
    outcome: str
    supplement_rounds: int
    clock: ClockOut
    created_at: dt.datetime


class CaseOut(CaseSummaryOut):
    claim: str
    applicant_type: str
    rule_pack: str
    investigator_id: int | None
    items: list[ItemOut]
    materials: list[MaterialOut]
    review_marks: list[dict[str, Any]]
    supplement_notices: list[dict[str, Any]]
    proposals: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    submissions: list[dict[str, Any]]
    non_repair: dict[str, Any] | None
    allowed_events: list[str]


class EventOut(Schema):
    seq: int
    event: str
    from_status: str
    to_status: str
    actor: str | None
    at: dt.datetime
    reason: str
    payload: dict[str, Any]
    pack_version: str
    rule_ids: list[str]


class ChecklistItemOut(Schema):
    code: str
    label: str
    description: str
    mandatory: bool
    rule_id: str
