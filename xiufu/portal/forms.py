"""The portal's forms: they parse and check the input; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xiufu.cases.choices import RemedyRequested
from xiufu.portal.presenters import DisputeOptions, RecordOption

IDENTITY_FIELD = "identity_field-identity"


class DisputeForm(forms.Form):
    """Step 1 of an application: the records disputed, with a category, the remedy asked and the
    reason for each. Per record, only the active rule pack's categories that fit its kind are
    offered (and accepted)."""

    claim = forms.CharField(
        label=_("申请事项与理由"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("概括说明您请求更正或删除的内容和理由；逐条记录的说明请写在该记录下。"),
        error_messages={"required": _("请填写申请事项与理由。")},
    )

    def __init__(
        self, data: Any = None, *, options: DisputeOptions, picked: str = "", **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.options = options
        for option in self.all_options:
            self._add_fields(option, picked=option.key == picked)
        self.fields[IDENTITY_FIELD] = forms.ChoiceField(
            label=_("有异议的身份信息项"),
            required=False,
            choices=[("", _("请选择")), *options.identity_fields.items()],
            error_messages={"invalid_choice": _("请从列表中选择有异议的身份信息项。")},
        )

    @property
    def all_options(self) -> list[RecordOption]:
        return [*self.options.records, self.options.identity]

    def _add_fields(self, option: RecordOption, *, picked: bool) -> None:
        key = option.key
        self.fields[f"pick-{key}"] = forms.BooleanField(
            label=option.label, required=False, initial=picked
        )
        self.fields[f"category-{key}"] = forms.ChoiceField(
            label=_("异议类别"),
            required=False,
            choices=[(c.code, c.label) for c in option.categories],
            widget=forms.RadioSelect,
            error_messages={
                "invalid_choice": _("所选异议类别不适用于这条记录，请从下列适用的类别中选择。")
            },
        )
        self.fields[f"remedy-{key}"] = forms.ChoiceField(
            label=_("请求的处理方式"),
            required=False,
            choices=self.options.remedies,
            initial=RemedyRequested.CORRECT,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": _("请选择请求更正还是删除。")},
        )
        self.fields[f"item_claim-{key}"] = forms.CharField(
            label=_("这条记录哪里不对，正确的应当是什么"),
            required=False,
            max_length=3000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def chosen(self) -> list[RecordOption]:
        cleaned = getattr(self, "cleaned_data", {})
        return [o for o in self.all_options if cleaned.get(f"pick-{o.key}")]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = self.chosen()
        if not chosen:
            raise ValidationError(_("请至少选择一条有异议的记录。"), code="no_items")
        for option in chosen:
            key = option.key
            if not cleaned.get(f"category-{key}") and f"category-{key}" not in self.errors:
                self.add_error(f"category-{key}", _("请为这条记录选择异议类别。"))
            if not cleaned.get(f"remedy-{key}") and f"remedy-{key}" not in self.errors:
                self.add_error(f"remedy-{key}", _("请选择请求更正还是删除。"))
        identity_missing = not cleaned.get(IDENTITY_FIELD) and IDENTITY_FIELD not in self.errors
        if self.options.identity in chosen and identity_missing:
            self.add_error(IDENTITY_FIELD, _("请选择有异议的身份信息项。"))
        return cleaned

    def items(self) -> list[dict[str, Any]]:
        """The disputed items as ``do_create_case`` takes them."""
        items = []
        for option in self.chosen():
            key = option.key
            item: dict[str, Any] = {
                "record_kind": option.kind,
                "category": self.cleaned_data[f"category-{key}"],
                "remedy_requested": self.cleaned_data[f"remedy-{key}"],
                "claim": self.cleaned_data.get(f"item_claim-{key}", ""),
            }
            if option.record_id is None:
                item["identity_field"] = self.cleaned_data[IDENTITY_FIELD]
            else:
                item["record_id"] = option.record_id
            items.append(item)
        return items

    def groups(self) -> list[dict[str, Any]]:
        """Per record: its bound fields, and each category radio beside its plain description."""
        groups = []
        for option in self.all_options:
            key = option.key
            radios = list(self[f"category-{key}"])
            names = [f"pick-{key}", f"category-{key}", f"remedy-{key}", f"item_claim-{key}"]
            if option.record_id is None:
                names.append(IDENTITY_FIELD)
            groups.append(
                {
                    "option": option,
                    "open": bool(self[f"pick-{key}"].value())
                    or any(n in self.errors for n in names),
                    "pick": self[f"pick-{key}"],
                    "category": self[f"category-{key}"],
                    "categories": list(zip(radios, option.categories, strict=True)),
                    "remedy": self[f"remedy-{key}"],
                    "claim": self[f"item_claim-{key}"],
                    "identity_field": self[IDENTITY_FIELD] if option.record_id is None else None,
                }
            )
        return groups


class VersionForm(forms.Form):
    """An action on a case names the version of the case the user saw."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class WithdrawForm(VersionForm):
    reason = forms.CharField(
        label=_("撤回原因"),
        max_length=500,
        error_messages={"required": _("请写明撤回申请的原因。")},
    )


class UploadForm(forms.Form):
    requirement = forms.CharField(max_length=60)
    file = forms.FileField(
        label=_("选择文件"),
        error_messages={
            "required": _("请选择要上传的文件。"),
            "empty": _("文件为空，请重新选择。"),
            "invalid": _("未收到文件，请重新选择后上传。"),
        },
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择1至5分。"),
            "invalid_choice": _("评分须为1至5分。"),
        },
    )
    comment = forms.CharField(
        label=_("意见和建议（可选）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
