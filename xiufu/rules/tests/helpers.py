"""Shared helpers: the shipped pack's text and data, and a way to write variants of it."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from xiufu.rules.engine import PACKS_DIR

SHIPPED_PATH = PACKS_DIR / "credit_dispute" / "2026.2.yaml"


def shipped_text() -> str:
    return SHIPPED_PATH.read_text(encoding="utf-8")


def shipped_data() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(shipped_text()))


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def variant(**changes: Any) -> str:
    """The shipped pack with top-level keys replaced, as YAML text."""
    data = shipped_data()
    data.update(changes)
    return dump(data)
