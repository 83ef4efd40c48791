"""The desk's forms: they parse what a person typed into the arguments of one action.

Every action form carries the case version the person saw (``expected_version``). Choices that
depend on the case (its checklist, its rule pack, its items) are given when the page is drawn;
when a form is posted it accepts any value for them and the action refuses what is not allowed,
with its own message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiufu.accounts.choices import UserKind
from xiufu.accounts.models import User
from xiufu.bureau.adapters import ADAPTERS
from xiufu.cases.choices import CaseStatus, Department, Finding, ProposalAction, ReviewVerdict
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
