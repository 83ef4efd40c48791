"""Verification codes printed on issued documents, and looking them up on the public page.

A document that carries a verification code (a letter, say) registers a *resolver* here: a
function from a normalised code to a :class:`CodeResolution`, or ``None`` if the code is not one
of its own. The public verification page (``/verify/``) asks every registered resolver in turn.
A resolution tells only what the document's own heading shows — its kind, number, date of issue,
and the SHA-256 and size of the issued file — never personal data.

Lookups are rate-limited per client (:func:`lookup_allowed`) so that codes cannot be enumerated.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache

__all__ = [
    "CODE_PATTERN",
    "LOOKUPS_PER_WINDOW",
    "MAX_CODE_LENGTH",
    "MIN_CODE_LENGTH",
    "WINDOW_SECONDS",
    "CodeResolution",
    "CodeResolver",
    "lookup_allowed",
    "normalise_code",
    "register_code_resolver",
    "resolve_code",
    "unregister_code_resolver",
]

MIN_CODE_LENGTH = 4
MAX_CODE_LENGTH = 64
#: A normalised code: upper-case letters and digits only.
CODE_PATTERN = re.compile(rf"[A-Z0-9]{{{MIN_CODE_LENGTH},{MAX_CODE_LENGTH}}}")
#: At most this many lookups per client address in any window of ``WINDOW_SECONDS``.
LOOKUPS_PER_WINDOW = 30
WINDOW_SECONDS = 10 * 60

# Spaces (ASCII and full-width) and dashes of any kind that people type or copy between groups.
_SEPARATORS = re.compile(r"[\s\u3000\-\u2010-\u2015\u2212\uff0d_]+")


@dataclass(frozen=True)
class CodeResolution:
    """What a verification code stands for: only what the document's own heading shows.

    ``kind_label`` names the kind of document (e.g. "异议处理结果告知书"), ``document_number`` its
    number, ``issued_on`` its date of issue, ``sha256`` and ``size`` the issued file, and
    ``proves`` says in one plain sentence what a match proves.
    """

    kind_label: str
    document_number: str
    issued_on: date
    sha256: str
    size: int
    proves: str


CodeResolver = Callable[[str], CodeResolution | None]

_resolvers: list[CodeResolver] = []
_lock = threading.Lock()


def register_code_resolver(resolver: CodeResolver) -> CodeResolver:
    """Register ``resolver`` (usable as a decorator); registering the same function twice is a
    no-op. It receives a normalised code (see :func:`normalise_code`)."""
    with _lock:
        if resolver not in _resolvers:
            _resolvers.append(resolver)
    return resolver


def unregister_code_resolver(resolver: CodeResolver) -> None:
    """Remove ``resolver`` if registered (for tests)."""
    with _lock:
        if resolver in _resolvers:
            _resolvers.remove(resolver)


def normalise_code(raw: str) -> str | None:
    """The code as resolvers see it: stripped, upper-case, without spaces or dashes; ``None`` if
    it is not 4 to 64 letters and digits."""
    code = _SEPARATORS.sub("", raw or "").upper()
    return code if CODE_PATTERN.fullmatch(code) else None


def resolve_code(code: str) -> CodeResolution | None:
    """The document that ``code`` verifies, from the first resolver that knows it; ``None`` if the
    code is malformed or no resolver knows it."""
    normalised = normalise_code(code)
    if normalised is None:
        return None
    with _lock:
        resolvers = list(_resolvers)
    for resolver in resolvers:
        found = resolver(normalised)
        if found is not None:
            return found
    return None


def lookup_allowed(client: str) -> bool:
    """Count one lookup by ``client`` (an address); ``False`` once it has made more than
    ``LOOKUPS_PER_WINDOW`` in the current window. A fixed window in the default cache: the
    client's address is kept only as a hash, and only until the window ends."""
    key = "evidence:code-lookups:" + hashlib.sha256(client.encode()).hexdigest()[:32]
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: start a new window
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count <= LOOKUPS_PER_WINDOW
