"""Validation of a rule pack's parsed YAML: collects every problem, never stops at the first.

A tiny declarative schema: a checker is ``check(value, path, ctx)`` and records problems in the
context instead of raising. Checkers also record the ids and codes they declare and the keys they
reference, so cross-references (citations, materials, deadlines) are resolved once at the end,
whatever the order of the sections.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from xiufu.rules.engine.model import (
    COUNTING_METHODS,
    MARK_EFFECTS,
    PREVIEWABLE_LETTER_KINDS,
    START_EVENTS,
    STATUSES,
    UNCONFIRMED,
    UNITS,
)

CODE = re.compile(r"^[a-z][a-z0-9_]*$")
RULE_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
SOURCE_KEY = re.compile(r"^[A-Z][A-Z0-9-]*$")
VERSION = re.compile(r"^\d+(\.\d+)*$")
MEDIA_TYPE = re.compile(r"^[a-z]+/[a-z0-9.+-]+$")
URL = re.compile(r"^https?://\S+$")
RECORD_TYPE = re.compile(r"^\d{3}$")


@dataclass
class Context:
    problems: list[str] = field(default_factory=list)
    # kind → {key: path where declared}
    declared: dict[str, dict[str, str]] = field(default_factory=dict)
    # (kind, key, path where referenced)
    references: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, path: str, problem: str) -> None:
        self.problems.append(f"{path}: {problem}")

    def declare(self, kind: str, key: str, path: str) -> None:
        seen = self.declared.setdefault(kind, {})
        if key in seen:
            self.add(path, f"duplicate {kind} {key!r} (first at {seen[key]})")
        else:
            seen[key] = path

    def refer(self, kind: str, key: str, path: str) -> None:
        self.references.append((kind, key, path))


Checker = Callable[[Any, str, Context], None]


@dataclass(frozen=True)
class F:
    """A field of a mapping: its checker and whether it must be present."""

    check: Checker
    required: bool = True


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def mapping(spec: dict[str, F], *, after: Checker | None = None) -> Checker:
    def check(value: Any, path: str, ctx: Context) -> None:
        if not isinstance(value, dict):
            ctx.add(path or "(top level)", "must be a mapping")
            return
        for key in value:
            if key not in spec:
                ctx.add(_join(path, str(key)), "unknown key")
        for key, spec_field in spec.items():
            if value.get(key) is None:
                if spec_field.required:
                    ctx.add(_join(path, key), "missing")
                continue
            spec_field.check(value[key], _join(path, key), ctx)
        if after is not None:
            after(value, path, ctx)

    return check


def seq(item: Checker, *, min_items: int = 0) -> Checker:
    def check(value: Any, path: str, ctx: Context) -> None:
        if not isinstance(value, list):
            ctx.add(path, "must be a list")
            return
        if len(value) < min_items:
            ctx.add(path, f"must have at least {min_items} item(s)")
        for i, element in enumerate(value):
            item(element, f"{path}[{i}]", ctx)

    return check


def string(
    pattern: re.Pattern[str] | None = None,
    *,
    choices: dict[str, str] | tuple[str, ...] | None = None,
    declares: str = "",
    refers: str = "",
    hint: str = "",
) -> Checker:
    def check(value: Any, path: str, ctx: Context) -> None:
        if not isinstance(value, str):
            ctx.add(path, f"must be a string{' (' + hint + ')' if hint else ''}")
            return
        if not value.strip():
            ctx.add(path, "must not be empty")
            return
        if pattern is not None and not pattern.match(value):
            ctx.add(path, f"{value!r} does not match {pattern.pattern}")
            return
        if choices is not None and value not in choices:
            ctx.add(path, f"{value!r} is not one of {', '.join(choices)}")
            return
        if declares:
            ctx.declare(declares, value, path)
        if refers:
            ctx.refer(refers, value, path)

    return check


TEXT = string()


def integer(*, positive: bool = True) -> Checker:
    def check(value: Any, path: str, ctx: Context) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            ctx.add(path, "must be an integer")
        elif positive and value <= 0:
            ctx.add(path, f"must be positive, got {value}")

    return check


def share(value: Any, path: str, ctx: Context) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        ctx.add(path, "must be a number")
    elif not 0 < value < 1:
        ctx.add(path, f"must be between 0 and 1 (exclusive), got {value}")


def boolean(value: Any, path: str, ctx: Context) -> None:
    if not isinstance(value, bool):
        ctx.add(path, "must be true or false")


def date(value: Any, path: str, ctx: Context) -> None:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        ctx.add(path, "must be a date (YYYY-MM-DD)")


def labels(*, declares: str) -> Checker:
    """A mapping of code → Chinese label, e.g. record_kinds."""

    def check(value: Any, path: str, ctx: Context) -> None:
        if not isinstance(value, dict) or not value:
            ctx.add(path, "must be a non-empty mapping of code to label")
            return
        for key, label in value.items():
            string(CODE, declares=declares)(key, _join(path, str(key)), ctx)
            TEXT(label, _join(path, str(key)), ctx)

    return check


# -- rules -----------------------------------------------------------------------------------

CITATION = mapping(
    {"source": F(string(SOURCE_KEY, refers="citation key")), "article": F(TEXT, required=False)}
)


def _status_note(value: dict[str, Any], path: str, ctx: Context) -> None:
    if value.get("status") == UNCONFIRMED and not value.get("note"):
        ctx.add(_join(path, "note"), "required when status is unconfirmed")


def rule(*, declares_id: str = "", **extra: F) -> Checker:
    """A rule: id, citation, status, note (required when unconfirmed), also, plus ``extra``."""
    spec = {
        "id": F(string(RULE_ID, declares="rule id")),
        "citation": F(CITATION),
        "also": F(seq(CITATION), required=False),
        "status": F(string(choices=STATUSES)),
        "note": F(TEXT, required=False),
        **extra,
    }

    def after(value: dict[str, Any], path: str, ctx: Context) -> None:
        _status_note(value, path, ctx)
        if declares_id and isinstance(value.get("id"), str):
            ctx.declare(declares_id, value["id"], _join(path, "id"))

    return mapping(spec, after=after)


SOURCE = mapping(
    {
        "title": F(TEXT),
        "issuer": F(TEXT, required=False),
        "number": F(TEXT, required=False),
        "date": F(date, required=False),
        "effective": F(date, required=False),
        "url": F(string(URL), required=False),
        "reference": F(TEXT, required=False),
        "status": F(string(choices=STATUSES)),
        "note": F(TEXT, required=False),
    },
    after=_status_note,
)


def citations(value: Any, path: str, ctx: Context) -> None:
    if not isinstance(value, dict) or not value:
        ctx.add(path, "must be a non-empty mapping of source key to source")
        return
    for key, source in value.items():
        string(SOURCE_KEY, declares="citation key")(key, _join(path, str(key)), ctx)
        SOURCE(source, _join(path, str(key)), ctx)


MATERIAL_REF = mapping(
    {
        "code": F(string(CODE, refers="material")),
        "mandatory": F(boolean, required=False),
        "when": F(TEXT, required=False),
    }
)

REMEDY = rule(
    text=F(TEXT),
    record_types=F(
        seq(
            mapping({"code": F(string(RECORD_TYPE, hint='quote it, e.g. "412"')), "label": F(TEXT)})
        ),
        required=False,
    ),
)

CATEGORY = rule(
    code=F(string(CODE, declares="category")),
    label=F(TEXT),
    description=F(TEXT),
    example=F(TEXT, required=False),
    record_kinds=F(seq(string(CODE, refers="record kind"), min_items=1)),
    report_sections=F(seq(TEXT), required=False),
    remedy=F(REMEDY),
    materials=F(seq(MATERIAL_REF, min_items=1)),
)

MATERIAL = rule(
    code=F(string(CODE, declares="material")),
    label=F(TEXT),
    description=F(TEXT),
    accepted_id_types=F(seq(string(CODE), min_items=1), required=False),
)

APPLICANT_TYPE = rule(
    code=F(string(CODE, declares="applicant type")),
    label=F(TEXT),
    description=F(TEXT),
    materials=F(seq(string(CODE, refers="material"), min_items=1)),
)

MATERIALS = mapping(
    {
        "catalog": F(seq(MATERIAL, min_items=1)),
        "applicant_types": F(seq(APPLICANT_TYPE, min_items=1)),
    }
)

COUNTING = rule(
    code=F(string(choices=tuple(COUNTING_METHODS), declares="counting method")),
    text=F(TEXT),
)

DEADLINE = rule(
    declares_id="deadline",
    code=F(string(CODE, declares="deadline code")),
    label=F(TEXT),
    text=F(TEXT),
    length=F(integer()),
    unit=F(string(choices=tuple(UNITS))),
    start_event=F(string(choices=tuple(START_EVENTS))),
    counting=F(string(CODE, refers="counting method")),
)


def _has_reply(value: dict[str, Any], path: str, ctx: Context) -> None:
    rules = value.get("rules")
    if isinstance(rules, list) and not any(
        isinstance(r, dict) and r.get("code") == "reply" for r in rules
    ):
        ctx.add(_join(path, "rules"), "no deadline with code 'reply' (the dispute's own clock)")


DEADLINES = mapping(
    {
        "counting": F(seq(COUNTING, min_items=1)),
        "rules": F(seq(DEADLINE, min_items=1)),
        "warning": F(rule(share=F(share), text=F(TEXT))),
        "pauses": F(rule(states=F(seq(string(CODE))), text=F(TEXT))),
    },
    after=_has_reply,
)

FINDING = rule(
    code=F(string(CODE, declares="finding")),
    label=F(TEXT),
    effect=F(TEXT),
    mark=F(string(choices=tuple(MARK_EFFECTS))),
    reply_text=F(TEXT),
    tell_other_avenues=F(boolean),
)

AVENUE = rule(
    code=F(string(CODE, declares="avenue")),
    label=F(TEXT),
    where=F(TEXT),
    how=F(TEXT),
    deadline_text=F(TEXT),
    deadline=F(string(RULE_ID, refers="deadline"), required=False),
)

INTAKE = mapping(
    {
        "supplement": F(rule(text=F(TEXT))),
        "grounds": F(
            seq(
                rule(code=F(string(CODE, declares="intake ground")), label=F(TEXT), text=F(TEXT)),
                min_items=1,
            )
        ),
    }
)

UPLOADS = rule(
    max_file_bytes=F(integer()),
    max_files_per_case=F(integer()),
    media_types=F(seq(string(MEDIA_TYPE), min_items=1)),
    text=F(TEXT),
)

LETTERS = mapping(
    {
        "preview_before_issue": F(
            rule(
                kinds=F(seq(string(choices=PREVIEWABLE_LETTER_KINDS), min_items=1)),
                text=F(TEXT),
            ),
            required=False,
        ),
    }
)

PACK = mapping(
    {
        "regime": F(string(CODE)),
        "version": F(string(VERSION, hint='quote it, e.g. "2026.1"')),
        "effective_from": F(date),
        "title": F(TEXT),
        "note": F(TEXT, required=False),
        "citations": F(citations),
        "record_kinds": F(labels(declares="record kind")),
        "categories": F(seq(CATEGORY, min_items=1)),
        "materials": F(MATERIALS),
        "deadlines": F(DEADLINES),
        "findings": F(seq(FINDING, min_items=1)),
        "other_avenues": F(seq(AVENUE)),
        "intake": F(INTAKE),
        "uploads": F(UPLOADS),
        "letters": F(LETTERS, required=False),
    }
)


def validate(data: Any) -> list[str]:
    """Every problem in a parsed pack, with its path; an empty list means the pack is valid."""
    ctx = Context()
    PACK(data, "", ctx)
    for kind, key, path in ctx.references:
        if key not in ctx.declared.get(kind, {}):
            ctx.add(path, f"unknown {kind} {key!r}")
    return ctx.problems
