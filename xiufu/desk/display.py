"""How the desk writes things down: countdowns, field names and stored values, in Chinese."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiufu.cases.uploads import MEDIA_LABELS, PDF


def countdown(clock: dict[str, Any]) -> str:
    """The statutory clock in words: days left, days overdue, paused or not started."""
    state, days = clock["state"], clock["days_left"]
    if state == "none" or days is None:
        # No running clock: either not accepted yet, or answered (or ended) already.
        return _("计时已结束") if clock["due_on"] else _("未起算")
    if state == "paused":
        return _("已暂停计时")
    if days < 0:
        return _("已超期 %(days)d 天") % {"days": -days}
    if days == 0:
        return _("今日到期")
    if state == "at_risk":
        return _("剩余 %(days)d 天（临近期限）") % {"days": days}
    return _("剩余 %(days)d 天") % {"days": days}


def field_label(model: type[models.Model] | None, name: str) -> str:
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def value(model: type[models.Model] | None, name: str, raw: Any) -> str:
    """A stored (JSON) value as a person reads it: choice labels, months of a history, 是/否."""
    if raw is None or raw == "" or raw == []:
        return "—"
    if isinstance(raw, bool):
        return _("是") if raw else _("否")
    if isinstance(raw, list):
        return "，".join(_history_entry(entry) for entry in raw)
    if isinstance(raw, dict):
        return json.dumps(raw, ensure_ascii=False)
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        choices = dict(getattr(field, "flatchoices", None) or ())
        if raw in choices:
            return str(choices[raw])
    return str(raw)


def _history_entry(entry: Any) -> str:
    if isinstance(entry, dict) and {"month", "status"} <= set(entry):
        return f"{entry['month']}:{entry['status']}"
    return json.dumps(entry, ensure_ascii=False)


def _months(raw: Any) -> dict[str, str] | None:
    if not isinstance(raw, list):
        return None
    if not all(isinstance(e, dict) and {"month", "status"} <= set(e) for e in raw):
        return None
    return {str(e["month"]): str(e["status"]) for e in raw}


def change(model: type[models.Model] | None, name: str, old: Any, new: Any) -> tuple[str, str, str]:
    """Old and new as a person compares them, and a note; of a repayment history only the
    months that differ (a full history is too long to spot the change in)."""
    before, after = _months(old), _months(new)
    if before is None or after is None:
        return value(model, name, old), value(model, name, new), ""
    changed = sorted(m for m in before.keys() | after.keys() if before.get(m) != after.get(m))
    return (
        "，".join(f"{m}:{before.get(m, '—')}" for m in changed),
        "，".join(f"{m}:{after.get(m, '—')}" for m in changed),
        _("仅列出有变化的月份"),
    )


def as_input(raw: Any) -> str:
    """A stored value as the text a person types to propose it (JSON for lists and objects)."""
    if raw is None:
        return ""
    if isinstance(raw, list | dict):
        return json.dumps(raw, ensure_ascii=False)
    return str(raw)


def preview_kind(media_type: str) -> str:
    """How a material can be shown inside the page: a frame (PDF), an image, or only a link."""
    if media_type == PDF:
        return "frame"
    if media_type in ("image/jpeg", "image/png"):
        return "image"
    return ""


def media_label(media_type: str) -> str:
    return MEDIA_LABELS.get(media_type, media_type)


# pyHanko's verdict on a signed PDF (xiufu/evidence/pdfsig.py), with the badge class it shows in.
SIGNATURE_LABELS: dict[str, tuple[Any, str]] = {
    "valid": (gettext_lazy("电子签名有效"), "sig-valid"),
    "invalid": (gettext_lazy("电子签名无效"), "sig-bad"),
    "modified": (gettext_lazy("签名后被修改"), "sig-bad"),
    "untrusted": (gettext_lazy("签名完好，但签名人不在信任列表"), "sig-warn"),
    "error": (gettext_lazy("无法解析，未能核验签名"), "sig-warn"),
    "not_checked": (gettext_lazy("文件过大，未核验签名"), "sig-warn"),
}


def signature_label(status: str) -> tuple[str, str]:
    """The words and badge class of a material's signature status: nothing for a file that
    carries no signature, or was never checked."""
    if not status or status not in SIGNATURE_LABELS:
        return "", ""
    label, css = SIGNATURE_LABELS[status]
    return str(label), css
