from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiufu.letters.models import LetterKind


class UploadTemplateForm(forms.Form):
    kind = forms.ChoiceField(label=_("文书种类"), choices=LetterKind.choices)
    file = forms.FileField(
        label=_("模板文件（.docx）"),
        help_text=_("Word 文档（.docx），不含宏；只能使用下方字段说明中列出的字段。"),
        error_messages={"required": _("请选择模板文件。"), "empty": _("模板文件为空。")},
    )
    note = forms.CharField(label=_("版本说明"), max_length=500, required=False)


class PreviewForm(forms.Form):
    case_number = forms.CharField(
        label=_("用于预览的案件编号"),
        max_length=30,
        error_messages={"required": _("请输入案件编号。")},
    )
