"""RFC 9162 Merkle tree hashing and proofs: published known answers, then random trees.

The known answers are the Certificate Transparency reference test vectors (see
``vectors/rfc6962_sha256.json`` for their source). Pure tests: no database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiufu.evidence.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

VECTORS = json.loads((Path(__file__).parent / "vectors" / "rfc6962_sha256.json").read_text())
LEAVES = [leaf_hash(bytes.fromhex(x)) for x in VECTORS["leaves"]]
ROOTS = [bytes.fromhex(x) for x in VECTORS["roots"]]  # ROOTS[n - 1] is the root of size n
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def _hashes(values: Sequence[str]) -> list[bytes]:
    return [bytes.fromhex(x) for x in values]


def _flip(value: bytes, position: int, mask: int = 0x08) -> bytes:
    changed = bytearray(value)
    changed[position] ^= mask
    return bytes(changed)


def _tree(size: int, salt: bytes = b"") -> list[bytes]:
    """Leaf hashes of ``size`` distinct entries."""
    return [leaf_hash(i.to_bytes(4, "big") + salt) for i in range(size)]


def _extension(count: int) -> list[bytes]:
    """Leaf hashes of ``count`` more entries, distinct from those of any ``_tree``."""
    return [leaf_hash(b"extension" + i.to_bytes(4, "big")) for i in range(max(0, count))]


# --- known answers ---------------------------------------------------------------------------


def test_hashing_is_sha256_with_domain_separation():
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    left, right = b"L" * 32, b"R" * 32
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    assert EMPTY_ROOT.hex() == VECTORS["empty_root"]


def test_the_empty_tree_has_the_hash_of_the_empty_string():
    assert root([]) == EMPTY_ROOT
    assert MerkleTree.from_leaf_hashes([]).root(0) == EMPTY_ROOT


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_of_the_reference_tree(size):
    assert root(LEAVES[:size]) == ROOTS[size - 1]
    for chunk_bits in (0, 1, 2, 8):
        tree = MerkleTree.from_leaf_hashes(LEAVES, chunk_bits=chunk_bits)
        assert tree.root(size) == ROOTS[size - 1]


def _corrupted_inclusion_probes(index, size, leaf, proof, root_hash):
    """The tampering of the reference tests: each must fail to verify."""
    probes = [
        (index - 1, size, leaf, proof, root_hash),
        (index + 1, size, leaf, proof, root_hash),
        (index ^ 2, size, leaf, proof, root_hash),
        (index, size * 2, leaf, proof, root_hash),
        (index, size // 2, leaf, proof, root_hash),
        (index, size, leaf_hash(b"WrongLeaf"), proof, root_hash),
        (index, size, leaf, proof, EMPTY_ROOT),
        (index, size, leaf, proof, SOME_HASH),
        (index, size, leaf, [*proof, b""], root_hash),
        (index, size, leaf, [*proof, root_hash], root_hash),
        (index, size, leaf, [b"", *proof], root_hash),
        (index, size, leaf, [root_hash, *proof], root_hash),
    ]
    for i in range(len(proof)):
        changed = list(proof)
        changed[i] = _flip(changed[i], 0)
        probes.append((index, size, leaf, changed, root_hash))
        changed = list(proof)
        changed[i] = EMPTY_ROOT
        probes.append((index, size, leaf, changed, root_hash))
    if proof:
        probes.append((index, size, leaf, proof[:-1], root_hash))
    if len(proof) > 1:
        probes.append((index, size, leaf, [proof[0], SOME_HASH, *proof[1:]], root_hash))
    return probes


@pytest.mark.parametrize("vector", VECTORS["inclusion_proofs"], ids=lambda v: str(v))
def test_inclusion_proofs_of_the_reference_tree(vector):
    index, size, path = vector["leaf_index"], vector["tree_size"], _hashes(vector["path"])
    leaves = LEAVES[:size]
    assert inclusion_proof(index, leaves) == path
    assert MerkleTree.from_leaf_hashes(LEAVES, chunk_bits=1).inclusion_proof(index, size) == path
    assert verify_inclusion(index, size, LEAVES[index], path, ROOTS[size - 1])
    for probe in _corrupted_inclusion_probes(index, size, LEAVES[index], path, ROOTS[size - 1]):
        assert not verify_inclusion(*probe), probe


def _corrupted_consistency_probes(old, new, old_root, new_root, proof):
    probes = [
        (old - 1, new, old_root, new_root, proof),
        (old + 1, new, old_root, new_root, proof),
        (old ^ 2, new, old_root, new_root, proof),
        (old, new * 2, old_root, new_root, proof),
        (old, new // 2, old_root, new_root, proof),
        (old, new, SOME_HASH, new_root, proof),
        (old, new, old_root, SOME_HASH, proof),
        (old, new, new_root, old_root, proof),
        (old, new, old_root, new_root, []),
        (old, new, old_root, new_root, [*proof, b""]),
        (old, new, old_root, new_root, [*proof, old_root]),
        (old, new, old_root, new_root, [*proof, new_root]),
        (old, new, old_root, new_root, [*proof, proof[-1]]),
        (old, new, old_root, new_root, [b"", *proof]),
        (old, new, old_root, new_root, [old_root, *proof]),
        (old, new, old_root, new_root, [new_root, *proof]),
        (old, new, old_root, new_root, [proof[0], *proof]),
        (old, new, old_root, new_root, proof[:-1]),
    ]
    for i in range(len(proof)):
        changed = list(proof)
        changed[i] = _flip(changed[i], 0, 0x10)
        probes.append((old, new, old_root, new_root, changed))
        changed = list(proof)
        changed[i] = EMPTY_ROOT
        probes.append((old, new, old_root, new_root, changed))
    return probes


@pytest.mark.parametrize("vector", VECTORS["consistency_proofs"], ids=lambda v: str(v))
def test_consistency_proofs_of_the_reference_tree(vector):
    old, new, proof = vector["old_size"], vector["new_size"], _hashes(vector["proof"])
    old_root, new_root = ROOTS[old - 1], ROOTS[new - 1]
    assert consistency_proof(old, LEAVES[:new]) == proof
    assert MerkleTree.from_leaf_hashes(LEAVES, chunk_bits=1).consistency_proof(old, new) == proof
    assert verify_consistency(old, new, old_root, new_root, proof)
    if proof:
        for probe in _corrupted_consistency_probes(old, new, old_root, new_root, proof):
            assert not verify_consistency(*probe), probe


# --- edge cases and malformed input ------------------------------------------------------------


def test_a_single_leaf_is_its_own_root_with_an_empty_proof():
    only = leaf_hash(b"data")
    assert root([only]) == only
    assert inclusion_proof(0, [only]) == []
    assert verify_inclusion(0, 1, only, [], only)
    assert not verify_inclusion(0, 1, only, [], SOME_HASH)
    assert not verify_inclusion(0, 1, SOME_HASH, [], only)
    assert not verify_inclusion(0, 1, only, [], b"")
    assert not verify_inclusion(0, 1, b"", [], only)


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 0), (1, 1), (2, 1)])
def test_an_index_outside_the_tree_never_verifies(index, size):
    pairs = [(SOME_HASH, EMPTY_ROOT), (EMPTY_ROOT, EMPTY_ROOT), (SOME_HASH, SOME_HASH)]
    for leaf, root_hash in pairs:
        assert not verify_inclusion(index, size, leaf, [], root_hash)


def test_consistency_of_a_tree_with_itself_and_with_the_empty_tree():
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert verify_consistency(3, 3, ROOTS[2], ROOTS[2], [])
    assert verify_consistency(0, 5, EMPTY_ROOT, ROOTS[4], [])
    # Equal sizes need equal roots and an empty proof.
    assert not verify_consistency(3, 3, ROOTS[2], ROOTS[3], [])
    assert not verify_consistency(3, 3, ROOTS[2], ROOTS[2], [EMPTY_ROOT])
    assert not verify_consistency(0, 0, SOME_HASH, SOME_HASH, [])
    # The empty tree has exactly one root, and nothing needs proving.
    assert not verify_consistency(0, 5, SOME_HASH, ROOTS[4], [])
    assert not verify_consistency(0, 5, EMPTY_ROOT, ROOTS[4], [EMPTY_ROOT])
    # No going back in time, and no empty proof between different sizes.
    assert not verify_consistency(1, 0, ROOTS[0], EMPTY_ROOT, [])
    assert not verify_consistency(2, 1, ROOTS[1], ROOTS[0], [])
    assert not verify_consistency(1, 2, ROOTS[0], ROOTS[1], [])
    assert consistency_proof(0, LEAVES) == []
    assert consistency_proof(8, LEAVES) == []


def test_the_size_is_bound_by_the_checkpoint_not_by_the_proof():
    """As in RFC 9162, the verifier trusts the size it is given along with the root: the proof of
    leaf 0 in the tree of 3 also passes the algorithm for size 4 with the root of size 3. Receipts
    therefore take size and root together from one signed checkpoint."""
    proof = inclusion_proof(0, LEAVES[:3])
    assert verify_inclusion(0, 3, LEAVES[0], proof, ROOTS[2])
    assert verify_inclusion(0, 4, LEAVES[0], proof, ROOTS[2])
    assert not verify_inclusion(0, 4, LEAVES[0], proof, ROOTS[3])


MALFORMED = [
    None,
    -1,
    True,
    2**64,
    1.0,
    "0",
    b"",
    b"x" * 31,
    b"x" * 33,
    "x" * 32,
    [b"x" * 31],
    [None],
    b"x" * 32 * 2,
    [b"x" * 32] * 65,
    {"a": 1},
    object(),
]


@pytest.mark.parametrize("bad", MALFORMED, ids=repr)
def test_malformed_input_gives_false_not_an_exception(bad):
    proof = inclusion_proof(5, LEAVES)
    good_inclusion: list[Any] = [5, 8, LEAVES[5], proof, ROOTS[7]]
    for position in range(5):
        arguments = list(good_inclusion)
        arguments[position] = bad
        assert verify_inclusion(*arguments) is False
    good_consistency: list[Any] = [6, 8, ROOTS[5], ROOTS[7], consistency_proof(6, LEAVES)]
    for position in range(5):
        arguments = list(good_consistency)
        arguments[position] = bad
        assert verify_consistency(*arguments) is False


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=-3, max_value=2**65),
    st.integers(min_value=-3, max_value=2**65),
    st.binary(max_size=40),
    st.binary(max_size=40),
    st.lists(st.binary(min_size=30, max_size=33), max_size=70),
)
def test_garbage_never_raises(a, b, h1, h2, proof):
    assert verify_inclusion(a, b, h1, proof, h2) in (True, False)
    assert verify_consistency(a, b, h1, h2, proof) in (True, False)


def test_proof_generators_refuse_out_of_range_requests():
    with pytest.raises(ValueError, match="not in a tree"):
        inclusion_proof(8, LEAVES)
    with pytest.raises(ValueError, match="not in a tree"):
        inclusion_proof(-1, LEAVES)
    with pytest.raises(ValueError, match="not within"):
        consistency_proof(9, LEAVES)
    with pytest.raises(ValueError, match="is not 32 bytes"):
        root([b"short"])
    with pytest.raises(TypeError):
        root(b"x" * 32)  # type: ignore[arg-type]
    tree = MerkleTree.from_leaf_hashes(LEAVES)
    with pytest.raises(ValueError, match="not in a tree"):
        tree.inclusion_proof(3, 3)
    with pytest.raises(ValueError, match="not within"):
        tree.consistency_proof(4, 3)
    with pytest.raises(ValueError, match="unsigned 64-bit"):
        tree.root(-1)


def test_a_broken_leaf_source_is_reported():
    with pytest.raises(ValueError, match="returned 7 hashes"):
        MerkleTree(lambda start, end: LEAVES[start : end - 1]).root(8)
    with pytest.raises(ValueError, match="is not 32 bytes"):
        MerkleTree(lambda start, end: [b"short"] * (end - start)).root(2)


# --- properties of random trees ----------------------------------------------------------------


@st.composite
def trees(draw, max_size=200):
    size = draw(st.integers(min_value=1, max_value=max_size))
    return _tree(size, draw(st.binary(max_size=8)))


@settings(max_examples=60, deadline=None)
@given(trees(), st.data())
def test_every_inclusion_proof_verifies_and_tampering_fails(leaves, data):
    size = len(leaves)
    root_hash = root(leaves)
    for index in range(size):
        proof = inclusion_proof(index, leaves)
        assert verify_inclusion(index, size, leaves[index], proof, root_hash)

    index = data.draw(st.integers(0, size - 1), label="index")
    proof = inclusion_proof(index, leaves)
    leaf = leaves[index]
    # Any single flipped byte of the leaf hash, of the root or of a proof element.
    position = data.draw(st.integers(0, 31), label="byte")
    mask = data.draw(st.integers(1, 255), label="mask")
    assert not verify_inclusion(index, size, _flip(leaf, position, mask), proof, root_hash)
    assert not verify_inclusion(index, size, leaf, proof, _flip(root_hash, position, mask))
    if proof:
        element = data.draw(st.integers(0, len(proof) - 1), label="element")
        changed = list(proof)
        changed[element] = _flip(changed[element], position, mask)
        assert not verify_inclusion(index, size, leaf, changed, root_hash)
    # Any other index of the same tree.
    other = data.draw(st.integers(-1, size).filter(lambda i: i != index), label="other index")
    assert not verify_inclusion(other, size, leaf, proof, root_hash)
    # Any other size, checked against the root of that size.
    other_size = data.draw(
        st.integers(index + 1, size + 40).filter(lambda n: n != size), label="other size"
    )
    longer = [*leaves, *_extension(other_size - size)]
    assert not verify_inclusion(index, other_size, leaf, proof, root(longer[:other_size]))


@settings(max_examples=80, deadline=None)
@given(trees(), st.data())
def test_every_consistency_proof_verifies_and_tampering_fails(leaves, data):
    new = len(leaves)
    old = data.draw(st.integers(0, new), label="old size")
    proof = consistency_proof(old, leaves)
    old_root, new_root = root(leaves[:old]), root(leaves)
    assert verify_consistency(old, new, old_root, new_root, proof)
    if old == 0:
        return  # every tree extends the empty tree: there is nothing to tamper with
    position = data.draw(st.integers(0, 31), label="byte")
    mask = data.draw(st.integers(1, 255), label="mask")
    assert not verify_consistency(old, new, _flip(old_root, position, mask), new_root, proof)
    assert not verify_consistency(old, new, old_root, _flip(new_root, position, mask), proof)
    if proof:
        element = data.draw(st.integers(0, len(proof) - 1), label="element")
        changed = list(proof)
        changed[element] = _flip(changed[element], position, mask)
        assert not verify_consistency(old, new, old_root, new_root, changed)
    # Any other old size, checked against the root of that size.
    if new > 1:
        other_old = data.draw(st.integers(1, new).filter(lambda m: m != old), label="other old")
        assert not verify_consistency(other_old, new, root(leaves[:other_old]), new_root, proof)
    # Any other new size, checked against the root of that size.
    other_new = data.draw(st.integers(old, new + 40).filter(lambda n: n != new), label="other new")
    longer = [*leaves, *_extension(other_new - new)]
    assert not verify_consistency(old, other_new, old_root, root(longer[:other_new]), proof)


@pytest.mark.parametrize("chunk_bits", [0, 2, 8])
def test_all_proofs_of_all_small_trees(chunk_bits):
    """Exhaustively, for trees of 1 to 64 leaves: every inclusion and consistency proof of the
    caching tree equals the RFC definition and verifies."""
    leaves = _tree(64)
    tree = MerkleTree.from_leaf_hashes(leaves, chunk_bits=chunk_bits)
    roots = [root(leaves[:n]) for n in range(65)]
    for new in range(1, 65):
        assert tree.root(new) == roots[new]
        for index in range(new):
            proof = tree.inclusion_proof(index, new)
            assert proof == inclusion_proof(index, leaves[:new])
            assert verify_inclusion(index, new, leaves[index], proof, roots[new])
        for old in range(new + 1):
            proof = tree.consistency_proof(old, new)
            assert proof == consistency_proof(old, leaves[:new])
            assert verify_consistency(old, new, roots[old], roots[new], proof)


@settings(max_examples=40, deadline=None)
@given(trees(max_size=300), st.sampled_from([0, 1, 3, 8]), st.data())
def test_the_caching_tree_agrees_with_the_definition_while_the_log_grows(leaves, chunk_bits, data):
    log: list[bytes] = []
    tree = MerkleTree.from_leaf_hashes(log, chunk_bits=chunk_bits)
    cut = data.draw(st.integers(0, len(leaves)), label="first batch")
    for batch in (leaves[:cut], leaves[cut:]):
        log.extend(batch)
        size = len(log)
        assert tree.root(size) == root(log)
        if size:
            index = data.draw(st.integers(0, size - 1), label="index")
            assert tree.inclusion_proof(index, size) == inclusion_proof(index, log)
            old = data.draw(st.integers(0, size), label="old")
            assert tree.consistency_proof(old, size) == consistency_proof(old, log)
            smaller = data.draw(st.integers(1, size), label="smaller size")
            assert tree.root(smaller) == root(log[:smaller])


def test_a_warm_tree_answers_with_few_small_reads():
    size = 2**16 + 12_345
    leaves = _tree(size)
    reads: list[tuple[int, int]] = []

    def fetch(start: int, end: int) -> list[bytes]:
        reads.append((start, end))
        return leaves[start:end]

    tree = MerkleTree(fetch)
    expected_root = tree.root(size)
    assert expected_root == root(leaves)
    for index in (0, 1, 4_095, 65_535, 65_536, size - 1):
        reads.clear()
        proof = tree.inclusion_proof(index, size)
        assert verify_inclusion(index, size, leaves[index], proof, expected_root)
        assert len(reads) <= 2
        assert all(end - start <= 256 for start, end in reads)
    reads.clear()
    proof = tree.consistency_proof(54_321, size)
    assert verify_consistency(54_321, size, root(leaves[:54_321]), expected_root, proof)
    assert len(reads) <= 3
    assert len(tree.cache) < 2 * size / 256


def test_the_partial_chunk_at_the_right_edge_is_read_once_per_size():
    leaves = [leaf_hash(b"%d" % i) for i in range(1000)]
    reads: list[tuple[int, int]] = []

    def fetch(start: int, end: int) -> list[bytes]:
        reads.append((start, end))
        return leaves[start:end]

    tree = MerkleTree(fetch, chunk_bits=4)
    size = 1000  # 62 complete chunks of 16 and a partial one of 8
    tree.root(size)
    reads.clear()
    for index in (3, 500, 990, 17):
        assert tree.inclusion_proof(index, size) == inclusion_proof(index, leaves[:size])
    # the root read the edge already: proofs at this size reuse it, even for leaf 990 in it
    assert (992, 1000) not in reads
    # a larger size has another edge: read afresh, and still right
    assert tree.inclusion_proof(995, 999) == inclusion_proof(995, leaves[:999])
