"""Typed helpers that read configuration from the environment.

Every setting of xiufu comes from an environment variable read through one of these helpers. A
value that cannot be parsed stops start-up with a message naming the variable and the problem, so a
typo in production never turns silently into a default.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A configuration value is missing or malformed."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


class Env:
    """Reads typed values from a mapping (``os.environ`` by default)."""

    def __init__(self, source: Mapping[str, str] | None = None) -> None:
        self.source = os.environ if source is None else source

    def raw(self, name: str) -> str | None:
        value = self.source.get(name)
        return None if value is None else value.strip()

    def _parse(self, name: str, default: T, parse: Callable[[str], T]) -> T:
        value = self.raw(name)
        if value is None or value == "":
            return default
        return parse(value)

    def string(self, name: str, default: str = "") -> str:
        return self._parse(name, default, lambda v: v)

    def flag(self, name: str, default: bool = False) -> bool:
        def parse(value: str) -> bool:
            lowered = value.lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise ConfigError(name, f"expected one of true/false/1/0/yes/no/on/off, got {value!r}")

        return self._parse(name, default, parse)

    def integer(self, name: str, default: int, *, minimum: int | None = None) -> int:
        def parse(value: str) -> int:
            try:
                number = int(value)
            except ValueError:
                raise ConfigError(name, f"expected an integer, got {value!r}") from None
            if minimum is not None and number < minimum:
                raise ConfigError(name, f"must be at least {minimum}, got {number}")
            return number

        return self._parse(name, default, parse)

    def items(self, name: str, default: list[str]) -> list[str]:
        def parse(value: str) -> list[str]:
            items = [item.strip() for item in value.split(",")]
            if any(not item for item in items):
                raise ConfigError(name, f"empty item in comma-separated list {value!r}")
            return items

        return self._parse(name, list(default), parse)

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        def parse(value: str) -> str:
            if value not in choices:
                raise ConfigError(name, f"expected one of {', '.join(choices)}, got {value!r}")
            return value

        return self._parse(name, default, parse)

    def path(self, name: str, default: Path) -> Path:
        def parse(value: str) -> Path:
            if "\x00" in value:
                raise ConfigError(name, "contains a NUL byte")
            return Path(value).expanduser().resolve()

        return self._parse(name, default, parse)

    def database_url(self, name: str, default: str) -> dict[str, object]:
        import dj_database_url

        value = self._parse(name, default, lambda v: v)
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
            raise ConfigError(
                name, f"expected a sqlite:// or postgres:// URL, got scheme {scheme or 'none'!r}"
            )
        try:
            config = dict(dj_database_url.parse(value, conn_max_age=60))
        except Exception as exc:  # dj-database-url raises several exception types
            raise ConfigError(name, f"cannot parse URL: {exc}") from None
        if scheme != "sqlite" and not config.get("NAME"):
            raise ConfigError(name, "the URL names no database")
        return config


def mask_secret(value: str) -> str:
    """Show only that a secret is set, and how long it is."""
    if not value:
        return "(unset)"
    return f"****({len(value)} chars)"


def mask_url_password(url: str) -> str:
    """Replace the password of a URL such as ``postgres://u:p@h/db`` with asterisks."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    if ":" in credentials:
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:****@{host}"
    return url
