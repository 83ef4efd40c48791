"""Assemble the whole demo world, deterministically, without touching the database."""

from __future__ import annotations

import random

from xiufu.demo.background import (
    add_background_enterprises,
    add_background_guarantees,
    add_background_loans,
    add_background_public_records,
)
from xiufu.demo.scenarios import add_story, add_story_enterprises
from xiufu.demo.world import SEED, World

ENTERPRISE_COUNT = 64
# About one enterprise in five has a public record: five in the story, the rest here.
BACKGROUND_PUBLIC_RECORDS = 8


def build_world() -> World:
    """The demo world. The same seed and order of draws give the same world every time."""
    rng = random.Random(SEED)
    world = World()
    add_story_enterprises(world, rng)
    add_background_enterprises(world, rng, total=ENTERPRISE_COUNT)
    add_story(world, rng)
    add_background_loans(world, rng)
    add_background_guarantees(world, rng)
    add_background_public_records(world, rng, count=BACKGROUND_PUBLIC_RECORDS)
    return world
