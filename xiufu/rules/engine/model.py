"""The rules as frozen dataclasses: what a loaded rule pack is made of.

Pure Python, no Django: the engine is tested without a database and can be used by any layer.
Every rule has a stable id, a citation resolved against the pack's citation table, a status
(how sure we are of the legal source) and, where unconfirmed, a note saying what is still open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

CONFIRMED = "confirmed"
SECONDARY = "secondary"
UNCONFIRMED = "unconfirmed"
# Mirrors REGULATIONS.md: [P] → confirmed; [O] and [S] → secondary; UNCONFIRMED → unconfirmed.
STATUSES = (CONFIRMED, SECONDARY, UNCONFIRMED)
STATUS_LABELS = {CONFIRMED: "已确认", SECONDARY: "二手来源", UNCONFIRMED: "待确认"}

CALENDAR_DAYS = "calendar_days"
WORKING_DAYS = "working_days"
UNITS = {CALENDAR_DAYS: "日", WORKING_DAYS: "个工作日"}

# The events a statutory clock may start from; the case workflow records them.
START_EVENTS = {
    "application_received": "收到申请之日",
    "application_complete": "收到齐备申请之日",
    "accepted": "受理之日",
    "complaint_accepted": "受理投诉之日",
}

# Counting methods the calendar knows how to compute.
COUNTING_METHODS = {"civil_code": "民法典期间计算规则"}

# What a finding does to the dispute mark on the report.
# The letters whose issuing the workflow can hold for a preview (the written reply's).
PREVIEWABLE_LETTER_KINDS = ("reply_letter", "non_repair_notice")
MARK_EFFECTS = {
    "remove_after_correction": "更正生效后撤除异议标注",
    "cancel": "取消异议标注",
    "keep": "保留异议标注",
}


@dataclass(frozen=True)
class Source:
    """One entry of the pack's citation table: a law, rule, official page or internal standard."""

    key: str
    title: str
    status: str
    issuer: str = ""
    number: str = ""
    date: dt.date | None = None
    effective: dt.date | None = None
    url: str = ""
    reference: str = ""
    note: str = ""


@dataclass(frozen=True)
class Citation:
    """Where a rule comes from: the source key, the instrument's title and the article."""

    source: str
    instrument: str
    article: str = ""
    url: str = ""

    def __str__(self) -> str:
        return f"{self.instrument}{self.article}"


@dataclass(frozen=True, kw_only=True)
class Rule:
    """Fields every rule has. ``statement()`` is the rule in plain Chinese, used by explain()."""

    id: str
    citation: Citation
    status: str
    note: str = ""
    also: tuple[Citation, ...] = ()

    def statement(self) -> str:
        return ""

    def as_dict(self) -> dict[str, Any]:
        """The rule as JSON-ready data (tuples become lists), e.g. for a letter's snapshot."""
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class RecordType:
    """A record type of the second-generation reporting interface (e.g. 412 按段更正)."""

    code: str
    label: str


@dataclass(frozen=True, kw_only=True)
class Remedy(Rule):
    """The usual correction for a dispute category: our mapping, not an official one."""

    text: str
    record_types: tuple[RecordType, ...] = ()

    def statement(self) -> str:
        return self.text


@dataclass(frozen=True)
class MaterialRef:
    """A category's reference to a material of the catalog."""

    code: str
    mandatory: bool = False
    when: str = ""


@dataclass(frozen=True, kw_only=True)
class Category(Rule):
    """A dispute category: what an enterprise can claim is wrong, in words it understands."""

    code: str
    label: str
    description: str
    example: str
    record_kinds: tuple[str, ...]
    report_sections: tuple[str, ...]
    remedy: Remedy
    materials: tuple[MaterialRef, ...]

    def statement(self) -> str:
        return f"{self.label}：{self.description}"


@dataclass(frozen=True, kw_only=True)
class Material(Rule):
    """A material an applicant may have to provide; ``description`` is what the notice says."""

    code: str
    label: str
    description: str
    accepted_id_types: tuple[str, ...] = ()

    def statement(self) -> str:
        return f"{self.label}：{self.description}"


@dataclass(frozen=True, kw_only=True)
class ApplicantType(Rule):
    """Who files (legal representative or agent) and the base materials that requires."""

    code: str
    label: str
    description: str
    materials: tuple[str, ...]

    def statement(self) -> str:
        return self.description


@dataclass(frozen=True, kw_only=True)
class CountingRule(Rule):
    """How a period is counted (which day is day 1, what happens when it ends on a rest day)."""

    code: str
    text: str

    def statement(self) -> str:
        return self.text


@dataclass(frozen=True, kw_only=True)
class DeadlineRule(Rule):
    """A statutory clock: ``length`` ``unit`` from ``start_event``, counted per ``counting``."""

    code: str
    label: str
    text: str
    length: int
    unit: str
    start_event: str
    counting: str
    counting_rule_id: str
    counting_citation: Citation

    def statement(self) -> str:
        return self.text

    @property
    def unit_label(self) -> str:
        return UNITS[self.unit]


@dataclass(frozen=True, kw_only=True)
class WarningRule(Rule):
    """When a running clock counts as "at risk": the share of the period already used."""

    share: float
    text: str

    def statement(self) -> str:
        return self.text


@dataclass(frozen=True, kw_only=True)
class PauseRule(Rule):
    """The case states in which the clock may pause (none for the credit-dispute regime)."""

    states: tuple[str, ...]
    text: str

    def statement(self) -> str:
        return self.text


@dataclass(frozen=True, kw_only=True)
class Finding(Rule):
    """An outcome of the investigation of one disputed item and its effect on the dispute mark."""

    code: str
    label: str
    effect: str
    mark: str
    reply_text: str
    tell_other_avenues: bool

    def statement(self) -> str:
        return self.effect


@dataclass(frozen=True, kw_only=True)
class Avenue(Rule):
    """Another remedy the enterprise has besides the dispute (complaint, lawsuit, statement)."""

    code: str
    label: str
    where: str
    how: str
    deadline_text: str
    deadline: str = ""

    def statement(self) -> str:
        return f"{self.label}（{self.where}）：{self.how}{self.deadline_text}"


@dataclass(frozen=True, kw_only=True)
class SupplementRule(Rule):
    """The one-time supplement notice rule."""

    text: str

    def statement(self) -> str:
        return self.text


@dataclass(frozen=True, kw_only=True)
class IntakeGround(Rule):
    """A ground for rejecting an application at intake."""

    code: str
    label: str
    text: str

    def statement(self) -> str:
        return self.text


@dataclass(frozen=True, kw_only=True)
class UploadLimits(Rule):
    """Limits on uploaded materials, for the evidence app."""

    max_file_bytes: int
    max_files_per_case: int
    media_types: tuple[str, ...]
    text: str

    def statement(self) -> str:
        return self.text

    def allows(self, media_type: str) -> bool:
        return media_type.split(";")[0].strip().lower() in self.media_types


@dataclass(frozen=True, kw_only=True)
class LetterPreviewRule(Rule):
    """Letters that staff must preview before they are issued."""

    kinds: tuple[str, ...]
    text: str

    def statement(self) -> str:
        return self.text


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
