"""The demo world in memory: enterprises, people and record pairs, built before any database write.

Building the whole world in plain Python first keeps the load deterministic and fast (one
``bulk_create`` per table) and lets the manifest of planted errors be computed without a database.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings

from xiufu.demo.data import Region
from xiufu.demo.manifest import (
    CATEGORIES,
    Kind,
    PlantedError,
    TrueNegative,
    difference,
)

SEED = 20261102
# Every record date is relative to this fixed day, not to today, so that the story never ages.
ANCHOR_DATE = dt.date(2026, 11, 2)
# The demo bank sends a full monthly snapshot; the records shown are the October 2026 batch.
REPORTING_DATE = dt.date(2026, 10, 31)
HISTORY_MONTHS = 24

_KIND_CODES: dict[str, str] = {"loans": "L", "guarantees": "G", "public_records": "P"}


@dataclass(frozen=True)
class PersonSeed:
    """A natural person of the demo (legal representative or agent)."""

    name: str
    id_number: str
    phone: str


@dataclass(frozen=True)
class EnterpriseSeed:
    """An enterprise of the demo, before it is written to the database."""

    key: str  # story key ("chenguang") or "bg-NN" for background enterprises
    uscc: str
    name: str
    industry: str
    region: Region
    address: str
    established_on: dt.date
    registered_capital: Decimal  # 万元
    legal_representative: PersonSeed


@dataclass
class RecordPair:
    """One record as reported to the bureau and as the ledger holds it (field dicts)."""

    kind: Kind
    ledger: dict[str, Any]
    reported: dict[str, Any]

    @property
    def business_id(self) -> str:
        return str(self.ledger["business_id"])


@dataclass
class World:
    """Everything the loader writes, plus the manifest of planted errors and true negatives."""

    enterprises: list[EnterpriseSeed] = field(default_factory=list)
    agents: dict[str, PersonSeed] = field(default_factory=dict)  # username -> agent person
    pairs: list[RecordPair] = field(default_factory=list)
    planted: list[PlantedError] = field(default_factory=list)
    true_negatives: list[TrueNegative] = field(default_factory=list)
    # Loans that are clean and never altered: safe to guarantee in the background.
    clean_loans: list[dict[str, Any]] = field(default_factory=list)
    _sequences: Counter[str] = field(default_factory=Counter)

    def enterprise(self, key: str) -> EnterpriseSeed:
        return next(e for e in self.enterprises if e.key == key)

    def names(self) -> dict[str, str]:
        return {e.uscc: e.name for e in self.enterprises}

    def used_names(self) -> set[str]:
        return {e.name for e in self.enterprises}

    def used_ids(self) -> set[str]:
        people = [e.legal_representative for e in self.enterprises] + list(self.agents.values())
        return {p.id_number for p in people}

    def next_business_id(self, kind: Kind) -> str:
        """Furnisher code + record kind + sequence, e.g. ``B0000000000001-L-000123``."""
        self._sequences[kind] += 1
        return f"{settings.FURNISHER_CODE}-{_KIND_CODES[kind]}-{self._sequences[kind]:06d}"

    def count(self, kind: Kind, uscc: str) -> int:
        return sum(1 for p in self.pairs if p.kind == kind and p.reported["enterprise"] == uscc)

    def add(self, kind: Kind, ledger: dict[str, Any]) -> RecordPair:
        """Add a correct record: the reported copy equals the ledger."""
        pair = RecordPair(kind, ledger, dict(ledger))
        self.pairs.append(pair)
        return pair

    def plant(
        self,
        key: str,
        category: str,
        kind: Kind,
        ledger: dict[str, Any],
        wrong: dict[str, Any],
        *,
        description: str,
        expected: str,
    ) -> PlantedError:
        """Add a record whose reported copy carries the ``wrong`` values; the ledger is right."""
        if category not in CATEGORIES:
            raise ValueError(f"unknown category {category}")
        pair = self.add(kind, ledger)
        pair.reported.update(wrong)
        names = self.names()
        error = PlantedError(
            key=key,
            category=category,
            kind=kind,
            business_id=pair.business_id,
            enterprise_uscc=pair.reported["enterprise"],
            enterprise_name=names[pair.reported["enterprise"]],
            differences=tuple(
                difference(kind, name, value, ledger[name], names)
                for name, value in wrong.items()
                if value != ledger[name]
            ),
            description_zh=description,
            expected_zh=expected,
        )
        self.planted.append(error)
        return error

    def true_negative(
        self, key: str, kind: Kind, ledger: dict[str, Any], *, facts: str, expected: str
    ) -> TrueNegative:
        """Add a correct adverse record and list it as a true negative."""
        pair = self.add(kind, ledger)
        negative = TrueNegative(
            key=key,
            kind=kind,
            business_id=pair.business_id,
            enterprise_uscc=ledger["enterprise"],
            enterprise_name=self.names()[ledger["enterprise"]],
            facts_zh=facts,
            expected_zh=expected,
        )
        self.true_negatives.append(negative)
        return negative
