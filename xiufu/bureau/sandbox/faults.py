"""Faults the sandbox bureau injects on demand, so that clients can be tested against the failures
a real bureau connection has: outages, timeouts, lost responses, duplicated or reordered feedback
and format rejections.

A :class:`Faults` is plain configuration, loaded from a JSON file at start-up (``--faults``) or
replaced at runtime with ``PUT /v1/faults``; a replacement resets everything not given to its
default. The live configuration sits in a :class:`FaultSwitch`, which counts the ``*_next``
counters down as requests use them. Faults live in memory only: a restarted bureau starts with
the file's configuration again.
"""

from __future__ import annotations

import dataclasses
import json
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["FaultSwitch", "Faults", "FaultsError"]


class FaultsError(ValueError):
    """A fault configuration is malformed; ``problems`` lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Faults:
    """The fault configuration; the defaults inject nothing. See docs/bureau-protocol.md."""

    #: Every endpoint but /v1/faults answers 503.
    down: bool = False
    #: Down for this many seconds after the configuration was set (whatever ``down`` says).
    down_for_seconds: float | None = None
    #: The next N POST /v1/messages store the message, then wait ``timeout_seconds`` to answer.
    timeout_next: int = 0
    timeout_seconds: float = 10.0
    #: The next N POST /v1/messages store the message, then close the connection unanswered.
    drop_response_next: int = 0
    #: Every feedback event is written twice (two seqs, same content).
    duplicate_feedback: bool = False
    #: Messages due together are applied, and their feedback written, in reverse receipt order.
    reorder_feedback: bool = False
    #: Messages about these business ids are rejected at apply time with E_FORMAT.
    reject_format_business_ids: tuple[str, ...] = ()
    #: This share of messages (chosen by a hash of seed and message_id) is rejected with E_FORMAT.
    reject_format_rate: float = 0.0
    seed: int = 0
    #: The next N POST /v1/messages get 400 format_error without being stored.
    reject_http_next: int = 0
    #: Nothing is applied while true: messages stay "received" (for deterministic tests).
    hold: bool = False

    @classmethod
    def from_dict(cls, data: object) -> Faults:
        """A configuration from its JSON form; keys left out keep their defaults."""
        if not isinstance(data, Mapping):
            raise FaultsError(["the fault configuration must be a JSON object"])
        known = {f.name: f for f in dataclasses.fields(cls)}
        problems = [f"unknown key {key!r}" for key in data if key not in known]
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key in known:
                parsed, problem = _PARSERS[key](value)
                if problem:
                    problems.append(f"{key}: {problem}")
                values[key] = parsed
        if problems:
            raise FaultsError(problems)
        return cls(**values)

    @classmethod
    def from_file(cls, path: str | Path) -> Faults:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise FaultsError([f"cannot read {path}: {exc.strerror or exc}"]) from None
        except ValueError as exc:
            raise FaultsError([f"{path} is not JSON: {exc}"]) from None
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["reject_format_business_ids"] = list(self.reject_format_business_ids)
        return data

    def rejects_format(self, message: Mapping[str, Any]) -> bool:
        """Whether ``message`` is rejected with E_FORMAT at apply time. Deterministic: the same
        message and seed always get the same answer, whatever the order of arrival."""
        if message.get("business_id") in self.reject_format_business_ids:
            return True
        if self.reject_format_rate <= 0:
            return False
        draw = random.Random(f"{self.seed}:{message.get('message_id')}").random()  # noqa: S311
        return draw < self.reject_format_rate


def _boolean(value: object) -> tuple[Any, str]:
    return value, "" if isinstance(value, bool) else "must be true or false"


def _count(value: object) -> tuple[Any, str]:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return value, "" if ok else "must be a whole number >= 0"


def _seconds(value: object) -> tuple[Any, str]:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 3600:
        return float(value), ""
    return value, "must be seconds between 0 and 3600"


def _optional_seconds(value: object) -> tuple[Any, str]:
    return (None, "") if value is None else _seconds(value)


def _rate(value: object) -> tuple[Any, str]:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value), ""
    return value, "must be a number between 0 and 1"


def _integer(value: object) -> tuple[Any, str]:
    ok = isinstance(value, int) and not isinstance(value, bool)
    return value, "" if ok else "must be an integer"


def _strings(value: object) -> tuple[Any, str]:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value), ""
    return value, "must be a list of strings"


_PARSERS: dict[str, Callable[[object], tuple[Any, str]]] = {
    "down": _boolean,
    "down_for_seconds": _optional_seconds,
    "timeout_next": _count,
    "timeout_seconds": _seconds,
    "drop_response_next": _count,
    "duplicate_feedback": _boolean,
    "reorder_feedback": _boolean,
    "reject_format_business_ids": _strings,
    "reject_format_rate": _rate,
    "seed": _integer,
    "reject_http_next": _count,
    "hold": _boolean,
}


@dataclass
class FaultSwitch:
    """The live fault configuration, shared by the request threads and the applier."""

    faults: Faults = field(default_factory=Faults)
    clock: Callable[[], float] = time.monotonic
    _set_at: float = field(init=False)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._set_at = self.clock()

    def replace(self, faults: Faults) -> None:
        with self._lock:
            self.faults, self._set_at = faults, self.clock()

    def current(self) -> Faults:
        with self._lock:
            return self.faults

    def is_down(self) -> bool:
        with self._lock:
            faults, set_at = self.faults, self._set_at
        if faults.down_for_seconds is not None:
            return self.clock() < set_at + faults.down_for_seconds
        return faults.down

    def take(self, counter: str) -> bool:
        """Use one of ``counter`` (``timeout_next``, ``drop_response_next``,
        ``reject_http_next``): True, and one less left, if any was left."""
        with self._lock:
            left = getattr(self.faults, counter)
            if left <= 0:
                return False
            self.faults = dataclasses.replace(self.faults, **{counter: left - 1})
            return True
