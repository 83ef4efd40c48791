"""A loaded rule pack and the answers it gives.

Every answer that decides something can produce a ``Decision`` carrying the pack's regime and
version, the ids of the rules it used and a plain-Chinese explanation, so callers can store why
they did what they did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from xiufu.rules.engine.errors import UnknownRule
from xiufu.rules.engine.model import (
    CONFIRMED,
    MARK_EFFECTS,
    START_EVENTS,
    STATUS_LABELS,
    ApplicantType,
    Avenue,
    Category,
    Citation,
    CountingRule,
    DeadlineRule,
    Finding,
    IntakeGround,
    LetterPreviewRule,
    Material,
    PauseRule,
    Rule,
    Source,
    SupplementRule,
    UploadLimits,
    WarningRule,
)

APPLICANT = "applicant_type"
CATEGORY = "category"


@dataclass(frozen=True)
class Decision:
    """What a caller stores with anything the rules decided."""

    pack_regime: str
    pack_version: str
    rule_ids: tuple[str, ...]
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "pack_regime": self.pack_regime,
            "pack_version": self.pack_version,
            "rule_ids": list(self.rule_ids),
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Reason:
    """Why a material is on a checklist: the applicant type or a dispute category."""

    kind: str  # APPLICANT or CATEGORY
    code: str
    label: str


@dataclass(frozen=True)
class ChecklistItem:
    """One material of the formal-review checklist.

    ``conditions`` is empty when the material is always expected; otherwise it lists the
    situations in which it is (e.g. "主张被他人冒用名义办理业务时").
    """

    code: str
    label: str
    description: str
    mandatory: bool
    because: tuple[Reason, ...]
    rule_id: str
    citation: Citation
    status: str
    accepted_id_types: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Checklist:
    """The exact materials for an application: de-duplicated, base materials first, then the
    supporting evidence, each group in the pack's catalog order."""

    pack_regime: str
    pack_version: str
    applicant_type: str
    categories: tuple[str, ...]
    items: tuple[ChecklistItem, ...]
    rule_ids: tuple[str, ...]
    explanation: str

    @property
    def mandatory(self) -> tuple[ChecklistItem, ...]:
        return tuple(item for item in self.items if item.mandatory)

    @property
    def optional(self) -> tuple[ChecklistItem, ...]:
        return tuple(item for item in self.items if not item.mandatory)

    def codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    def decision(self) -> Decision:
        return Decision(self.pack_regime, self.pack_version, self.rule_ids, self.explanation)


@dataclass(frozen=True)
class RecordKind:
    code: str
    label: str


@dataclass(frozen=True)
class RulePack:
    """One version of the rules of one regime, validated and immutable."""

    regime: str
    version: str
    effective_from: dt.date
    title: str
    sha256: str
    note: str
    sources: tuple[Source, ...]
    record_kinds: tuple[RecordKind, ...]
    categories: tuple[Category, ...]
    materials: tuple[Material, ...]
    applicant_types: tuple[ApplicantType, ...]
    counting_rules: tuple[CountingRule, ...]
    deadlines: tuple[DeadlineRule, ...]
    warning: WarningRule
    pauses: PauseRule
    findings: tuple[Finding, ...]
    avenues: tuple[Avenue, ...]
    supplement: SupplementRule
    grounds: tuple[IntakeGround, ...]
    uploads: UploadLimits
    # Letters staff must preview before issuing (absent in packs before 2026.2).
    letter_preview: LetterPreviewRule | None = None
    _rules: dict[str, Rule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rules: list[Rule] = [*self.categories, *(c.remedy for c in self.categories)]
        rules += [*self.materials, *self.applicant_types, *self.counting_rules, *self.deadlines]
        rules += [self.warning, self.pauses, *self.findings, *self.avenues, self.supplement]
        rules += [*self.grounds, self.uploads]
        if self.letter_preview is not None:
            rules.append(self.letter_preview)
        object.__setattr__(self, "_rules", {rule.id: rule for rule in rules})

    def __str__(self) -> str:
        return f"{self.regime} {self.version}"

    # -- lookups ---------------------------------------------------------------------------

    def rule(self, rule_id: str) -> Rule:
        try:
            return self._rules[rule_id]
        except KeyError:
            raise UnknownRule("rule", rule_id) from None

    def has_rule(self, rule_id: str) -> bool:
        return rule_id in self._rules

    def rule_ids(self) -> tuple[str, ...]:
        return tuple(self._rules)

    def source(self, key: str) -> Source:
        for source in self.sources:
            if source.key == key:
                return source
        raise UnknownRule("source", key)

    def category(self, code: str) -> Category:
        return _by_code(self.categories, CATEGORY, code)

    def categories_for(self, record_kind: str) -> tuple[Category, ...]:
        if record_kind not in {kind.code for kind in self.record_kinds}:
            raise UnknownRule("record_kind", record_kind)
        return tuple(c for c in self.categories if record_kind in c.record_kinds)

    def material(self, code: str) -> Material:
        return _by_code(self.materials, "material", code)

    def applicant_type(self, code: str) -> ApplicantType:
        return _by_code(self.applicant_types, APPLICANT, code)

    def deadline(self, code: str) -> DeadlineRule:
        return _by_code(self.deadlines, "deadline", code)

    def reply_deadline(self) -> DeadlineRule:
        """The statutory clock of the dispute itself (条例 Art. 25 for credit_dispute)."""
        return self.deadline("reply")

    @property
    def warning_share(self) -> float:
        return self.warning.share

    def pause_allowed(self, state: str) -> bool:
        return state in self.pauses.states

    def pause_rule_id(self, state: str) -> str:
        """The id of the rule that lets the clock pause in ``state`` (for the pause's record)."""
        if not self.pause_allowed(state):
            raise UnknownRule("pause_state", state)
        return self.pauses.id

    def finding(self, code: str) -> Finding:
        return _by_code(self.findings, "finding", code)

    def other_avenues(self) -> tuple[Avenue, ...]:
        return self.avenues

    def preview_rule(self, kind: str) -> LetterPreviewRule | None:
        """The rule that makes staff preview letters of this kind before issuing, if any."""
        rule = self.letter_preview
        return rule if rule is not None and kind in rule.kinds else None

    def intake_grounds(self) -> tuple[IntakeGround, ...]:
        return self.grounds

    # -- answers ---------------------------------------------------------------------------

    def checklist(self, categories: Iterable[str], applicant_type: str) -> Checklist:
        """The formal-review checklist for these dispute categories and this applicant type."""
        if isinstance(categories, str):
            raise TypeError("categories must be an iterable of codes, not one string")
        applicant = self.applicant_type(applicant_type)
        wanted = set(categories)
        chosen = [self.category(code) for code in sorted(wanted, key=self._category_order)]
        collected: dict[str, _Collected] = {}
        applicant_reason = Reason(APPLICANT, applicant.code, applicant.label)
        for code in applicant.materials:
            collected.setdefault(code, _Collected(base=True)).add(applicant_reason, True, "")
        for category in chosen:
            reason = Reason(CATEGORY, category.code, category.label)
            for ref in category.materials:
                entry = collected.setdefault(ref.code, _Collected(base=False))
                entry.add(reason, ref.mandatory, ref.when)
        order = {material.code: i for i, material in enumerate(self.materials)}
        codes = sorted(collected, key=lambda c: (not collected[c].base, order[c]))
        items = tuple(collected[code].item(self.material(code)) for code in codes)
        rule_ids = (applicant.id, *(c.id for c in chosen), *(item.rule_id for item in items))
        return Checklist(
            pack_regime=self.regime,
            pack_version=self.version,
            applicant_type=applicant.code,
            categories=tuple(c.code for c in chosen),
            items=items,
            rule_ids=rule_ids,
            explanation=self._checklist_explanation(applicant, chosen, items),
        )

    def explain(self, rule_id: str) -> str:
        """The rule in plain Chinese with its citation: "依据《征信业管理条例》第二十五条：…"."""
        rule = self.rule(rule_id)
        text = f"依据{rule.citation}：{rule.statement()}"
        if rule.also:
            text += f"（另见{'、'.join(str(c) for c in rule.also)}）"
        if rule.status != CONFIRMED:
            note = f"：{rule.note}" if rule.note else ""
            text += f"〔{STATUS_LABELS[rule.status]}{note}〕"
        return text

    def decide(self, *rule_ids: str, explanation: str = "") -> Decision:
        """A Decision resting on these rules; the explanation defaults to their explain()."""
        for rule_id in rule_ids:
            self.rule(rule_id)
        text = explanation or "\n".join(self.explain(rule_id) for rule_id in rule_ids)
        return Decision(self.regime, self.version, tuple(rule_ids), text)

    def deadline_decision(self, code: str = "reply") -> Decision:
        """The clock a case runs on: the deadline rule and its counting rule."""
        rule = self.deadline(code)
        summary = (
            f"{rule.label}：自{START_EVENTS[rule.start_event]}起{rule.length}{rule.unit_label}"
            f"（起算日不计入），按{rule.counting_citation}计算。"
        )
        lines = [summary, self.explain(rule.id), self.explain(rule.counting_rule_id)]
        return self.decide(rule.id, rule.counting_rule_id, explanation="\n".join(lines))

    def finding_decision(self, code: str) -> Decision:
        """A finding on one disputed item and what it does to the dispute mark."""
        finding = self.finding(code)
        summary = f"核查结论：{finding.label}；异议标注：{MARK_EFFECTS[finding.mark]}。"
        return self.decide(finding.id, explanation=f"{summary}\n{self.explain(finding.id)}")

    # -- helpers ---------------------------------------------------------------------------

    def _category_order(self, code: str) -> int:
        for i, category in enumerate(self.categories):
            if category.code == code:
                return i
        raise UnknownRule(CATEGORY, code)

    def _checklist_explanation(
        self,
        applicant: ApplicantType,
        chosen: list[Category],
        items: tuple[ChecklistItem, ...],
    ) -> str:
        kinds = "、".join(f"“{c.label}”" for c in chosen) or "（未选择）"
        must = "、".join(i.label for i in items if i.mandatory) or "无"
        lines = [
            f"依据{self.title}（{self.regime} {self.version}）：{applicant.label}，"
            f"异议类型为{kinds}。",
            f"必须提交：{must}。",
        ]
        optional = [i for i in items if not i.mandatory]
        if optional:
            lines.append("建议提供：" + "、".join(_with_conditions(i) for i in optional) + "。")
        lines.append(self.explain(applicant.id))
        return "\n".join(lines)


class _Collected:
    """Accumulates the reasons for one material while a checklist is built."""

    def __init__(self, *, base: bool) -> None:
        self.base = base
        self.mandatory = False
        self.unconditional = False
        self.because: list[Reason] = []
        self.conditions: list[str] = []

    def add(self, reason: Reason, mandatory: bool, when: str) -> None:
        self.because.append(reason)
        self.mandatory = self.mandatory or mandatory
        if when:
            if when not in self.conditions:
                self.conditions.append(when)
        else:
            self.unconditional = True

    def item(self, material: Material) -> ChecklistItem:
        unconditional = self.unconditional or self.mandatory
        return ChecklistItem(
            code=material.code,
            label=material.label,
            description=material.description,
            mandatory=self.mandatory,
            because=tuple(self.because),
            rule_id=material.id,
            citation=material.citation,
            status=material.status,
            accepted_id_types=material.accepted_id_types,
            conditions=() if unconditional else tuple(self.conditions),
        )


def _with_conditions(item: ChecklistItem) -> str:
    return f"{item.label}（{'；'.join(item.conditions)}）" if item.conditions else item.label


def _by_code(rules: Iterable[Any], kind: str, code: str) -> Any:
    for rule in rules:
        if rule.code == code:
            return rule
    raise UnknownRule(kind, code)
