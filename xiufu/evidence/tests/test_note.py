"""Signed notes (c2sp.org/signed-note, Ed25519) and checkpoints (c2sp.org/tlog-checkpoint).

Known answers come from the Go note package, from transparency-dev/formats and from a real
sum.golang.org signed tree head (see ``vectors/signed_notes.json``). Pure tests: no database.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiufu.evidence.note import (
    MAX_SIGNATURES,
    AmbiguousKeyError,
    Checkpoint,
    InvalidSignatureError,
    KeyFormatError,
    MalformedCheckpointError,
    MalformedNoteError,
    NoteError,
    NoteSignature,
    Signer,
    UnknownKeyError,
    Verifier,
    is_valid_key_name,
    key_id,
    open_checkpoint,
    open_note,
    parse_note,
    sign_note,
)

VECTORS = json.loads((Path(__file__).parent / "vectors" / "signed_notes.json").read_text())
GO = VECTORS["go_note_package"]
TEXT = GO["text"]
PETER_SIG = GO["peter_signature_line"] + "\n"
ENOCH_SIG = GO["enoch_signature_line"] + "\n"
PETER = Verifier.from_vkey(GO["peter_vkey"])
ENOCH = Verifier.from_vkey(GO["enoch_vkey"])
ROOT = hashlib.sha256(b"a root").digest()

# One key per test session keeps the property tests fast; any valid name will do.
SIGNER = Signer.generate("example.com/xiufu-test")
OTHER = Signer.generate("example.com/other")


def _note(*parts: str) -> bytes:
    return "".join(parts).encode()


# --- the Go note package's vectors ---------------------------------------------------------------


def test_the_go_signer_key_signs_the_documented_note_byte_for_byte():
    signer = Signer.from_skey(GO["peter_skey"])
    assert signer.name == "PeterNeumann"
    assert signer.key_id.hex() == "c74f20a3"
    assert signer.vkey == GO["peter_vkey"]
    assert signer.skey == GO["peter_skey"]
    assert sign_note(TEXT, signer) == _note(TEXT, "\n", PETER_SIG)


def test_the_go_verifier_keys_parse_and_round_trip():
    assert PETER.name == "PeterNeumann"
    assert PETER.key_id == bytes.fromhex("c74f20a3")
    assert PETER.vkey == GO["peter_vkey"]
    assert ENOCH.key_id == bytes.fromhex("af0cfe78")
    assert key_id(PETER.name, PETER.public_key) == PETER.key_id
    expected = hashlib.sha256(b"PeterNeumann\n\x01" + PETER.public_key).digest()[:4]
    assert PETER.key_id == expected


def test_open_verifies_known_keys_and_ignores_unknown_ones():
    text, signatures = open_note(_note(TEXT, "\n", PETER_SIG, ENOCH_SIG), [PETER])
    assert text == TEXT
    assert [(s.name, s.key_id.hex()) for s in signatures] == [("PeterNeumann", "c74f20a3")]
    assert signatures[0].line + "\n" == PETER_SIG

    _, both = open_note(_note(TEXT, "\n", PETER_SIG, ENOCH_SIG), [PETER, ENOCH])
    assert [s.name for s in both] == ["PeterNeumann", "EnochRoot"]


def test_a_note_without_a_signature_from_a_known_key_is_refused():
    with pytest.raises(UnknownKeyError) as refused:
        open_note(_note(TEXT, "\n", PETER_SIG, ENOCH_SIG), [])
    assert [s.name for s in refused.value.signatures] == ["PeterNeumann", "EnochRoot"]
    with pytest.raises(UnknownKeyError):
        open_note(_note(TEXT, "\n", ENOCH_SIG), [PETER])


def test_a_known_key_with_a_bad_signature_refuses_the_whole_note():
    tampered = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(InvalidSignatureError, match=r"PeterNeumann\+c74f20a3"):
        open_note(_note(TEXT, "\n", tampered), [PETER])
    # Even next to a good signature of another known key.
    with pytest.raises(InvalidSignatureError):
        open_note(_note(TEXT, "\n", ENOCH_SIG, tampered), [PETER, ENOCH])


def test_repeated_signatures_are_reported_once_and_all_checked():
    note = _note(TEXT, "\n", PETER_SIG, PETER_SIG, ENOCH_SIG, ENOCH_SIG)
    _, signatures = open_note(note, [PETER])
    assert [s.name for s in signatures] == ["PeterNeumann"]
    tampered = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(InvalidSignatureError):
        open_note(_note(TEXT, "\n", PETER_SIG, tampered), [PETER])


def test_too_many_signatures_make_a_malformed_note():
    open_note(_note(TEXT, "\n", PETER_SIG * MAX_SIGNATURES), [PETER])
    with pytest.raises(MalformedNoteError):
        open_note(_note(TEXT, "\n", PETER_SIG * (MAX_SIGNATURES + 1)), [PETER])


@pytest.mark.parametrize(
    "message",
    [
        TEXT.encode(),
        _note(TEXT, "\n"),
        _note(TEXT, "\n", PETER_SIG[:-1]),
        _note("\x01", TEXT, "\n", PETER_SIG),
        b"\xff" + _note(TEXT, "\n", PETER_SIG),
        _note(TEXT, "\n", PETER_SIG.replace("PeterNeumann", "Peter Neumann")),
        _note(TEXT, "\n", PETER_SIG, "Unexpected line.\n"),
        _note(TEXT, "\n", PETER_SIG.replace("— ", "-- ")),
        _note(TEXT, "\n", PETER_SIG.replace(" x08", "  x08")),
        _note(TEXT, "\n", PETER_SIG.replace("nAM=", "nAM")),
        _note(TEXT, "\n", PETER_SIG.replace("nAM=", "nAN=")),  # non-canonical base64
        _note(TEXT, "\n", "— PeterNeumann x08gow==\n"),  # key ID but no signature
        _note(TEXT.replace("\n", "\r\n"), "\n", PETER_SIG),
        _note(TEXT, "\n", PETER_SIG, "\n"),
    ],
    ids=range(14),
)
def test_malformed_notes_are_refused(message):
    with pytest.raises(MalformedNoteError):
        open_note(message, [PETER])


def test_verifier_key_manglings_are_refused():
    """Every proper substring and every single-byte change of a verifier key is refused."""
    vkey = GO["peter_vkey"]
    for start in range(len(vkey) + 1):
        for end in range(start + 1, len(vkey) + 1):
            if (start, end) != (0, len(vkey)):
                with pytest.raises(KeyFormatError):
                    Verifier.from_vkey(vkey[start:end])
    for position in range(len(vkey)):
        mangled = vkey[:position] + chr(ord(vkey[position]) + 1) + vkey[position + 1 :]
        with pytest.raises(KeyFormatError):
            Verifier.from_vkey(mangled)
    for bad in GO["bad_vkeys"]:  # wrong length, unknown algorithm (each with a matching key ID)
        with pytest.raises(KeyFormatError):
            Verifier.from_vkey(bad)


def test_signer_key_manglings_are_refused():
    skey = GO["peter_skey"]
    for start in range(len(skey) + 1):
        for end in range(start + 1, len(skey) + 1):
            if (start, end) != (0, len(skey)):
                with pytest.raises(KeyFormatError):
                    Signer.from_skey(skey[start:end])
    for position in range(len(skey)):
        mangled = skey[:position] + chr(ord(skey[position]) + 1) + skey[position + 1 :]
        with pytest.raises(KeyFormatError):
            Signer.from_skey(mangled)


@pytest.mark.parametrize("pair", VECTORS["key_pairs"]["pairs"], ids=lambda p: p[1].split("+")[0])
def test_published_key_pairs_match(pair):
    skey, vkey = pair
    signer = Signer.from_skey(skey)
    assert signer.skey == skey
    assert signer.vkey == vkey
    assert signer.verifier == Verifier.from_vkey(vkey)
    text, signatures = open_note(sign_note("hello\n", signer), [Verifier.from_vkey(vkey)])
    assert (text, signatures[0].name) == ("hello\n", signer.name)


# --- a real checkpoint and the specifications' examples ------------------------------------------


def test_a_sum_golang_org_checkpoint_verifies_and_parses():
    sumdb = VECTORS["sumdb_checkpoint"]
    verifier = Verifier.from_vkey(sumdb["vkey"])
    checkpoint, signatures = open_checkpoint(sumdb["note"].encode(), [verifier])
    assert checkpoint.origin == sumdb["origin"]
    assert checkpoint.size == sumdb["size"]
    assert checkpoint.root_hash == base64.b64decode(sumdb["root_hash_base64"])
    assert checkpoint.extensions == ()
    assert [s.name for s in signatures] == ["sum.golang.org"]
    assert checkpoint.format() == parse_note(sumdb["note"]).text
    with pytest.raises(MalformedCheckpointError, match="origin"):
        open_checkpoint(sumdb["note"].encode(), [verifier], origin="example.com/log")
    flipped = sumdb["note"].replace("6476701", "6476702")
    with pytest.raises(InvalidSignatureError):
        open_checkpoint(flipped.encode(), [verifier])


def test_the_specification_examples_parse():
    examples = VECTORS["c2sp_examples"]
    parsed = parse_note(examples["signed_note"].encode())
    # The text has a blank line of its own: only the last one separates the signatures.
    assert parsed.text == examples["signed_note_text"]
    assert [s.name for s in parsed.signatures] == ["quasimodo.example/salvatore"]
    assert len(parsed.signatures[0].signature) == 64
    with pytest.raises(UnknownKeyError):
        open_note(examples["signed_note"].encode(), [PETER])

    checkpoint_note = parse_note(examples["checkpoint"])
    checkpoint = Checkpoint.parse(checkpoint_note.text)
    assert (checkpoint.origin, checkpoint.size) == ("example.com/behind-the-sofa", 20852163)
    assert checkpoint.format() == checkpoint_note.text


# --- keys ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["example.com/log", "PeterNeumann", "日志", "a-b_c.d/e~f", "x"])
def test_valid_key_names(name):
    assert is_valid_key_name(name)
    assert Signer.generate(name).name == name


@pytest.mark.parametrize(
    "name", ["", "a+b", "a b", "a\tb", "a\nb", "a\u00a0b", "a\u2003b", "a\u3000b", "a\x01b", None]
)
def test_invalid_key_names(name):
    assert not is_valid_key_name(name)
    with pytest.raises(KeyFormatError):
        Signer.generate(name)


def test_generated_keys_round_trip_through_their_strings():
    signer = Signer.from_skey(SIGNER.skey)
    assert signer.vkey == SIGNER.vkey
    assert Verifier.from_vkey(SIGNER.vkey) == SIGNER.verifier
    assert SIGNER.skey.startswith("PRIVATE+KEY+example.com/xiufu-test+")
    assert "PRIVATE" not in repr(SIGNER)
    seed = Signer.from_seed("seeded", bytes(32))
    assert Signer.from_skey(seed.skey).vkey == seed.vkey


def test_wrong_key_material_is_refused():
    with pytest.raises(KeyFormatError):
        key_id("name", b"short")
    with pytest.raises(KeyFormatError):
        Verifier("name", b"short")
    with pytest.raises(KeyFormatError):
        Verifier("name", 32)  # type: ignore[arg-type]
    with pytest.raises(KeyFormatError):
        Signer.from_seed("name", b"short")


def test_two_different_keys_with_one_name_and_key_id_are_ambiguous():
    impostor = Verifier(SIGNER.name, OTHER.verifier.public_key)
    object.__setattr__(impostor, "key_id", SIGNER.key_id)  # a forged 32-bit ID collision
    note = sign_note("text\n", SIGNER)
    with pytest.raises(AmbiguousKeyError):
        open_note(note, [SIGNER.verifier, impostor])
    open_note(note, [SIGNER.verifier, SIGNER.verifier])  # the same key twice is harmless


def test_a_key_with_the_same_name_but_another_id_is_unknown():
    twin = Signer.generate(SIGNER.name)
    with pytest.raises(UnknownKeyError):
        open_note(sign_note("text\n", SIGNER), [twin.verifier])


# --- signing -------------------------------------------------------------------------------------


def test_several_signers_and_cosigning():
    note = sign_note("cosign me\n", SIGNER, OTHER)
    _, signatures = open_note(note, [SIGNER.verifier, OTHER.verifier])
    assert [s.name for s in signatures] == [SIGNER.name, OTHER.name]
    # A witness adds its signature to an existing note; re-signing replaces the old line.
    witness = Signer.generate("witness.example")
    text, existing = open_note(note, [SIGNER.verifier])
    cosigned = sign_note(text, witness, SIGNER, existing=parse_note(note).signatures)
    _, all_signatures = open_note(cosigned, [SIGNER.verifier, OTHER.verifier, witness.verifier])
    assert sorted(s.name for s in all_signatures) == sorted([SIGNER.name, OTHER.name, witness.name])
    assert cosigned.decode().count(SIGNER.name) == 1
    assert existing[0].name == SIGNER.name


def test_malformed_existing_signatures_are_not_copied():
    bad = NoteSignature("bad name", b"\0\0\0\0", b"sig")
    with pytest.raises(MalformedNoteError):
        sign_note("text\n", SIGNER, existing=[bad])


@pytest.mark.parametrize("text", ["", "no final newline", "tab\there\n", "cr\r\n", b"\xff\n"])
def test_only_valid_texts_are_signed(text):
    with pytest.raises(MalformedNoteError):
        sign_note(text, SIGNER)


note_texts = st.lists(
    st.text(st.characters(min_codepoint=0x20, codec="utf-8"), max_size=40),
    min_size=1,
    max_size=6,
).map(lambda lines: "".join(line + "\n" for line in lines))


@settings(max_examples=150, deadline=None)
@given(note_texts)
def test_signed_notes_round_trip(text):
    note = sign_note(text, SIGNER)
    opened, signatures = open_note(note, [SIGNER.verifier])
    assert opened == text
    assert signatures == [NoteSignature(SIGNER.name, SIGNER.key_id, signatures[0].signature)]
    assert parse_note(note).text == text


@settings(max_examples=300, deadline=None)
@given(note_texts, st.data())
def test_any_flipped_byte_is_refused(text, data):
    note = bytearray(sign_note(text, SIGNER))
    position = data.draw(st.integers(0, len(note) - 1), label="position")
    note[position] ^= data.draw(st.integers(1, 255), label="mask")
    with pytest.raises(NoteError):
        open_note(bytes(note), [SIGNER.verifier])


@settings(max_examples=100, deadline=None)
@given(note_texts, st.data())
def test_any_flipped_byte_of_the_text_is_refused_whoever_signed(text, data):
    """With several signatures, a changed line of an *unknown* key is ignored (as the spec
    requires), but a changed text never verifies."""
    note = bytearray(sign_note(text, OTHER, SIGNER))
    position = data.draw(st.integers(0, len(text.encode()) - 1), label="position")
    note[position] ^= data.draw(st.integers(1, 255), label="mask")
    with pytest.raises(NoteError):
        open_note(bytes(note), [SIGNER.verifier])


@settings(max_examples=50, deadline=None)
@given(note_texts)
def test_a_note_signed_by_an_unknown_key_is_refused(text):
    with pytest.raises(UnknownKeyError):
        open_note(sign_note(text, OTHER), [SIGNER.verifier])


# --- checkpoints ---------------------------------------------------------------------------------


line_texts = st.text(
    st.characters(min_codepoint=0x20, exclude_characters="\x7f", codec="utf-8"),
    min_size=1,
    max_size=30,
).filter(lambda s: not s[-1].isspace())


@settings(max_examples=200, deadline=None)
@given(
    line_texts.filter(lambda s: not s[0].isspace()),
    st.integers(0, 2**64 - 1),
    st.binary(min_size=32, max_size=32),
    st.lists(line_texts, max_size=3),
)
def test_checkpoints_round_trip(origin, size, root_hash, extensions):
    checkpoint = Checkpoint(origin, size, root_hash, tuple(extensions))
    text = checkpoint.format()
    assert text.endswith("\n")
    assert text.count("\n") == 3 + len(extensions)
    assert Checkpoint.parse(text) == checkpoint
    assert Checkpoint.parse(text.encode()) == checkpoint
    signed, _ = open_checkpoint(sign_note(text, SIGNER), [SIGNER.verifier], origin=origin)
    assert signed == checkpoint


def test_checkpoint_format_is_exact():
    checkpoint = Checkpoint("example.com/log", 0, bytes(32), ("ext one",))
    assert checkpoint.format() == (
        "example.com/log\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next one\n"
    )


GOOD_HASH = base64.b64encode(ROOT).decode()
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# The same 32 bytes with a padding bit set in the last character: decodes, but is not canonical.
NON_CANONICAL_HASH = GOOD_HASH[:-2] + _ALPHABET[_ALPHABET.index(GOOD_HASH[-2]) | 1] + "="
URL_SAFE_HASH = base64.urlsafe_b64encode(b"\xfb" * 32).decode()


@pytest.mark.parametrize(
    "text",
    [
        f"log\n1\n{GOOD_HASH}",  # no final newline
        "log\n1\n",  # no root hash
        f"\n1\n{GOOD_HASH}\n",  # empty origin
        f" log\n1\n{GOOD_HASH}\n",  # origin starts with a space
        f"log \n1\n{GOOD_HASH}\n",  # trailing space
        f"log\n1 \n{GOOD_HASH}\n",
        f"log\n1\n{GOOD_HASH} \n",
        f"log\n1\n{GOOD_HASH}\next \n",
        f"log\n1\n{GOOD_HASH}\n\n",  # empty extension line
        f"log\n1\n{GOOD_HASH}\n\nafter a blank line\n",
        f"log\r\n1\r\n{GOOD_HASH}\r\n",  # CRLF
        f"lo\tg\n1\n{GOOD_HASH}\n",  # control character
        f"log\n01\n{GOOD_HASH}\n",  # leading zero
        f"log\n00\n{GOOD_HASH}\n",
        f"log\n+1\n{GOOD_HASH}\n",
        f"log\n-1\n{GOOD_HASH}\n",
        f"log\n1e3\n{GOOD_HASH}\n",
        f"log\n1_000\n{GOOD_HASH}\n",
        f"log\n\u0661\n{GOOD_HASH}\n",  # ARABIC-INDIC DIGIT ONE
        f"log\n\n{GOOD_HASH}\n",
        f"log\n{2**64}\n{GOOD_HASH}\n",  # beyond uint64
        f"log\n{'9' * 30}\n{GOOD_HASH}\n",
        f"log\n1\n{base64.b64encode(ROOT[:31]).decode()}\n",  # 31 bytes
        f"log\n1\n{base64.b64encode(ROOT + b'x').decode()}\n",  # 33 bytes
        f"log\n1\n{GOOD_HASH.rstrip('=')}\n",  # unpadded
        f"log\n1\n{NON_CANONICAL_HASH}\n",
        f"log\n1\n{URL_SAFE_HASH}\n",
        f"log\n1\n{ROOT.hex()}\n",  # hex, not base64
        b"log\n1\n\xff\n",  # not UTF-8
    ],
    ids=range(29),
)
def test_malformed_checkpoints_are_refused(text):
    with pytest.raises(MalformedCheckpointError):
        Checkpoint.parse(text)


@pytest.mark.parametrize(
    ("origin", "size", "root_hash", "extensions"),
    [
        ("", 1, ROOT, ()),
        ("log", -1, ROOT, ()),
        ("log", 2**64, ROOT, ()),
        ("log", True, ROOT, ()),
        ("log", "1", ROOT, ()),
        ("log", 1, ROOT[:31], ()),
        ("log", 1, "x" * 32, ()),
        ("log", 1, ROOT, ("",)),
        ("log", 1, ROOT, ("two\nlines",)),
        ("log", 1, ROOT, "not a tuple"),
        ("two\nlines", 1, ROOT, ()),
    ],
)
def test_invalid_checkpoints_cannot_be_built(origin, size, root_hash, extensions):
    with pytest.raises(MalformedCheckpointError):
        Checkpoint(origin, size, root_hash, extensions)


def test_a_note_that_is_not_a_checkpoint_is_refused():
    with pytest.raises(MalformedCheckpointError):
        open_checkpoint(sign_note("just some text\n", SIGNER), [SIGNER.verifier])
