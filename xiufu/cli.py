"""The ``xiufu`` command: serve, demo, check, and Django's management commands.

xiufu serve [--host H] [--port P] [--workers N] [--dev]
xiufu demo
xiufu check
xiufu manage <django command> …
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

EXIT_CONFIG = 2


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from xiufu.core.env import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as exc:
        print(f"xiufu: configuration error: {exc.name}: {exc.problem}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"port must be a number, got {value!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 1 and 65535, got {port}")
    return port


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xiufu", description="xiufu 企业征信异议处理与信用修复")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="migrate, load demo data if empty, and serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8000)
    serve.add_argument("--workers", type=_positive, default=None, help="web worker processes")
    serve.add_argument("--dev", action="store_true", help="Django's development server")
    serve.add_argument("--no-demo", action="store_true", help="never load demo data")
    serve.add_argument(
        "--no-ticker", action="store_true", help="do not run periodic jobs in this process"
    )

    commands.add_parser("demo", help="reset the database and load the demo data")
    commands.add_parser("check", help="show the effective configuration and check the system")

    deadlines = commands.add_parser(
        "deadlines", help="list cases at risk of or in breach of their statutory deadline"
    )
    deadlines.add_argument("--all", action="store_true", help="also list cases that are on track")
    deadlines.add_argument(
        "--no-record", action="store_true", help="do not record new warnings and breaches"
    )

    commands.add_parser("ticker", help="run the periodic jobs until stopped (serve starts it)")

    manage = commands.add_parser("manage", help="run a Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_django()
    handler = {
        "serve": cmd_serve,
        "demo": cmd_demo,
        "check": cmd_check,
        "deadlines": cmd_deadlines,
        "ticker": cmd_ticker,
        "manage": cmd_manage,
    }
    return handler[args.command](args)


def _print_accounts(accounts: Sequence[Any]) -> None:
    print("演示账号 / demo accounts:")
    width = max(len(a.username) for a in accounts)
    for account in accounts:
        print(f"  {account.username.ljust(width)}  {account.password}  {account.label}")


def cmd_demo(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    from xiufu.demo.loader import load_demo

    call_command("migrate", interactive=False, verbosity=0)
    summary = load_demo(reset=True)
    print(
        f"已载入演示数据：{summary.enterprises} 家企业，{summary.loans} 笔借贷，"
        f"{summary.guarantees} 笔担保，{summary.public_records} 条公共记录，"
        f"{summary.planted_errors} 处预置错误，{summary.cases} 件异议案件。"
    )
    _print_accounts(summary.accounts)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from xiufu.demo.loader import database_is_empty, demo_accounts, load_demo

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if database_is_empty() and not args.no_demo:
        summary = load_demo(reset=False)
        print(f"数据库为空，已载入演示数据（{summary.enterprises} 家企业）。")
    url = f"http://{args.host}:{args.port}"
    print(f"xiufu 已启动：{url}  （数据目录 {settings.DATA_DIR}）")
    if not settings.PRODUCTION:
        _print_accounts(demo_accounts())
    sys.stdout.flush()
    if args.dev:
        if not args.no_ticker:
            from xiufu.core.ticker import start_ticker

            start_ticker()
        call_command("runserver", f"{args.host}:{args.port}", use_reloader=False)
        return 0
    from xiufu.core.server import run_gunicorn
    from xiufu.core.ticker import spawn_ticker_process

    ticker = None if args.no_ticker else spawn_ticker_process()
    try:
        run_gunicorn(host=args.host, port=args.port, workers=args.workers)
    finally:
        if ticker is not None:
            ticker.terminate()
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from xiufu.core.checks import effective_configuration, run_system_checks

    print("有效配置 / effective configuration:")
    for name, value in effective_configuration():
        print(f"  {name} = {value}")
    print("检查 / checks:")
    ok = True
    for name, passed, detail in run_system_checks():
        ok &= passed
        print(f"  [{'OK' if passed else 'FAIL'}] {name}: {detail}")
    return 0 if ok else 1


def cmd_deadlines(args: argparse.Namespace) -> int:
    from xiufu.cases.deadlines import deadline_rows, format_rows

    if not args.no_record:
        from xiufu.cases.actions import do_check_clocks

        report = do_check_clocks()
        if report.warned or report.breached:
            print(f"新记录：预警 {len(report.warned)} 件，超期 {len(report.breached)} 件。")
    rows = deadline_rows(include_on_track=args.all)
    print(format_rows(rows))
    return 0


def cmd_ticker(args: argparse.Namespace) -> int:
    import signal
    import threading

    from xiufu.core.ticker import start_ticker

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    start_ticker(stop).join()
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["xiufu manage", *args.args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
