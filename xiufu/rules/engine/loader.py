"""Parsing a rule pack: YAML text → validated, immutable ``RulePack``."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import yaml

from xiufu.rules.engine.errors import PackError
from xiufu.rules.engine.model import (
    ApplicantType,
    Avenue,
    Category,
    Citation,
    CountingRule,
    DeadlineRule,
    Finding,
    IntakeGround,
    LetterPreviewRule,
    Material,
    MaterialRef,
    PauseRule,
    RecordType,
    Remedy,
    Source,
    SupplementRule,
    UploadLimits,
    WarningRule,
)
from xiufu.rules.engine.pack import RecordKind, RulePack
from xiufu.rules.engine.validate import validate

# A pack is a few dozen kilobytes; anything much larger is a mistake or an attack.
MAX_PACK_CHARS = 500_000


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (no "billion laughs") and reports duplicate keys, which
    PyYAML would otherwise silently resolve to the last value."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[str] = []

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases are not allowed in rule packs", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str | int | float | bool) and key in seen:
                line = key_node.start_mark.line + 1
                self.duplicates.append(f"line {line}: duplicate key {key!r}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str) -> Any:
    """The YAML as Python data; syntax errors and duplicate keys raise ``PackError``."""
    if len(text) > MAX_PACK_CHARS:
        raise PackError([f"(text): longer than {MAX_PACK_CHARS} characters"])
    loader = _StrictLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise PackError([f"(yaml): {' '.join(str(exc).split())}"]) from None
    finally:
        loader.dispose()
    if loader.duplicates:
        raise PackError([f"(yaml) {d}" for d in loader.duplicates])
    return data


def canonical_sha256(data: Any) -> str:
    """SHA-256 of the pack's content, independent of comments, layout and key order."""
    canonical = json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_iso
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_pack(text: str) -> RulePack:
    """Parse and validate a rule pack. Raises ``PackError`` listing every problem found."""
    data = parse_yaml(text)
    problems = validate(data)
    if problems:
        raise PackError(problems)
    return _Builder(data).pack(canonical_sha256(data))


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"unexpected {type(value).__name__} in rule pack")


class _Builder:
    """Turns validated data into dataclasses, resolving citations against the citation table."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.sources = {key: _source(key, value) for key, value in data["citations"].items()}

    def pack(self, sha256: str) -> RulePack:
        d = self.data
        deadlines = d["deadlines"]
        counting = tuple(self.counting(r) for r in deadlines["counting"])
        return RulePack(
            regime=d["regime"],
            version=d["version"],
            effective_from=d["effective_from"],
            title=d["title"],
            sha256=sha256,
            note=d.get("note") or "",
            sources=tuple(self.sources.values()),
            record_kinds=tuple(RecordKind(k, v) for k, v in d["record_kinds"].items()),
            categories=tuple(self.category(c) for c in d["categories"]),
            materials=tuple(self.material(m) for m in d["materials"]["catalog"]),
            applicant_types=tuple(
                self.applicant_type(a) for a in d["materials"]["applicant_types"]
            ),
            counting_rules=counting,
            deadlines=tuple(self.deadline(r, counting) for r in deadlines["rules"]),
            warning=WarningRule(
                **self.base(deadlines["warning"]),
                share=float(deadlines["warning"]["share"]),
                text=deadlines["warning"]["text"],
            ),
            pauses=PauseRule(
                **self.base(deadlines["pauses"]),
                states=tuple(deadlines["pauses"]["states"]),
                text=deadlines["pauses"]["text"],
            ),
            findings=tuple(self.finding(f) for f in d["findings"]),
            avenues=tuple(self.avenue(a) for a in d["other_avenues"]),
            supplement=SupplementRule(
                **self.base(d["intake"]["supplement"]), text=d["intake"]["supplement"]["text"]
            ),
            grounds=tuple(self.ground(g) for g in d["intake"]["grounds"]),
            uploads=self.uploads(d["uploads"]),
            letter_preview=self.letter_preview(
                (d.get("letters") or {}).get("preview_before_issue")
            ),
        )

    def citation(self, value: dict[str, Any]) -> Citation:
        source = self.sources[value["source"]]
        return Citation(source.key, source.title, value.get("article") or "", source.url)

    def base(self, value: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": value["id"],
            "citation": self.citation(value["citation"]),
            "status": value["status"],
            "note": value.get("note") or "",
            "also": tuple(self.citation(c) for c in value.get("also") or ()),
        }

    def category(self, value: dict[str, Any]) -> Category:
        remedy = value["remedy"]
        return Category(
            **self.base(value),
            code=value["code"],
            label=value["label"],
            description=value["description"],
            example=value.get("example") or "",
            record_kinds=tuple(value["record_kinds"]),
            report_sections=tuple(value.get("report_sections") or ()),
            remedy=Remedy(
                **self.base(remedy),
                text=remedy["text"],
                record_types=tuple(
                    RecordType(r["code"], r["label"]) for r in remedy.get("record_types") or ()
                ),
            ),
            materials=tuple(
                MaterialRef(m["code"], bool(m.get("mandatory", False)), m.get("when") or "")
                for m in value["materials"]
            ),
        )

    def material(self, value: dict[str, Any]) -> Material:
        return Material(
            **self.base(value),
            code=value["code"],
            label=value["label"],
            description=value["description"],
            accepted_id_types=tuple(value.get("accepted_id_types") or ()),
        )

    def applicant_type(self, value: dict[str, Any]) -> ApplicantType:
        return ApplicantType(
            **self.base(value),
            code=value["code"],
            label=value["label"],
            description=value["description"],
            materials=tuple(value["materials"]),
        )

    def counting(self, value: dict[str, Any]) -> CountingRule:
        return CountingRule(**self.base(value), code=value["code"], text=value["text"])

    def deadline(self, value: dict[str, Any], counting: tuple[CountingRule, ...]) -> DeadlineRule:
        method = next(c for c in counting if c.code == value["counting"])
        return DeadlineRule(
            **self.base(value),
            code=value["code"],
            label=value["label"],
            text=value["text"],
            length=value["length"],
            unit=value["unit"],
            start_event=value["start_event"],
            counting=method.code,
            counting_rule_id=method.id,
            counting_citation=method.citation,
        )

    def finding(self, value: dict[str, Any]) -> Finding:
        return Finding(
            **self.base(value),
            code=value["code"],
            label=value["label"],
            effect=value["effect"],
            mark=value["mark"],
            reply_text=value["reply_text"],
            tell_other_avenues=value["tell_other_avenues"],
        )

    def avenue(self, value: dict[str, Any]) -> Avenue:
        return Avenue(
            **self.base(value),
            code=value["code"],
            label=value["label"],
            where=value["where"],
            how=value["how"],
            deadline_text=value["deadline_text"],
            deadline=value.get("deadline") or "",
        )

    def ground(self, value: dict[str, Any]) -> IntakeGround:
        return IntakeGround(
            **self.base(value), code=value["code"], label=value["label"], text=value["text"]
        )

    def letter_preview(self, value: dict[str, Any] | None) -> LetterPreviewRule | None:
        if value is None:
            return None
        return LetterPreviewRule(
            **self.base(value), kinds=tuple(value["kinds"]), text=value["text"]
        )

    def uploads(self, value: dict[str, Any]) -> UploadLimits:
        return UploadLimits(
            **self.base(value),
            max_file_bytes=value["max_file_bytes"],
            max_files_per_case=value["max_files_per_case"],
            media_types=tuple(value["media_types"]),
            text=value["text"],
        )


def _source(key: str, value: dict[str, Any]) -> Source:
    return Source(
        key=key,
        title=value["title"],
        status=value["status"],
        issuer=value.get("issuer") or "",
        number=value.get("number") or "",
        date=value.get("date"),
        effective=value.get("effective"),
        url=value.get("url") or "",
        reference=value.get("reference") or "",
        note=value.get("note") or "",
    )
