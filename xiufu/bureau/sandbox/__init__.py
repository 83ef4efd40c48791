"""The sandbox bureau: a stand-in for the credit reporting system, run as a separate process.

It has its own SQLite store, speaks the JSON-over-HTTP protocol of docs/bureau-protocol.md,
applies messages asynchronously, offers feedback to poll, shows an enterprise's report as it holds
it and injects faults on demand. It never imports Django, so it starts fast.

Run it with ``xiufu sandbox-bureau`` or ``python -m xiufu.bureau.sandbox``; from Python, use
:mod:`xiufu.bureau.sandbox.server` (``start_in_thread``, ``spawn_sandbox_bureau``). This module
only declares the command-line options (standard library only, so that ``xiufu``'s parser stays
cheap to build).
"""

from __future__ import annotations

import argparse

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8766
DEFAULT_DELAY = 2.0
ENV_PORT = "XIUFU_SANDBOX_BUREAU_PORT"
ENV_STORE = "XIUFU_SANDBOX_BUREAU_STORE"
ENV_DELAY = "XIUFU_SANDBOX_BUREAU_DELAY"
ENV_ADMIN_TOKEN = "XIUFU_SANDBOX_BUREAU_ADMIN_TOKEN"  # noqa: S105 - a variable name


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"port must be a number from 1 to 65535, got {value!r}")
    return int(value)


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {value!r}") from None
    if not 0 <= seconds <= 86400:
        raise argparse.ArgumentTypeError(f"seconds must be from 0 to 86400, got {value!r}")
    return seconds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``xiufu sandbox-bureau``; defaults left as None are read from the
    environment when the bureau starts (see :func:`xiufu.bureau.sandbox.server.resolve`)."""
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument(
        "--port", type=_port, default=None, help=f"default ${ENV_PORT} or {DEFAULT_PORT}"
    )
    parser.add_argument(
        "--store",
        default=None,
        metavar="PATH",
        help=f"SQLite file; default ${ENV_STORE} or <XIUFU_DATA_DIR>/sandbox-bureau/bureau.sqlite3",
    )
    parser.add_argument(
        "--delay",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help=f"apply messages this long after receipt; default ${ENV_DELAY} or {DEFAULT_DELAY}",
    )
    parser.add_argument(
        "--faults", default=None, metavar="FILE.json", help="fault configuration to start with"
    )
    parser.add_argument(
        "--admin-token",
        default=None,
        help=f"require it in X-Sandbox-Admin for /v1/faults; default ${ENV_ADMIN_TOKEN}",
    )
    parser.add_argument("--quiet", action="store_true", help="no access log")
