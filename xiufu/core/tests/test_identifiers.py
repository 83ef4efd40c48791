"""USCC (GB 32100-2015) and resident ID (GB 11643-1999) validation."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from xiufu.core.identifiers import (
    RIC_CHECK,
    USCC_ALPHABET,
    USCC_AUTHORITIES,
    IdentifierError,
    mask_id_number,
    mask_id_numbers_in_text,
    ric_check_character,
    uscc_check_character,
    validate_resident_id,
    validate_uscc,
)

# Codes of real organisations, published on their own sites and the national registry.
REAL_USCCS = [
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
    "91110000600037341L",  # python-stdnum's documented example
    "91110108551385082Q",
    "91110000100005888C",
    "12100000400000624D",  # a public institution (机构编制 / 事业单位)
    "53100000500021676K",  # a foundation (民政 / 基金会)
]
REAL_RESIDENT_IDS = [
    "11010519491231002X",  # the example of GB 11643-1999
    "440524188001010014",  # the standard's other example: born 1880
    "11010119900307803X",
]


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_usccs_are_valid(code):
    assert validate_uscc(code) == code


def test_lower_case_and_blanks_are_normalised():
    assert validate_uscc("  91440300708461136t ") == "91440300708461136T"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("9144030070846113", "length"),
        ("91440300708461136TX", "length"),
        ("91440300708461136I", "charset"),  # I is not in the alphabet
        ("91440300708461O36T", "charset"),
        ("Z1440300708461136T", "charset"),
        ("B1440300708461136T", "authority"),  # B is in the alphabet but no authority
        ("95440300708461136T", "category"),  # 工商 issues 1, 2, 3, 9 only
        ("9144A300708461136T", "region"),
        ("914403007084611360", "check_character"),
    ],
)
def test_invalid_usccs_say_why(code, reason):
    with pytest.raises(IdentifierError) as caught:
        validate_uscc(code)
    assert caught.value.reason == reason
    assert caught.value.message  # a Chinese sentence for the user


def test_check_character_message_names_the_expected_character():
    with pytest.raises(IdentifierError) as caught:
        validate_uscc("914403007084611360")
    assert "应为“T”" in caught.value.message


def test_remainder_zero_gives_check_character_zero():
    # Find a body whose weighted sum is ≡ 0 (mod 31): the check must be '0', not index 31.
    body = next(
        f"9144030070846{n:04d}"
        for n in range(10000)
        if sum(
            USCC_ALPHABET.index(c) * w
            for c, w in zip(f"9144030070846{n:04d}", (3**i % 31 for i in range(17)), strict=True)
        )
        % 31
        == 0
    )
    assert uscc_check_character(body) == "0"
    validate_uscc(body + "0")


uscc_bodies = st.tuples(
    st.sampled_from(sorted(USCC_AUTHORITIES)),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
).map(lambda t: t[0] + sorted(USCC_AUTHORITIES[t[0]][1])[0] + t[1] + t[2])


@given(uscc_bodies)
def test_weights_are_powers_of_three_mod_31(first17):
    expected_total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    assert USCC_ALPHABET.index(uscc_check_character(first17)) == (-expected_total) % 31


@given(uscc_bodies)
def test_generated_codes_validate_and_agree_with_stdnum(first17):
    code = first17 + uscc_check_character(first17)
    assert validate_uscc(code) == code
    # python-stdnum agrees on the check character (its authority table is older than ours:
    # it refuses A, G, J, N and Q codes, which is why we keep our own validator).
    assert stdnum_uscc.calc_check_digit(first17) == code[17]


@given(uscc_bodies, st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_any_single_substitution_is_detected(first17, position, replacement):
    code = first17 + uscc_check_character(first17)
    if code[position] == replacement:
        return
    altered = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(IdentifierError):
        validate_uscc(altered)


ric_bodies = st.tuples(
    st.sampled_from(["110105", "310115", "440305", "330106", "510107", "650102"]),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(0, 999),
).map(lambda t: f"{t[0]}{t[1]:%Y%m%d}{t[2]:03d}")


@pytest.mark.parametrize("number", REAL_RESIDENT_IDS)
def test_real_resident_ids_are_valid(number):
    assert validate_resident_id(number) == number


@given(ric_bodies)
def test_generated_ids_validate_and_agree_with_stdnum(first17):
    number = first17 + ric_check_character(first17)
    assert validate_resident_id(number) == number
    # stdnum also checks the county existed in the birth year; we only compare the check digit.
    assert stdnum_ric.calc_check_digit(number) == number[17]


@given(ric_bodies, st.integers(0, 17))
def test_changing_any_character_of_an_id_is_detected(first17, position):
    number = first17 + ric_check_character(first17)
    pool = RIC_CHECK if position == 17 else "0123456789"
    replacement = next(c for c in pool if c != number[position])
    with pytest.raises(IdentifierError):
        validate_resident_id(number[:position] + replacement + number[position + 1 :])


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("11010519491231002", "length"),
        ("1101051949123100XX", "charset"),
        ("99010519491231002X", "region"),
        ("110105194902300021", "birth_date"),  # 30 February
        ("110105294901010021", "birth_date"),  # in the future
        ("110105194912310021", "check_character"),
    ],
)
def test_invalid_resident_ids_say_why(number, reason):
    with pytest.raises(IdentifierError) as caught:
        validate_resident_id(number, today=dt.date(2026, 11, 27))
    assert caught.value.reason == reason


def test_masking_keeps_only_a_few_characters():
    assert mask_id_number("11010519491231002X") == "110*************2X"
    text = "申请人 11010519491231002X 与企业 91440300708461136T"
    masked = mask_id_numbers_in_text(text)
    assert "11010519491231002X" not in masked
    assert "91440300708461136T" in masked  # a USCC is not personal data
