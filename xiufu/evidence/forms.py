"""The public verification page's forms: a verification code, or a receipt with its file.

Uploads are bounded while they stream in (:class:`UploadLimiter`): a file over its limit is
skipped — its bytes are read off the connection and dropped, never kept in memory or on disk —
and the form then says plainly that it was too large.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from xiufu.evidence.codes import MAX_CODE_LENGTH, normalise_code
from xiufu.evidence.receipt import MAX_ARTIFACT_SIZE

#: Receipts are small JSON files; the verifier refuses anything larger anyway.
MAX_RECEIPT_BYTES = MAX_ARTIFACT_SIZE

RECEIPT_FIELD = "receipt"
FILE_FIELD = "file"


def max_file_bytes() -> int:
    """The largest file the page checks against a receipt."""
    return int(settings.EVIDENCE_VERIFY_MAX_FILE_BYTES)


def upload_limits() -> dict[str, int]:
    return {RECEIPT_FIELD: MAX_RECEIPT_BYTES, FILE_FIELD: max_file_bytes()}


class UploadLimiter(FileUploadHandler):
    """First in the chain of upload handlers: passes each chunk on to the next handlers until its
    file exceeds the limit of its field, then skips the file. Files of fields without a limit are
    skipped at their first byte. ``oversize`` names the fields whose file was skipped."""

    def __init__(self, request: HttpRequest, limits: Mapping[str, int]) -> None:
        super().__init__(request)
        self.limits = dict(limits)
        self.oversize: set[str] = set()
        self._limit = 0
        self._received = 0

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        self._limit = self.limits.get(field_name, 0)
        self._received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self._received += len(raw_data)
        if self._received > self._limit:
            self.oversize.add(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers build the file


class CodeLookupForm(forms.Form):
    """A verification code as printed on a document; spaces and dashes are ignored."""

    code = forms.CharField(
        label=_("验证码"),
        max_length=MAX_CODE_LENGTH * 3,
        help_text=_("文书上印制的验证码，字母不区分大小写，空格和短横线可省略。"),
        error_messages={
            "required": _("请输入验证码。"),
            "max_length": _("验证码应为4至64位字母或数字，请核对后重试。"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("验证码应为4至64位字母或数字，请核对后重试。"), code="invalid"
            )
        return code


class ReceiptCheckForm(forms.Form):
    """An evidence receipt (JSON) and, optionally, the file it is about. ``receipt`` is cleaned to
    its bytes; ``file`` stays the uploaded file (streamed to a temporary file if large)."""

    receipt = forms.FileField(
        label=_("存证回执（.json 文件）"),
        help_text=_("下载材料或文书时一并取得的回执文件，不超过1 MiB。"),
        error_messages={
            "required": _("请选择回执文件（.json）。"),
            "empty": _("回执文件为空，请重新选择。"),
            "invalid": _("未收到回执文件，请重新选择后提交。"),
        },
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
    )
    file = forms.FileField(
        label=_("回执对应的文件（可选）"),
        required=False,
        allow_empty_file=True,
        error_messages={"invalid": _("未收到文件，请重新选择后提交。")},
    )

    def __init__(self, *args: Any, oversize: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.oversize = oversize or set()
        for name in self.oversize & set(self.fields):
            self.fields[name].required = False  # said by clean_<name>: "too large", not "missing"
        self.fields[FILE_FIELD].help_text = _(
            "如需核对文件内容是否被改动，请一并选择该文件，不超过%(limit)s。文件只用于本次核验，不会保存。"
        ) % {"limit": filesizeformat(max_file_bytes())}

    def clean_receipt(self) -> bytes:
        if RECEIPT_FIELD in self.oversize:
            raise forms.ValidationError(
                _("回执文件过大：回执不超过1 MiB，请确认选择的是回执（.json）而不是原文件。"),
                code="too_large",
            )
        upload: UploadedFile = self.cleaned_data[RECEIPT_FIELD]
        upload.seek(0)
        data = upload.read(MAX_RECEIPT_BYTES + 1)
        if len(data) > MAX_RECEIPT_BYTES:
            raise forms.ValidationError(
                _("回执文件过大：回执不超过1 MiB，请确认选择的是回执（.json）而不是原文件。"),
                code="too_large",
            )
        if not _is_json_object(data):
            raise forms.ValidationError(
                _("所选文件不是回执：回执是 JSON 格式的文本文件（.json），请重新选择。"),
                code="not_json",
            )
        return data

    def clean_file(self) -> UploadedFile | None:
        if FILE_FIELD in self.oversize:
            raise forms.ValidationError(
                _("文件过大：本页最多核验%(limit)s的文件，更大的文件请下载核验工具离线核验。")
                % {"limit": filesizeformat(max_file_bytes())},
                code="too_large",
            )
        upload: UploadedFile | None = self.cleaned_data.get(FILE_FIELD) or None
        if upload is not None:
            upload.seek(0)
        return upload


def _is_json_object(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
        value = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(value, dict)
