"""The ``xiufu`` command, run as a user would run it: in a separate process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def _run(args, env_overrides, timeout=120):
    env = {**os.environ, **env_overrides}
    return subprocess.run(
        [sys.executable, "-m", "xiufu.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _demo_uscc() -> str:
    """One demo enterprise's USCC, from the demo's own deterministic world."""
    from xiufu.demo.build import build_world

    return str(build_world().enterprises[0].uscc)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_migrates_loads_demo_and_answers_healthz(tmp_path, fresh_database_url):
    port, bureau_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "XIUFU_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": fresh_database_url,
        "XIUFU_WEB_WORKERS": "1",
        "XIUFU_SANDBOX_BUREAU_URL": f"http://127.0.0.1:{bureau_port}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "xiufu.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status, server = None, ""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    status, server = r.status, r.headers.get("Server", "")
                    break
            except OSError:
                time.sleep(0.3)
        assert status == 200
        # the sandbox bureau runs beside it, and the ticker delivers the demo's records to it
        bureau_report = f"http://127.0.0.1:{bureau_port}/v1/reports/{_demo_uscc()}"
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(bureau_report, timeout=2) as r:
                    if json.load(r)["records"]:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the sandbox bureau never showed the demo's records")
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=90)[0]
    assert "沙箱征信系统已启动" in output
    assert "演示账号" in output
    for username in ("clerk", "investigator", "approver", "reporter", "compliance", "auditor"):
        assert username in output
    assert server.startswith("gunicorn")  # a production server, not runserver


def test_check_masks_secrets(tmp_path):
    result = _run(
        ["check"],
        {
            "XIUFU_DATA_DIR": str(tmp_path),
            "SECRET_KEY": "this-is-a-very-secret-key-that-nobody-may-see",
            "DATABASE_URL": "postgres://xiufu:hunter2-password@127.0.0.1:1/nothing",
        },
    )
    output = result.stdout + result.stderr
    assert "this-is-a-very-secret-key" not in output
    assert "hunter2-password" not in output
    assert "SECRET_KEY = ****(45 chars)" in output
    assert "postgres://xiufu:****@127.0.0.1:1/nothing" in output
    assert "[FAIL] database" in output
    assert result.returncode == 1


def test_check_passes_on_a_migrated_database(tmp_path, fresh_database_url):
    env = {"XIUFU_DATA_DIR": str(tmp_path), "DATABASE_URL": fresh_database_url}
    assert "[FAIL] migrations" in _run(["check"], env).stdout
    _run(["manage", "migrate", "-v0"], env)
    result = _run(["check"], env)
    assert result.returncode == 0, result.stdout
    assert "[OK] storage" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("XIUFU_LOGIN_FAILURE_LIMIT", "ten", "expected an integer"),
        ("XIUFU_PRODUCTION", "perhaps", "expected one of true/false"),
        ("DATABASE_URL", "mysql://localhost/x", "expected a sqlite:// or postgres:// URL"),
        ("SECRET_KEY", "short", "at least 32 characters"),
        ("XIUFU_STORAGE", "ftp", "expected one of local, s3"),
    ],
)
def test_a_malformed_variable_stops_start_up_naming_it(tmp_path, variable, value, problem):
    result = _run(["check"], {"XIUFU_DATA_DIR": str(tmp_path), variable: value})
    assert result.returncode == 2
    assert f"configuration error: {variable}: " in result.stderr
    assert problem in result.stderr


def test_production_requires_a_secret_key(tmp_path):
    env = {"XIUFU_DATA_DIR": str(tmp_path), "XIUFU_PRODUCTION": "true", "SECRET_KEY": ""}
    result = _run(["check"], env)
    assert result.returncode == 2
    assert "SECRET_KEY: is required" in result.stderr


def test_bad_arguments_are_explained():
    result = _run(["serve", "--port", "99999"], {})
    assert result.returncode == 2
    assert "port must be between 1 and 65535" in result.stderr
