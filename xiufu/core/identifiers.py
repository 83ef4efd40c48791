"""Chinese identifiers: the USCC (GB 32100-2015) and the resident ID number (GB 11643-1999).

Pure Python: importing it needs no Django. Each validator returns nothing or raises
``IdentifierError`` whose ``reason`` says exactly what is wrong (length, character set, a code that
does not exist, the check character), so that the API and the pages can tell the user which rule
failed. The message is in the active language when Django is set up (see ``_``), else in Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# REGULATIONS.md §7: 31 symbols, without I, O, S, V, Z.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _(message: str) -> str:
    """``message`` translated into the active language when Django is set up and ready (the
    project's catalogue), else ``message`` itself, in Chinese. Named ``_`` so that makemessages
    collects the messages; Django is imported only here, when a message is built."""
    try:
        from django.apps import apps
        from django.conf import settings
    except ImportError:  # pragma: no cover - this module used without Django installed
        return message
    if not (settings.configured and apps.ready):
        return message
    from django.utils.translation import gettext

    return gettext(message)


def gettext_noop(message: str) -> str:
    """Marks a constant for makemessages; it is translated with ``_`` where it is shown."""
    return message


# GB 32100-2015 Table 1 and its amendments (公安 G, 住建 J, 侨联 Q added; 司法行政 36 商事调解,
# 民政 54/55 村/居民委员会, 工会 82, 工商 99 added): registration-authority code (position 1) ->
# (authority, the institution-category codes (position 2) it issues). The union of the published
# editions, so that a code issued under any of them validates.
USCC_AUTHORITIES: dict[str, tuple[str, frozenset[str]]] = {
    "1": (gettext_noop("机构编制"), frozenset("1239")),
    "2": (gettext_noop("外交"), frozenset("19")),
    "3": (gettext_noop("司法行政"), frozenset("1234569")),
    "4": (gettext_noop("文化"), frozenset("19")),
    "5": (gettext_noop("民政"), frozenset("123459")),
    "6": (gettext_noop("旅游"), frozenset("129")),
    "7": (gettext_noop("宗教"), frozenset("129")),
    "8": (gettext_noop("工会"), frozenset("129")),
    "9": (gettext_noop("工商（市场监管）"), frozenset("1239")),
    "A": (gettext_noop("中央军委改革和编制办公室"), frozenset("19")),
    "G": (gettext_noop("公安"), frozenset("19")),
    "J": (gettext_noop("住房城乡建设"), frozenset("19")),
    "N": (gettext_noop("农业农村"), frozenset("1239")),
    "Q": (gettext_noop("侨联"), frozenset("1239")),
    "Y": (gettext_noop("其他"), frozenset("1")),
}

# GB 11643-1999 §7 / ISO 7064 MOD 11-2.
RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RIC_CHECK = "10X98765432"
# First two digits of GB/T 2260 address codes: the provinces and equivalents.
RIC_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "  # noqa: SIM905
    "61 62 63 64 65 71 81 82 83 91".split()
)


@dataclass(frozen=True)
class IdentifierError(ValueError):
    """Why an identifier is invalid. ``reason`` is a stable code, ``message`` a plain sentence in
    the active language (Chinese by default)."""

    reason: str
    message: str

    def __str__(self) -> str:
        return self.message


def normalise(value: str) -> str:
    """Strip surrounding blanks and upper-case; full-width letters are not accepted."""
    return value.strip().upper()


def uscc_check_character(first17: str) -> str:
    """The check character for the first 17 characters of a USCC."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    # Keep the outer mod 31: a remainder of 0 gives '0', not an index of 31.
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    """Return the normalised USCC or raise ``IdentifierError``."""
    code = normalise(value)
    if len(code) != 18:
        raise IdentifierError(
            "length", _("统一社会信用代码应为18位，实际为%(length)s位。") % {"length": len(code)}
        )
    bad = sorted({ch for ch in code if ch not in USCC_ALPHABET})
    if bad:
        raise IdentifierError(
            "charset",
            _("统一社会信用代码含有不允许的字符：%(characters)s（不使用 I、O、S、V、Z）。")
            % {"characters": "".join(bad)},
        )
    authority = USCC_AUTHORITIES.get(code[0])
    if authority is None:
        raise IdentifierError(
            "authority", _("第1位登记管理部门代码“%(code)s”不存在。") % {"code": code[0]}
        )
    if code[1] not in authority[1]:
        raise IdentifierError(
            "category",
            _("第2位机构类别代码“%(code)s”不属于登记管理部门“%(authority)s”。")
            % {"code": code[1], "authority": _(authority[0])},
        )
    if not code[2:8].isdigit():
        raise IdentifierError("region", _("第3至8位登记管理机关行政区划码应为6位数字。"))
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise IdentifierError(
            "check_character",
            _("统一社会信用代码校验位错误：第18位应为“%(expected)s”，实际为“%(actual)s”。")
            % {"expected": expected, "actual": code[17]},
        )
    return code


def ric_check_character(first17: str) -> str:
    total = sum(int(ch) * w for ch, w in zip(first17, RIC_WEIGHTS, strict=True))
    return RIC_CHECK[total % 11]


def validate_resident_id(value: str, *, today: dt.date | None = None) -> str:
    """Return the normalised 18-digit resident ID number or raise ``IdentifierError``."""
    number = normalise(value)
    if len(number) != 18:
        raise IdentifierError(
            "length", _("公民身份号码应为18位，实际为%(length)s位。") % {"length": len(number)}
        )
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise IdentifierError("charset", _("公民身份号码前17位应为数字，第18位为数字或X。"))
    if number[:2] not in RIC_PROVINCES:
        raise IdentifierError(
            "region", _("公民身份号码地址码“%(code)s”不存在。") % {"code": number[:6]}
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentifierError("birth_date", _("公民身份号码中的出生日期不存在。")) from None
    if birth.year < 1800 or birth > (today or dt.date.today()):
        raise IdentifierError("birth_date", _("公民身份号码中的出生日期不合理。"))
    expected = ric_check_character(number[:17])
    if number[17] != expected:
        raise IdentifierError(
            "check_character",
            _("公民身份号码校验码错误：第18位应为“%(expected)s”，实际为“%(actual)s”。")
            % {"expected": expected, "actual": number[17]},
        )
    return number


def mask_id_number(value: str) -> str:
    """Keep the first 3 and last 2 characters: enough to tell people apart, not to use it."""
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


RIC_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])([1-9]\d{5}(?:18|19|20)\d{2}\d{4}\d{3}[\dXx])(?![0-9A-Za-z])"
)


def mask_id_numbers_in_text(text: str) -> str:
    """Mask anything in free text that looks like an 18-digit resident ID number."""
    return RIC_PATTERN.sub(lambda m: mask_id_number(m.group(1)), text)
