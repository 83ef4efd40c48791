"""Configuration comes only from the environment; a bad value names the variable and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from xiufu.core.env import ConfigError, Env, mask_secret, mask_url_password


def test_defaults_apply_when_unset():
    env = Env({})
    assert env.flag("X", False) is False
    assert env.integer("X", 5) == 5
    assert env.items("X", ["a"]) == ["a"]
    assert env.path("X", Path("/srv/x")) == Path("/srv/x")


@pytest.mark.parametrize(
    ("call", "value", "fragment"),
    [
        (lambda e: e.flag("XIUFU_DEBUG"), "maybe", "true/false"),
        (lambda e: e.integer("XIUFU_DEBUG", 1), "ten", "integer"),
        (lambda e: e.integer("XIUFU_DEBUG", 1, minimum=1), "0", "at least 1"),
        (lambda e: e.items("XIUFU_DEBUG", []), "a,,b", "empty item"),
        (lambda e: e.choice("XIUFU_DEBUG", "a", ("a", "b")), "c", "one of a, b"),
        (lambda e: e.database_url("XIUFU_DEBUG", "sqlite://"), "mysql://x/y", "scheme 'mysql'"),
        (lambda e: e.database_url("XIUFU_DEBUG", "sqlite://"), "postgres://host", "no database"),
    ],
)
def test_bad_values_name_the_variable_and_the_problem(call, value, fragment):
    with pytest.raises(ConfigError) as caught:
        call(Env({"XIUFU_DEBUG": value}))
    assert caught.value.name == "XIUFU_DEBUG"
    assert fragment in caught.value.problem


def test_database_url_parses_postgres():
    config = Env({"DATABASE_URL": "postgres://u:p@db:5433/xiufu"}).database_url("DATABASE_URL", "")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db", 5433, "xiufu")


def test_secrets_are_masked():
    assert mask_secret("s3cr3t-value") == "****(12 chars)"
    assert mask_secret("") == "(unset)"
    assert mask_url_password("postgres://u:hunter2@db/x") == "postgres://u:****@db/x"
    assert mask_url_password("sqlite:////var/x.sqlite3") == "sqlite:////var/x.sqlite3"
