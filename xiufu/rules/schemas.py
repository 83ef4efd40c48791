from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from xiufu.core.schemas import StrictSchema
from xiufu.rules.engine import MAX_PACK_CHARS


class RulePackIn(StrictSchema):
    text: str = Field(min_length=1, max_length=MAX_PACK_CHARS, description="规则包 YAML 全文")
    activate: bool = False


class RulePackOut(Schema):
    id: int
    regime: str
    version: str
    title: str
    sha256: str
    effective_from: dt.date
    loaded_at: dt.datetime
    is_active: bool
    activated_at: dt.datetime | None


class CitationOut(Schema):
    source: str
    instrument: str
    article: str
    url: str


class CategoryOut(Schema):
    code: str
    label: str
    description: str
    example: str
    record_kinds: list[str]
    rule_id: str = Field(validation_alias="id")
    status: str


class ApplicantTypeOut(Schema):
    code: str
    label: str
    description: str


class DeadlineOut(Schema):
    code: str
    label: str
    text: str
    length: int
    unit: str
    start_event: str
    rule_id: str = Field(validation_alias="id")


class ActivePackOut(Schema):
    id: int
    regime: str
    version: str
    title: str
    effective_from: dt.date
    sha256: str
    categories: list[CategoryOut]
    applicant_types: list[ApplicantTypeOut]
    reply_deadline: DeadlineOut


class ReasonOut(Schema):
    kind: str
    code: str
    label: str


class ChecklistItemOut(Schema):
    code: str
    label: str
    description: str
    mandatory: bool
    conditions: list[str]
    accepted_id_types: list[str]
    because: list[ReasonOut]
    rule_id: str
    citation: CitationOut
    status: str


class ChecklistOut(Schema):
    pack_regime: str
    pack_version: str
    applicant_type: str
    categories: list[str]
    items: list[ChecklistItemOut]
    rule_ids: list[str]
    explanation: str
