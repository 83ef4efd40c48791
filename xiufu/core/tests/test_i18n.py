"""The English catalogue: every Chinese msgid translated, the shipped .mo compiled from the .po,
and the pages really switch to English (and stay Chinese by default)."""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest
from django.conf import settings
from django.test import Client

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
