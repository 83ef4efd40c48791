from __future__ import annotations

import json
import logging

from xiufu.core.logging import JsonFormatter, MaskIdentifiersFilter


def _format(message: str, *args, **extra) -> dict:
    record = logging.LogRecord("xiufu.test", logging.INFO, __file__, 1, message, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    MaskIdentifiersFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_id_numbers_never_reach_the_log():
    entry = _format("checked %s for %s", "11010519491231002X", "91440300708461136T")
    assert "11010519491231002X" not in json.dumps(entry)
    assert "110*************2X" in entry["message"]
    assert "91440300708461136T" in entry["message"]


def test_extra_fields_are_masked_too():
    entry = _format("lookup", person="11010519491231002X")
    assert entry["person"] == "110*************2X"
