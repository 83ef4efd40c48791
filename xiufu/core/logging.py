"""Structured logs with personal identifiers masked before they leave the process."""

from __future__ import annotations

import json
import logging
from typing import Any

from xiufu.core.identifiers import mask_id_numbers_in_text


class MaskIdentifiersFilter(logging.Filter):
    """Masks resident ID numbers anywhere in a log message, whatever called the logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_id_numbers_in_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = mask_id_numbers_in_text(str(value))
        if record.exc_info:
            entry["exception"] = mask_id_numbers_in_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
