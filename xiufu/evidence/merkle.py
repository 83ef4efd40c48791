"""Merkle tree hashing and proofs of RFC 9162 (Certificate Transparency v2) §2.1, with SHA-256.

Terms follow the RFC: ``MTH(D[n])`` is the Merkle Tree Hash of the list of ``n`` inputs ``D[n]``
(§2.1.1), ``PATH(m, D[n])`` the inclusion proof (audit path) of leaf ``m`` (§2.1.3.1) and
``PROOF(m, D[n])`` the consistency proof between the trees of sizes ``m`` and ``n`` (§2.1.4.1).

Everything in this module works on *leaf hashes* (``leaf_hash(entry)``), never on raw entries, so
that a log stores and reads one 32-byte value per entry.

Two ways to compute roots and proofs are offered:

* the functions :func:`root`, :func:`inclusion_proof` and :func:`consistency_proof` take the whole
  list of leaf hashes and follow the RFC's recursive definitions literally (linear time, no state);
* :class:`MerkleTree` reads leaf hashes by range from a callable (a database query, say) and caches
  the hashes of complete subtrees, which never change in an append-only log. Once warm, a root or a
  proof over a million leaves costs a few dozen dictionary look-ups and one range read of at most
  ``2**chunk_bits`` leaf hashes.

The verifiers :func:`verify_inclusion` and :func:`verify_consistency` implement the algorithms of
§2.1.3.2 and §2.1.4.2 and return ``False`` on any malformed input instead of raising.

Note that, as in RFC 9162 itself, an inclusion or consistency proof binds the tree *size* only
through the root it is checked against: the size must come from the same signed checkpoint as the
root, never from the proof's own claim.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, MutableMapping, Sequence
from typing import Any

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MAX_PROOF_LENGTH",
    "MAX_TREE_SIZE",
    "LeafHashRange",
    "MerkleTree",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root",
    "verify_consistency",
    "verify_inclusion",
]

#: Size in bytes of every hash in the tree (SHA-256).
HASH_SIZE = 32
#: Tree sizes and leaf indices are unsigned 64-bit integers (RFC 9162 §4.1 ``uint64 tree_size``).
MAX_TREE_SIZE = 2**64 - 1
#: No inclusion or consistency proof over a tree of at most ``MAX_TREE_SIZE`` leaves is longer.
MAX_PROOF_LENGTH = 64
#: MTH({}) = SHA-256() — the hash of the empty tree is the hash of the empty string (§2.1.1).
EMPTY_ROOT = hashlib.sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

#: ``fetch(start, end)`` returns the leaf hashes of entries ``start`` (inclusive) to ``end``
#: (exclusive) of the log, in order.
LeafHashRange = Callable[[int, int], Sequence[bytes]]
_Mth = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    """MTH({d(0)}) = SHA-256(0x00 || d(0)) — the hash of one entry (RFC 9162 §2.1.1)."""
    return hashlib.sha256(_LEAF_PREFIX + bytes(data)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right) — the hash of an interior node (RFC 9162 §2.1.1)."""
    return hashlib.sha256(_NODE_PREFIX + bytes(left) + bytes(right)).digest()


# --- the RFC's recursive definitions ------------------------------------------------------------


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (``n >= 2``): the ``k`` of RFC 9162 §2.1.1."""
    return 1 << ((n - 1).bit_length() - 1)


def _path(mth: _Mth, m: int, start: int, end: int) -> list[bytes]:
    """PATH(m, D[start:end]) of RFC 9162 §2.1.3.1, ``m`` relative to ``start``; leaf to root."""
    n = end - start
    if n == 1:
        return []  # PATH(0, {d(0)}) = {}
    k = _split(n)
    if m < k:
        # PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])
        return [*_path(mth, m, start, start + k), mth(start + k, end)]
    # PATH(m, D[n]) = PATH(m - k, D[k:n]) : MTH(D[0:k])
    return [*_path(mth, m - k, start + k, end), mth(start, start + k)]


def _subproof(mth: _Mth, m: int, start: int, end: int, complete: bool) -> list[bytes]:
    """SUBPROOF(m, D[start:end], b) of RFC 9162 §2.1.4.1, ``m`` relative to ``start``."""
    n = end - start
    if m == n:
        # SUBPROOF(m, D[m], true) = {};  SUBPROOF(m, D[m], false) = {MTH(D[m])}
        return [] if complete else [mth(start, end)]
    k = _split(n)
    if m <= k:
        # SUBPROOF(m, D[n], b) = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
        return [*_subproof(mth, m, start, start + k, complete), mth(start + k, end)]
    # SUBPROOF(m, D[n], b) = SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
    return [*_subproof(mth, m - k, start + k, end, False), mth(start, start + k)]


def _check_leaf_hashes(leaf_hashes: Sequence[bytes]) -> None:
    if isinstance(leaf_hashes, (bytes, bytearray, str)):
        raise TypeError("leaf_hashes must be a sequence of hashes, not a single byte string")
    for position, value in enumerate(leaf_hashes):
        if not _is_hash(value):
            raise ValueError(f"leaf hash {position} is not {HASH_SIZE} bytes")


def _sequence_mth(leaf_hashes: Sequence[bytes]) -> _Mth:
    def mth(start: int, end: int) -> bytes:
        n = end - start
        if n == 0:
            return EMPTY_ROOT
        if n == 1:
            return bytes(leaf_hashes[start])
        k = _split(n)
        # MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
        return node_hash(mth(start, start + k), mth(start + k, end))

    return mth


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over the given leaf hashes (RFC 9162 §2.1.1); ``EMPTY_ROOT`` for no leaves."""
    _check_leaf_hashes(leaf_hashes)
    return _sequence_mth(leaf_hashes)(0, len(leaf_hashes))


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(index, D[n]) of RFC 9162 §2.1.3.1 for the tree of all the given leaf hashes.

    Raises ``ValueError`` unless ``0 <= index < len(leaf_hashes)``.
    """
    _check_leaf_hashes(leaf_hashes)
    size = len(leaf_hashes)
    if not _is_uint64(index) or index >= size:
        raise ValueError(f"leaf index {index!r} is not in a tree of size {size}")
    return _path(_sequence_mth(leaf_hashes), index, 0, size)


def consistency_proof(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(old_size, D[n]) of RFC 9162 §2.1.4.1 between the first ``old_size`` leaves and all.

    The RFC defines the proof for ``0 < old_size < n``; for ``old_size`` 0 or ``n`` the proof is
    empty (the empty tree is a prefix of every tree, and every tree of itself). Raises
    ``ValueError`` unless ``0 <= old_size <= len(leaf_hashes)``.
    """
    _check_leaf_hashes(leaf_hashes)
    size = len(leaf_hashes)
    if not _is_uint64(old_size) or old_size > size:
        raise ValueError(f"old size {old_size!r} is not within a tree of size {size}")
    if old_size in (0, size):
        return []
    return _subproof(_sequence_mth(leaf_hashes), old_size, 0, size, True)


# --- verification (never raises) -------------------------------------------------------------


def _is_uint64(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_TREE_SIZE


def _is_hash(value: object) -> bool:
    return isinstance(value, (bytes, bytearray)) and len(value) == HASH_SIZE


def _proof_hashes(proof: object) -> list[bytes] | None:
    if not isinstance(proof, (list, tuple)) or len(proof) > MAX_PROOF_LENGTH:
        return None
    if not all(_is_hash(element) for element in proof):
        return None
    return [bytes(element) for element in proof]


def _same(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows ``leaf_hash`` at ``index`` in the tree of ``size`` with ``root``.

    The algorithm of RFC 9162 §2.1.3.2. Malformed input (a negative or out-of-range index or size,
    hashes that are not 32 bytes, a proof that is not a list of hashes) gives ``False``.
    """
    hashes = _proof_hashes(proof)
    if hashes is None or not (_is_uint64(index) and _is_uint64(size)):
        return False
    if not (_is_hash(leaf_hash) and _is_hash(root)):
        return False
    # 1. If leaf_index >= tree_size, fail.
    if index >= size:
        return False
    # 2. Set fn to leaf_index and sn to tree_size - 1.  3. Set r to hash.
    fn, sn = index, size - 1
    r = bytes(leaf_hash)
    # 4. For each value p in the inclusion_path array:
    for p in hashes:
        # a. If sn is 0, stop the iteration and fail the proof verification.
        if sn == 0:
            return False
        # b. If LSB(fn) is set, or if fn is equal to sn, then:
        if fn & 1 or fn == sn:
            # i. Set r to HASH(0x01 || p || r).
            r = node_hash(p, r)
            # ii. If LSB(fn) is not set, right-shift fn and sn equally until either LSB(fn) is
            #     set or fn is 0.
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            # Otherwise: i. Set r to HASH(0x01 || r || p).
            r = node_hash(r, p)
        # c. Finally, right-shift both fn and sn one time.
        fn >>= 1
        sn >>= 1
    # 5. Succeed iff sn is 0 and r equals the root hash.
    return sn == 0 and _same(r, bytes(root))


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows the tree (``new_size``, ``new_root``) extends (``old_size``,
    ``old_root``).

    The algorithm of RFC 9162 §2.1.4.2 for ``0 < old_size < new_size``. The RFC leaves the edge
    cases open; here a tree is consistent with itself (equal sizes, equal roots, empty proof) and
    every tree extends the empty tree (``old_size`` 0 with ``old_root == EMPTY_ROOT`` and an empty
    proof). Malformed input gives ``False``.
    """
    hashes = _proof_hashes(proof)
    if hashes is None or not (_is_uint64(old_size) and _is_uint64(new_size)):
        return False
    if not (_is_hash(old_root) and _is_hash(new_root)) or old_size > new_size:
        return False
    first_hash, second_hash = bytes(old_root), bytes(new_root)
    if old_size == new_size:
        if hashes or not _same(first_hash, second_hash):
            return False
        return old_size != 0 or _same(first_hash, EMPTY_ROOT)
    if old_size == 0:
        return not hashes and _same(first_hash, EMPTY_ROOT)
    # 1. If consistency_path is an empty array, stop and fail the proof verification.
    if not hashes:
        return False
    # 2. If first is an exact power of 2, prepend first_hash to the consistency_path array.
    if old_size & (old_size - 1) == 0:
        hashes.insert(0, first_hash)
    # 3. Set fn to first - 1 and sn to second - 1.
    fn, sn = old_size - 1, new_size - 1
    # 4. If LSB(fn) is set, right-shift both fn and sn equally until LSB(fn) is not set.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 5. Set both fr and sr to the first value in the consistency_path array.
    fr = sr = hashes[0]
    # 6. For each subsequent value c in the consistency_path array:
    for c in hashes[1:]:
        # a. If sn is 0, stop the iteration and fail the proof verification.
        if sn == 0:
            return False
        # b. If LSB(fn) is set, or if fn is equal to sn, then:
        if fn & 1 or fn == sn:
            # i. Set fr to HASH(0x01 || c || fr).  Set sr to HASH(0x01 || c || sr).
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            # ii. If LSB(fn) is not set, right-shift fn and sn equally until either LSB(fn) is
            #     set or fn is 0.
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            # Otherwise: i. Set sr to HASH(0x01 || sr || c).
            sr = node_hash(sr, c)
        # c. Finally, right-shift both fn and sn one time.
        fn >>= 1
        sn >>= 1
    # 7. fr must equal first_hash, sr must equal second_hash, and sn must be 0.
    return sn == 0 and _same(fr, first_hash) and _same(sr, second_hash)


# --- a log too large to hold in memory -------------------------------------------------------


class MerkleTree:
    """Roots and proofs over an append-only log whose leaf hashes are read by range.

    ``fetch(start, end)`` must return the leaf hashes of entries ``start`` to ``end - 1``; the
    tree never asks for entries at or beyond the size of the query at hand. The hash of a complete
    subtree (the node over leaves ``[i * 2**L, (i + 1) * 2**L)``) cannot change once those leaves
    exist, so nodes of level ``L >= chunk_bits`` are kept in ``cache`` — a plain ``dict`` by
    default, or any mapping keyed by ``(level, index)`` that the caller may persist or pre-fill.
    Lower nodes are recomputed from one read of at most ``2**chunk_bits`` consecutive leaf hashes.

    Memory: about ``2 * n / 2**chunk_bits`` cached hashes for a log of ``n`` entries (≈8,000 for a
    million entries with the default ``chunk_bits=8``). Time: the first root over ``n`` entries
    hashes everything once (``n / 2**chunk_bits`` range reads); afterwards a root, an inclusion
    proof or a consistency proof costs ``O(log n)`` look-ups plus at most a few range reads of one
    chunk each. The mapping is only ever added to, so sharing it between threads is harmless.
    """

    def __init__(
        self,
        fetch: LeafHashRange,
        *,
        chunk_bits: int = 8,
        cache: MutableMapping[tuple[int, int], bytes] | None = None,
    ) -> None:
        if not isinstance(chunk_bits, int) or not 0 <= chunk_bits <= 16:
            raise ValueError("chunk_bits must be an integer from 0 to 16")
        self._fetch = fetch
        self.chunk_bits = chunk_bits
        self.cache: MutableMapping[tuple[int, int], bytes] = {} if cache is None else cache
        # The low nodes of the last partial chunk read, keyed by (chunk, end): see _load_chunk.
        self._edge: tuple[tuple[int, int], dict[tuple[int, int], bytes]] | None = None

    @classmethod
    def from_leaf_hashes(cls, leaf_hashes: Sequence[bytes], **kwargs: Any) -> MerkleTree:
        """A tree reading from an in-memory sequence (which may keep growing by appends)."""
        return cls(lambda start, end: leaf_hashes[start:end], **kwargs)

    def root(self, size: int) -> bytes:
        """MTH(D[size]) of the first ``size`` entries (RFC 9162 §2.1.1)."""
        _require_size(size)
        return _TreeView(self, size).mth(0, size)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """PATH(index, D[size]) of RFC 9162 §2.1.3.1. Raises ``ValueError`` if out of range."""
        _require_size(size)
        if not _is_uint64(index) or index >= size:
            raise ValueError(f"leaf index {index!r} is not in a tree of size {size}")
        return _path(_TreeView(self, size).mth, index, 0, size)

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        """PROOF(old_size, D[new_size]) of RFC 9162 §2.1.4.1 (empty if ``old_size`` is 0 or
        ``new_size``). Raises ``ValueError`` unless ``0 <= old_size <= new_size``."""
        _require_size(new_size)
        if not _is_uint64(old_size) or old_size > new_size:
            raise ValueError(f"old size {old_size!r} is not within a tree of size {new_size}")
        if old_size in (0, new_size):
            return []
        return _subproof(_TreeView(self, new_size).mth, old_size, 0, new_size, True)

    def _read(self, start: int, end: int) -> list[bytes]:
        values = self._fetch(start, end)
        if len(values) != end - start:
            raise ValueError(
                f"leaf hash source returned {len(values)} hashes for entries {start}..{end - 1}"
            )
        hashes = []
        for offset, value in enumerate(values):
            if not _is_hash(value):
                raise ValueError(f"leaf hash of entry {start + offset} is not {HASH_SIZE} bytes")
            hashes.append(bytes(value))
        return hashes


def _require_size(size: object) -> None:
    if not _is_uint64(size):
        raise ValueError(f"tree size {size!r} is not an unsigned 64-bit integer")


def _reduce_complete(hashes: list[bytes]) -> bytes:
    """The root of a complete subtree (``len(hashes)`` is a power of two)."""
    level = hashes
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


class _TreeView:
    """One query against a :class:`MerkleTree` at a fixed tree size.

    Keeps the low nodes (below ``chunk_bits``) of the chunks it reads for the duration of the
    query, so that an inclusion proof reads the leaf's chunk once, not once per level.
    """

    def __init__(self, tree: MerkleTree, size: int) -> None:
        self._tree = tree
        self._size = size
        self._low: dict[tuple[int, int], bytes] = {}
        self._chunks: set[int] = set()

    def mth(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]), from complete subtrees wherever the range is aligned."""
        n = end - start
        if n == 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0 and start % n == 0:
            return self._node(n.bit_length() - 1, start // n)
        k = _split(n)
        return node_hash(self.mth(start, start + k), self.mth(start + k, end))

    def _node(self, level: int, index: int) -> bytes:
        bits = self._tree.chunk_bits
        if level < bits:
            self._load_chunk((index << level) >> bits)
            return self._low[(level, index)]
        cache = self._tree.cache
        key = (level, index)
        value = cache.get(key)
        if value is None:
            if level == bits:
                start = index << bits
                value = _reduce_complete(self._tree._read(start, start + (1 << bits)))
            else:
                value = node_hash(
                    self._node(level - 1, 2 * index), self._node(level - 1, 2 * index + 1)
                )
            cache[key] = value
        return value

    def _load_chunk(self, chunk: int) -> None:
        if chunk in self._chunks:
            return
        bits = self._tree.chunk_bits
        start = chunk << bits
        end = min(start + (1 << bits), self._size)
        edge = self._tree._edge
        if end - start < 1 << bits and edge is not None and edge[0] == (chunk, end):
            # The partial chunk at the right edge of a tree of this size: the same for every
            # query at this size, so kept from the previous query instead of read again.
            self._low.update(edge[1])
            self._chunks.add(chunk)
            return
        nodes: dict[tuple[int, int], bytes] = {}
        level_hashes = self._tree._read(start, end)
        level = 0
        while True:
            first = start >> level
            for offset, value in enumerate(level_hashes):
                nodes[(level, first + offset)] = value
            if len(level_hashes) < 2 or level + 1 >= bits:
                break
            level_hashes = [
                node_hash(level_hashes[i], level_hashes[i + 1])
                for i in range(0, len(level_hashes) - 1, 2)
            ]
            level += 1
        self._low.update(nodes)
        self._chunks.add(chunk)
        if end - start < 1 << bits:
            self._tree._edge = ((chunk, end), nodes)
