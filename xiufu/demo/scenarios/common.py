"""Helpers shared by the story scenarios: look up a story enterprise, build its records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xiufu.demo.builders import authority_for, document_number_for, make_loan, make_public_record
from xiufu.demo.world import World

D = dt.date


def uscc_of(world: World, key: str) -> str:
    """The USCC of a story enterprise."""
    return world.enterprise(key).uscc


def story_loan(world: World, key: str, **facts: Any) -> dict[str, Any]:
    """A loan of a story enterprise (see ``make_loan`` for the facts)."""
    return make_loan(world, uscc_of(world, key), **facts)


def story_public_record(
    world: World, key: str, kind: str, decided: dt.date, **facts: Any
) -> dict[str, Any]:
    """A public record of a story enterprise, decided by the body of its district."""
    region = world.enterprise(key).region
    return make_public_record(
        world,
        uscc_of(world, key),
        kind=kind,
        authority=authority_for(kind, region),
        document_number=document_number_for(kind, region, decided.year, facts.pop("number")),
        decided_on=decided,
        **facts,
    )
