"""The desk's forms: they parse what a person typed into the arguments of one action.

Every action form carries the case version the person saw (``expected_version``). Choices that
depend on the case (its checklist, its rule pack, its items) are given when the page is drawn;
when a form is posted it accepts any value for them and the action refuses what is not allowed,
with its own message.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from xiufu.accounts.choices import UserKind
from xiufu.accounts.models import User
from xiufu.bureau.adapters import ADAPTERS
from xiufu.cases.choices import CaseStatus, Department, Finding, ProposalAction, ReviewVerdict
from xiufu.letters.schemas import overdue_row
from xiufu.records.choices import LoanType, RepaymentStatus
from xiufu.records.selectors import RECORD_KINDS

Choices = Sequence[tuple[str, str]]
CODE = re.compile(r"^[a-z0-9_]{1,60}$")
RULE_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,80}$")
TEXT = forms.Textarea(attrs={"rows": 3})
# A code chosen from a list (drawn with the page) is short; the action says whether it exists.
SHORT = MaxLengthValidator(60)


class DeskForm(forms.Form):
    """Labels without a trailing colon: the stylesheet sets them on their own line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SearchForm(DeskForm):
    q = forms.CharField(
        label=_("统一社会信用代码、企业名称或案件编号"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态")), *CaseStatus.choices], required=False
    )


class VersionForm(DeskForm):
    """An action with nothing to say but "on the case as I saw it"."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def action_kwargs(self) -> dict[str, Any]:
        return {"expected_version": self.cleaned_data["version"]}


class ReplyForm(VersionForm):
    """Issue the written reply previewed: the digest of what the person saw."""

    preview_digest = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def action_kwargs(self) -> dict[str, Any]:
        return {
            **super().action_kwargs(),
            "preview_digest": self.cleaned_data["preview_digest"] or None,
        }


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=TEXT)

    def action_kwargs(self) -> dict[str, Any]:
        return {**super().action_kwargs(), "reason": self.cleaned_data["reason"]}


def _set_choices(form: forms.Form, name: str, choices: Choices, blank: str = "") -> None:
    options = [("", blank), *choices] if blank else list(choices)
    form.fields[name].widget.choices = options


class RejectForm(ReasonForm):
    ground = forms.CharField(label=_("不予受理情形"), validators=[SHORT], widget=forms.Select)
    field_order = ["ground", "reason"]

    def __init__(self, *args: Any, grounds: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "ground", grounds, str(_("请选择")))

    def action_kwargs(self) -> dict[str, Any]:
        return {**super().action_kwargs(), "ground": self.cleaned_data["ground"]}


class UploadForm(VersionForm):
    requirement = forms.CharField(
        label=_("对应的材料要求"), validators=[SHORT], widget=forms.Select
    )
    file = forms.FileField(label=_("文件"))

    def __init__(self, *args: Any, requirements: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "requirement", requirements)

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().action_kwargs(),
            "requirement": data["requirement"],
            "upload": data["file"],
        }


class ReviewForm(VersionForm):
    """The formal-review checklist: a verdict and a reason per mandatory requirement.

    The requirements come from the page (hidden ``requirement`` fields) when posted."""

    def __init__(self, data: Any = None, *args: Any, requirements: Choices = (), **kwargs: Any):
        super().__init__(data, *args, **kwargs)
        if data is not None and not requirements:
            codes = [c for c in data.getlist("requirement") if CODE.match(c)]
            requirements = [(code, code) for code in dict.fromkeys(codes)]
        self.requirements = list(requirements)
        for code, label in self.requirements:
            self.fields[f"verdict_{code}"] = forms.ChoiceField(
                label=label, choices=ReviewVerdict.choices, widget=forms.RadioSelect
            )
            self.fields[f"reason_{code}"] = forms.CharField(
                label=_("原因及补正要求"), max_length=500, required=False
            )

    def marks(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        return [
            {
                "requirement": code,
                "verdict": data[f"verdict_{code}"],
                "reason": data[f"reason_{code}"],
            }
            for code, _label in self.requirements
        ]

    def action_kwargs(self) -> dict[str, Any]:
        return {**super().action_kwargs(), "marks": self.marks()}


class ListField(forms.MultipleChoiceField):
    """Several codes chosen from a list drawn with the page; the action checks them."""

    def valid_value(self, value: str) -> bool:
        return bool(RULE_ID.match(value))


class FindingForm(VersionForm):
    item_id = forms.IntegerField(widget=forms.HiddenInput)
    finding = forms.ChoiceField(label=_("核查结论"), choices=[("", _("请选择")), *Finding.choices])
    reasons = forms.CharField(label=_("理由"), max_length=3000, widget=TEXT)
    evidence = forms.CharField(
        label=_("所依据的证据（每行一项）"), max_length=3000, required=False, widget=TEXT
    )
    verification_result = forms.CharField(
        label=_("核查情况（结论为“无法确认”时必填）"),
        max_length=3000,
        required=False,
        widget=TEXT,
    )
    rule_ids = ListField(
        label=_("另引规则（可多选）"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def __init__(self, *args: Any, rules: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule_ids"].choices = list(rules)  # type: ignore[attr-defined]

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().action_kwargs(),
            "item_id": data["item_id"],
            "finding": data["finding"],
            "reasons": data["reasons"],
            "evidence": [line.strip() for line in data["evidence"].splitlines() if line.strip()],
            "rule_ids": list(data["rule_ids"]),
            "verification_result": data["verification_result"],
        }


def _staff_with_roles() -> models.QuerySet[User]:
    return (
        User.objects.filter(kind=UserKind.STAFF, is_active=True, role_grants__isnull=False)
        .distinct()
        .order_by("username")
    )


class TaskForm(VersionForm):
    department = forms.ChoiceField(label=_("协查部门"), choices=Department.choices)
    institution = forms.CharField(
        label=_("外部机构名称（协查外部机构时填写）"), max_length=200, required=False
    )
    question = forms.CharField(label=_("协查事项"), max_length=3000, widget=TEXT)
    due_on = forms.DateField(label=_("答复期限"), widget=forms.DateInput(attrs={"type": "date"}))
    item_id = forms.IntegerField(label=_("所涉异议事项"), required=False, widget=forms.Select)
    assignee = forms.ModelChoiceField(
        label=_("经办人"), queryset=User.objects.none(), required=False, empty_label=_("不指定")
    )

    def __init__(self, *args: Any, items: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "item_id", items, str(_("整个案件")))
        self.fields["assignee"].queryset = _staff_with_roles()  # type: ignore[attr-defined]

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().action_kwargs(),
            "department": data["department"],
            "institution": data["institution"],
            "question": data["question"],
            "due_on": data["due_on"],
            "item_id": data["item_id"],
            "assignee_id": data["assignee"].pk if data["assignee"] else None,
        }


class AnswerForm(VersionForm):
    task_id = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("答复内容"), max_length=3000, widget=TEXT)

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {**super().action_kwargs(), "task_id": data["task_id"], "answer": data["answer"]}


class SubmitCorrectionForm(VersionForm):
    adapter = forms.ChoiceField(label=_("报送通道"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["adapter"]
        field.choices = [(code, cls.label) for code, cls in ADAPTERS.items()]  # type: ignore[attr-defined]
        field.initial = settings.BUREAU_ADAPTER

    def action_kwargs(self) -> dict[str, Any]:
        return {**super().action_kwargs(), "adapter_code": self.cleaned_data["adapter"]}


class FeedbackForm(VersionForm):
    ACCEPTED, REJECTED = "accepted", "rejected"

    result = forms.ChoiceField(label=_("征信系统反馈"), choices=(), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("退回原因（征信系统退回时必填）"), max_length=2000, required=False, widget=TEXT
    )

    def __init__(self, *args: Any, results: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = list(results) or [  # type: ignore[attr-defined]
            (self.ACCEPTED, self.ACCEPTED),
            (self.REJECTED, self.REJECTED),
        ]

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().action_kwargs(),
            "accepted": data["result"] == self.ACCEPTED,
            "reason": data["reason"],
        }


class RetryForm(VersionForm):
    """Send a parked submission's messages again. The case does not change, so the action takes
    no version: the form sends none on to it."""

    submission_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def action_kwargs(self) -> dict[str, Any]:
        return {"submission_id": self.cleaned_data["submission_id"]}


class CaseRetryForm(VersionForm):
    """Send a case's parked dispute-mark messages again (the case itself does not change)."""

    def action_kwargs(self) -> dict[str, Any]:
        return {}


# -- the correction proposal: per error item, correct or delete, and field → new value rows ------


def json_fields(kind: str) -> frozenset[str]:
    """The fields of a record kind whose values are JSON (typed as JSON in the proposal form)."""
    record_kind = RECORD_KINDS.get(kind)
    if record_kind is None:
        return frozenset()
    model = record_kind.reported
    return frozenset(f.name for f in model._meta.concrete_fields if isinstance(f, models.JSONField))


class ChangeForm(DeskForm):
    field = forms.CharField(
        label=_("字段"), validators=[SHORT], required=False, widget=forms.Select
    )
    new = forms.CharField(label=_("更正后的值"), max_length=10000, required=False)

    def __init__(
        self,
        *args: Any,
        field_choices: Choices = (),
        json_names: frozenset[str] = frozenset(),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "field", field_choices, str(_("（不变更）")))
        self.json_names = json_names

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("field") in self.json_names:
            try:
                data["new"] = json.loads(data.get("new") or "null")
            except ValueError:
                self.add_error(
                    "new", _('此字段须填写 JSON，例如 [{"month": "2026-06", "status": "N"}]。')
                )
        return data


ChangeFormSet = forms.formset_factory(
    ChangeForm, extra=0, max_num=30, absolute_max=30, validate_max=True
)


class ProposalItemForm(DeskForm):
    kind = forms.CharField(max_length=20, widget=forms.HiddenInput)
    action = forms.ChoiceField(
        label=_("更正方式"), choices=ProposalAction.choices, widget=forms.RadioSelect
    )


@dataclass(frozen=True)
class ProposalTarget:
    """One item whose error is confirmed, as the proposal form draws it."""

    item_id: int
    kind: str = ""
    title: str = ""
    field_choices: Choices = ()
    action: str = ""
    changes: tuple[dict[str, str], ...] = field(default_factory=tuple)


@dataclass
class ProposalPart:
    target: ProposalTarget
    form: ProposalItemForm
    changes: Any  # ChangeFormSet


class ProposalForm(VersionForm):
    """One proposal per item with a confirmed error: the action, and for a correction the
    field → new value rows (prefilled by the page with the ledger's values)."""

    def __init__(
        self,
        data: Any = None,
        *args: Any,
        targets: Iterable[ProposalTarget] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(data, *args, **kwargs)
        targets = list(targets)
        if data is not None and not targets:
            ids = [int(i) for i in data.getlist("item") if i.isdigit()][:50]
            targets = [ProposalTarget(i, kind=data.get(f"item{i}-kind", "")) for i in ids]
        self.parts = [self._part(data, target) for target in targets]

    @staticmethod
    def _part(data: Any, target: ProposalTarget) -> ProposalPart:
        prefix = f"item{target.item_id}"
        item_form = ProposalItemForm(
            data, prefix=prefix, initial={"kind": target.kind, "action": target.action}
        )
        changes = ChangeFormSet(
            data,
            prefix=f"{prefix}-changes",
            initial=[*target.changes, {}, {}],
            form_kwargs={
                "field_choices": target.field_choices,
                "json_names": json_fields(target.kind),
            },
        )
        return ProposalPart(target, item_form, changes)

    def is_valid(self) -> bool:
        results = [super().is_valid()]
        for part in self.parts:
            results += [part.form.is_valid(), part.changes.is_valid()]
        return all(results)

    def proposals(self) -> list[dict[str, Any]]:
        return [
            {
                "item_id": part.target.item_id,
                "action": part.form.cleaned_data["action"],
                "changes": [
                    {"field": row["field"], "new": row["new"]}
                    for row in part.changes.cleaned_data
                    if row.get("field")
                ],
            }
            for part in self.parts
        ]

    def action_kwargs(self) -> dict[str, Any]:
        return {**super().action_kwargs(), "proposals": self.proposals()}


# -- the 非恶意逾期情况说明: the overdues, picked among the disputed loans, and their cause ------

#: Rows of the form: one per disputed loan (prefilled), and one more to fill in by hand.
MAX_OVERDUE_ROWS = 5
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# RepaymentStatus "1"–"7": a month the report shows as overdue.
OVERDUE_CODES = frozenset("1234567")
CAUSE_OTHER = "other"
CAUSE_CHOICES = [
    ("system_outage", _("银行系统故障")),
    ("debit_failure", _("扣款失败（非借款人原因）")),
    ("deferral_policy", _("疫情防控政策延期还本付息")),
    (CAUSE_OTHER, _("其他")),
]
# What the letter says ("上述逾期系……所致"): the letter is Chinese whatever the page's language.
CAUSE_TEXT = {
    "system_outage": "我行系统故障",
    "debit_failure": "我行自动扣款失败",
    "deferral_policy": "疫情防控期间延期还本付息政策",
}
_ROW_REQUIRED = {
    "subject": _("请填写贷款的业务品种和业务标识码。"),
    "due_on": _("请填写应还款日。"),
    "paid_on": _("请填写实际还款日。"),
    "amount": _("请填写应还金额。"),
    "shown_as": _("请填写信用报告显示的逾期情况。"),
}


def _shown_as(reported: dict[str, Any]) -> str:
    """What the report shows: its latest overdue month, else the days overdue."""
    history = reported.get("repayment_history") or []
    overdue = [m for m in history if isinstance(m, dict) and m.get("status") in OVERDUE_CODES]
    if overdue:
        month = str(overdue[-1].get("month", ""))
        try:
            first = dt.date.fromisoformat(f"{month}-01")
            month = f"{first.year}年{first.month}月"
        except ValueError:
            pass
        return f"{month} {RepaymentStatus(overdue[-1]['status']).label}"
    days = reported.get("overdue_days")
    return f"逾期{days}天" if days else ""


def overdue_initial(item: Any, reported: dict[str, Any]) -> dict[str, Any]:
    """A row prefilled from a disputed loan as reported: the loan and its business id, the
    amount overdue and what the report shows (the letter prints them in Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        kind = reported.get("loan_type", "")
        label = str(LoanType(kind).label) if kind in LoanType.values else "贷款"
        shown_as = _shown_as(reported)
    amount = Decimal(str(reported.get("overdue_amount") or 0))
    return {
        "subject": f"{label}（业务标识码 {item.business_id}）",
        "amount": amount or None,
        "shown_as": shown_as,
    }


class OverdueForm(DeskForm):
    """One overdue: ticked to go into the letter, with its dates, amount and what the report
    shows. A row not ticked is left out (and must not carry dates, so nothing typed is lost)."""

    chosen = forms.BooleanField(label=_("列入本说明"), required=False)
    subject = forms.CharField(
        label=_("贷款（业务品种和业务标识码）"), max_length=200, required=False
    )
    due_on = forms.DateField(label=_("应还款日"), required=False, widget=DATE)
    paid_on = forms.DateField(label=_("实际还款日"), required=False, widget=DATE)
    amount = forms.DecimalField(
        label=_("应还金额（元）"),
        min_value=Decimal("0.01"),
        max_digits=18,
        decimal_places=2,
        required=False,
    )
    shown_as = forms.CharField(
        label=_("信用报告显示（如 逾期1-30天）"), max_length=100, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("chosen"):
            if data.get("due_on") or data.get("paid_on"):
                self.add_error("chosen", _("已填写还款日期：请勾选“列入本说明”，或清空日期。"))
            return data
        for name, message in _ROW_REQUIRED.items():
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, message)
        due, paid = data.get("due_on"), data.get("paid_on")
        if due and paid and paid < due:
            self.add_error("paid_on", _("实际还款日不能早于应还款日。"))
        if paid and paid > timezone.localdate():
            self.add_error("paid_on", _("实际还款日不能晚于今天。"))
        return data


OverdueFormSet = forms.formset_factory(
    OverdueForm,
    extra=0,
    max_num=MAX_OVERDUE_ROWS,
    absolute_max=MAX_OVERDUE_ROWS,
    validate_max=True,
)


class ExplanationForm(VersionForm):
    """The 非恶意逾期情况说明: the overdues (rows prefilled by the page from the disputed loans),
    their cause and the policy or incident it rests on, and what was done about it.

    The letter changes nothing on the case, so the action takes no version: the form sends none
    on to it."""

    cause_kind = forms.ChoiceField(
        label=_("逾期原因类别"),
        choices=[("", _("请选择")), *CAUSE_CHOICES],
        error_messages={"required": _("请选择逾期原因类别。")},
    )
    cause_other = forms.CharField(
        label=_("其他原因（类别选“其他”时填写，如 我行短信提醒系统故障）"),
        max_length=100,
        required=False,
    )
    description = forms.CharField(
        label=_("情况说明：发生了什么，为何不是借款人的原因"),
        max_length=3000,
        widget=TEXT,
        error_messages={"required": _("请填写逾期原因的情况说明。")},
    )
    reference_title = forms.CharField(
        label=_("政策文件或事件名称"),
        max_length=200,
        error_messages={"required": _("请填写所依据的政策文件或事件记录的名称。")},
    )
    reference_number = forms.CharField(
        label=_("文号或事件编号（未经核实的不要填写）"), max_length=100, required=False
    )
    reference_excerpt = forms.CharField(
        label=_("相关规定或事件记录摘录"), max_length=2000, required=False, widget=TEXT
    )
    handling = forms.CharField(
        label=_("处理情况（如 已报送更正及日期）"), max_length=2000, required=False, widget=TEXT
    )

    def __init__(
        self, data: Any = None, *args: Any, rows: Iterable[dict[str, Any]] = (), **kwargs: Any
    ) -> None:
        super().__init__(data, *args, **kwargs)
        self.overdues = OverdueFormSet(
            data,
            prefix="overdue",
            initial=[*rows, {}][:MAX_OVERDUE_ROWS],
        )

    def _chosen(self) -> list[dict[str, Any]]:
        return [row for row in self.overdues.cleaned_data if row.get("chosen")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.overdues.is_valid() and not self._chosen():
            self.add_error(None, _("请至少选择一笔逾期记录：勾选“列入本说明”并填写其日期和金额。"))
        if data.get("cause_kind") == CAUSE_OTHER and not data.get("cause_other"):
            self.add_error("cause_other", _("原因类别选“其他”时，请写明具体原因。"))
        return data

    def is_valid(self) -> bool:
        return all([super().is_valid(), self.overdues.is_valid()])

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["cause_kind"]
        return {
            "overdues": [
                overdue_row(**{name: row[name] for name in _ROW_REQUIRED}) for row in self._chosen()
            ],
            "cause": {
                "kind": data["cause_other"] if kind == CAUSE_OTHER else CAUSE_TEXT[kind],
                "description": data["description"],
                "reference_title": data["reference_title"],
                "reference_number": data["reference_number"],
                "reference_excerpt": data["reference_excerpt"],
            },
            "handling": data["handling"],
        }
