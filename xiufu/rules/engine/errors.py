"""Errors of the pure engine. The Django side turns them into DomainErrors."""

from __future__ import annotations


class PackError(ValueError):
    """A rule pack failed validation. ``problems`` lists every problem found, not just the first,
    each as ``"<path>: <problem>"`` (e.g. ``"categories[3].citation: missing"``)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in rule pack: " + "; ".join(problems))


class UnknownRule(LookupError):
    """A query named a category, material, applicant type, finding, deadline or rule id that the
    pack does not define."""

    def __init__(self, kind: str, code: str) -> None:
        self.kind = kind
        self.code = code
        super().__init__(f"unknown {kind}: {code!r}")
