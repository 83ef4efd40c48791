"""Valid, fictitious identifiers for the demo: USCCs, resident ID numbers, names, phones."""

from __future__ import annotations

import datetime as dt
import random

from xiufu.core.identifiers import (
    USCC_ALPHABET,
    ric_check_character,
    uscc_check_character,
    validate_resident_id,
    validate_uscc,
)
from xiufu.demo.data import FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, MOBILE_PREFIXES, SURNAMES

# GB 11714-1997: weights of the 8-character organization code body.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Letters allowed in a USCC (no I, O, S, V, Z), so the body stays inside the USCC alphabet.
_USCC_LETTERS = USCC_ALPHABET[10:]


def _org_code_value(ch: str) -> int:
    # GB 11714 counts letters A=10 … Z=35 over the full Latin alphabet.
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def organization_code(body: str) -> str:
    """The 9-character organization code: the 8-character body plus its GB 11714 check."""
    total = sum(_org_code_value(ch) * w for ch, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(rng: random.Random, *, region_code: str, category: str, modern: bool) -> str:
    """A valid USCC registered by market supervision (authority 9).

    Enterprises registered after the 2015 reform got bodies starting "MA"; older ones kept their
    numeric organization code.
    """
    if modern:
        body = "MA" + "".join(rng.choice(USCC_ALPHABET[:10] + _USCC_LETTERS) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = "9" + category + region_code + organization_code(body)
    return validate_uscc(first17 + uscc_check_character(first17))


def make_person(rng: random.Random, *, region_code: str) -> tuple[str, str]:
    """A plausible name and a valid resident ID number (born 1960–1995, registered in the
    region) whose sex digit matches the name."""
    male = rng.random() < 0.6
    given = rng.choice(MALE_GIVEN_NAMES if male else FEMALE_GIVEN_NAMES)
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(36 * 365))
    # GB 11643: the sequence code is odd for men and even for women.
    sequence = rng.randrange(0, 499) * 2 + (1 if male else 2)
    first17 = f"{region_code}{birth:%Y%m%d}{sequence:03d}"
    return rng.choice(SURNAMES) + given, validate_resident_id(
        first17 + ric_check_character(first17)
    )


def make_mobile(rng: random.Random) -> str:
    """An 11-digit mobile number with a real operator prefix."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
