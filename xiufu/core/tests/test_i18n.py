"""The English catalogue: every Chinese msgid translated, the shipped .mo compiled from the .po,
the pages really switch to English (and stay Chinese by default), and so do the error messages of
the API and the actions, built in the request's language when they are raised."""

from __future__ import annotations

import gettext
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation import deactivate, override

# The case fixtures, imported as xiufu/desk/tests/conftest.py does.
from xiufu.cases.tests.conftest import (  # noqa: F401 - fixtures shared with the case tests
    drive,
    overdue_loan,
)
from xiufu.factories import make_resident_id, make_uscc

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

_KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[(\d+)\])?)\s+"(.*)"$')
_CONTINUATION = re.compile(r'^"(.*)"$')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%%")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    plurals: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.plurals[i] for i in sorted(self.plurals)]


def parse_po(text: str) -> list[Entry]:
    """A small .po reader (polib is not a dependency): entries separated by blank lines."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry, current = Entry(), None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry.flags |= {f.strip() for f in line[2:].split(",")}
                continue
            if line.startswith("#~"):
                entry.obsolete = True
                continue
            if line.startswith("#"):
                continue
            keyword = _KEYWORD.match(line)
            if keyword:
                current = (keyword.group(1), keyword.group(2))
                _set(entry, current, _unescape(keyword.group(3)), append=False)
                continue
            continuation = _CONTINUATION.match(line)
            if continuation is None or current is None:
                raise ValueError(f"unparsable line in {PO.name}: {line!r}")
            _set(entry, current, _unescape(continuation.group(1)), append=True)
        if current is not None or entry.obsolete:
            entries.append(entry)
    return entries


def _set(entry: Entry, key: tuple[str, str | None], value: str, *, append: bool) -> None:
    name, index = key
    if index is not None:
        entry.plurals[int(index)] = (entry.plurals.get(int(index), "") if append else "") + value
        return
    attribute = {"msgctxt": "msgctxt", "msgid": "msgid", "msgid_plural": "msgid_plural"}.get(
        name, "msgstr"
    )
    previous = getattr(entry, attribute) if append else ""
    setattr(entry, attribute, (previous or "") + value)


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    parsed = parse_po(PO.read_text(encoding="utf-8"))
    return [e for e in parsed if e.msgid and not e.obsolete]


@pytest.fixture(scope="module")
def header() -> Entry:
    return next(e for e in parse_po(PO.read_text(encoding="utf-8")) if e.msgid == "")


# -- (a) the .po is complete ---------------------------------------------------------------------


def test_catalogue_has_hundreds_of_messages(entries):
    assert len(entries) > 300


def test_no_message_is_left_untranslated(entries):
    empty = [e.msgid for e in entries if not all(t.strip() for t in e.translations)]
    assert empty == []


def test_no_message_is_fuzzy(entries, header):
    assert "fuzzy" not in header.flags
    assert [e.msgid for e in entries if "fuzzy" in e.flags] == []
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8")


def test_header_declares_english_and_plural_forms(header):
    assert "Language: en\n" in header.msgstr
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr


def test_translations_are_english_and_keep_their_placeholders(entries):
    for e in entries:
        for translation in e.translations:
            assert sorted(_PLACEHOLDER.findall(translation)) == sorted(
                _PLACEHOLDER.findall(e.msgid)
            ), e.msgid
            # Chinese may appear only inside a law's name in 《》 after its English name.
            assert not re.search(r"[\u4e00-\u9fff]", re.sub(r"《[^》]*》", "", translation)), (
                e.msgid
            )
        if e.msgid_plural is not None:
            assert len(e.plurals) == 2, e.msgid


# -- (b) the shipped .mo is compiled from this .po ------------------------------------------------


def _mo_msgids(path: Path) -> set[str]:
    """The keys of a compiled catalogue, read from the .mo's own index (GNU format)."""
    data = path.read_bytes()
    order: Literal["little", "big"] = (
        "little" if int.from_bytes(data[:4], "little") == 0x950412DE else "big"
    )

    def word(offset: int) -> int:
        return int.from_bytes(data[offset : offset + 4], order)

    count, originals = word(8), word(12)
    keys = set()
    for i in range(count):
        length, start = word(originals + 8 * i), word(originals + 8 * i + 4)
        key = data[start : start + length].decode("utf-8")
        keys.add(key.split("\x00")[0])  # a plural entry stores "msgid\0msgid_plural"
    return keys - {""}


def test_mo_has_exactly_the_msgids_of_the_po(entries):
    po_ids = {(f"{e.msgctxt}\x04" if e.msgctxt else "") + e.msgid for e in entries}
    assert _mo_msgids(MO) == po_ids


def test_mo_translates_every_msgid_to_its_po_msgstr(entries):
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for e in entries:
        if e.msgid_plural is None:
            if e.msgctxt:
                assert catalogue.pgettext(e.msgctxt, e.msgid) == e.msgstr
            else:
                assert catalogue.gettext(e.msgid) == e.msgstr, e.msgid
        else:
            assert catalogue.ngettext(e.msgid, e.msgid_plural, 1) == e.plurals[0], e.msgid
            assert catalogue.ngettext(e.msgid, e.msgid_plural, 2) == e.plurals[1], e.msgid


# -- (c) the pages switch to English, (d) Chinese by default --------------------------------------


def _switch_to_english(client: Client, next_url: str) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": next_url})
    assert response.status_code == 302
    assert response.headers["Location"] == next_url


@pytest.mark.django_db
def test_help_centre_in_english():
    client = Client()
    _switch_to_english(client, "/portal/help/")
    page = client.get("/portal/help/").content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Help centre</h1>" in page
    assert "What can and cannot be repaired, and why" in page
    assert "How to spot illegal credit-repair intermediaries" in page
    assert "Regulation on the Administration of Credit Investigation Industry" in page
    assert "帮助中心" not in page


@pytest.mark.django_db
def test_login_page_in_english():
    client = Client()
    _switch_to_english(client, "/accounts/login/")
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    # The shared layout is translated (the form itself is not marked for translation yet).
    assert "Skip to main content" in page
    assert "Help centre" in page
    assert "Lawful dispute handling is free of charge." in page


@pytest.mark.django_db
def test_desk_queue_in_english(clerk, login):
    client = login(clerk)
    _switch_to_english(client, "/desk/")
    page = client.get("/desk/").content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Work queues</h1>" in page
    assert "Intake and formal review" in page
    assert "Sign out" in page


@pytest.mark.django_db
def test_chinese_is_the_default():
    client = Client()
    help_page = client.get("/portal/help/").content.decode()
    assert '<html lang="zh-hans">' in help_page
    assert "<h1>帮助中心</h1>" in help_page
    assert "Help centre" not in help_page
    login_page = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in login_page
    assert "跳到正文" in login_page


@pytest.mark.django_db
def test_switching_back_to_chinese(clerk, login):
    client = login(clerk)
    _switch_to_english(client, "/desk/")
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/desk/"})
    page = client.get("/desk/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "<h1>工作队列</h1>" in page


# -- (e) domain and API errors are translated when raised: English on request, Chinese by default --

ENGLISH = {"Accept-Language": "en"}
_HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """LocaleMiddleware activates a request's language for the thread and leaves it active: after
    an English request, put the default back so that later tests build their messages in Chinese."""
    yield
    deactivate()


def _post_json(client: Client, url: str, body: dict, **kwargs) -> tuple[int, dict]:
    response = client.post(url, json.dumps(body), content_type="application/json", **kwargs)
    return response.status_code, response.json()


@pytest.mark.django_db
def test_unauthenticated_api_error_in_english_and_chinese_by_default():
    english = Client().get("/api/v1/me", headers=ENGLISH)
    assert english.status_code == 401
    assert english.json()["code"] == "not_authenticated"
    assert english.json()["message"] == (
        "Please sign in first, or provide a valid API token in the Authorization header."
    )
    # The next request without a preference is Chinese again: nothing leaks between requests.
    chinese = Client().get("/api/v1/me")
    assert chinese.status_code == 401
    assert chinese.json()["code"] == "not_authenticated"
    assert chinese.json()["message"] == "请先登录，或在 Authorization 头中提供有效的接口令牌。"


def _wrong_check_character() -> str:
    good = make_uscc(900001)
    return good[:17] + ("0" if good[17] != "0" else "1")


def _enterprise(uscc: str) -> dict:
    return {
        "uscc": uscc,
        "name": "杭州新登记实业有限公司",
        "industry": "C",
        "region_code": "330106",
        "region_name": "浙江省杭州市西湖区",
        "legal_representative": {"name": "王五", "id_number": make_resident_id(7)},
    }


@pytest.mark.django_db
def test_invalid_uscc_in_english_names_the_check_character(login, clerk):
    bad = _wrong_check_character()
    expected = make_uscc(900001)[17]
    status, body = _post_json(
        login(clerk), "/api/v1/enterprises", _enterprise(bad), headers=ENGLISH
    )
    assert status == 422
    assert body["code"] == "invalid_uscc"
    assert body["message"] == (
        f"Wrong USCC check character: character 18 should be “{expected}”, not “{bad[17]}”."
    )
    error = body["details"]["errors"][0]
    assert (error["field"], error["reason"]) == ("uscc", "check_character")
    assert not _HAN.search(body["message"])


@pytest.mark.django_db
def test_invalid_uscc_stays_chinese_by_default(login, clerk):
    bad = _wrong_check_character()
    status, body = _post_json(login(clerk), "/api/v1/enterprises", _enterprise(bad))
    assert status == 422
    assert body["code"] == "invalid_uscc"
    assert body["message"] == (
        f"统一社会信用代码校验位错误：第18位应为“{make_uscc(900001)[17]}”，实际为“{bad[17]}”。"
    )


@pytest.mark.django_db
def test_wrong_state_case_action_in_english_after_switching_language(
    drive,  # noqa: F811 - the fixture imported above
    clerk,
    login,
):
    d = drive()  # a draft case: it cannot be accepted yet
    client = login(clerk)
    _switch_to_english(client, "/desk/")
    status, body = _post_json(client, f"/api/v1/cases/{d.case_id}/accept", {"version": d.v})
    assert status == 409
    assert body["code"] == "invalid_transition"
    assert body["message"] == (
        "The case's current status is “Draft”; "
        "“Accept (apply dispute mark, start statutory clock)” is not possible in this status."
    )
    assert body["details"]["status"] == "draft"
    assert "submit" in body["details"]["allowed_events"]


@pytest.mark.django_db
def test_wrong_state_case_action_stays_chinese_by_default(drive, clerk, login):  # noqa: F811
    d = drive()
    status, body = _post_json(login(clerk), f"/api/v1/cases/{d.case_id}/accept", {"version": d.v})
    assert status == 409
    assert body["code"] == "invalid_transition"
    assert body["message"] == "案件当前状态为“草稿”，不能执行“受理（异议标注、起算时限）”。"


@pytest.mark.django_db
def test_role_required_lists_the_roles_in_english(login, applicant):
    # An enterprise user may not register enterprises: the roles that may are named in English.
    status, body = _post_json(
        login(applicant), "/api/v1/enterprises", _enterprise(make_uscc(900001)), headers=ENGLISH
    )
    assert status == 403
    assert body["code"] == "role_required"
    assert body["message"] == (
        "This action requires one of the following roles: Intake clerk, Compliance admin."
    )


def test_oversized_body_refused_in_english_before_the_locale_middleware(settings):
    response = Client().post(
        "/api/v1/enterprises",
        b"x" * (settings.MAX_REQUEST_BODY_BYTES + 1),
        content_type="application/json",
        headers=ENGLISH,
    )
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    limit = settings.MAX_REQUEST_BODY_BYTES
    assert response.json()["message"] == (
        f"Request body too large: at most {limit} bytes are allowed."
    )


def test_identifier_messages_follow_the_active_language():
    from xiufu.core.identifiers import IdentifierError, validate_resident_id

    with override("en"), pytest.raises(IdentifierError) as english:
        validate_resident_id("1101051949123100")
    assert english.value.message == "A resident ID number has 18 characters; this one has 16."
    with pytest.raises(IdentifierError) as chinese:
        validate_resident_id("1101051949123100")
    assert chinese.value.message == "公民身份号码应为18位，实际为16位。"
