"""The ``xiufu`` command: serve, demo, check, verify, and Django's management commands.

xiufu serve [--host H] [--port P] [--workers N] [--dev]
xiufu demo
xiufu check
xiufu verify RECEIPT [FILE] [--trusted-key VKEY_OR_PATH …] [--tsa-root PEM_PATH …] [--json]
xiufu verify --consistency OLD NEW [--trusted-key VKEY_OR_PATH …] [--json]
xiufu sandbox-bureau [--host H] [--port P] [--store PATH] [--delay SECONDS] [--faults FILE.json]
xiufu manage <django command> …

``xiufu verify`` works offline without any configuration: it never sets up (or imports) Django,
and its exit code is the outcome: 0 valid, 1 tampered, 2 untrusted, 3 malformed (also for usage
errors and unreadable files). ``xiufu sandbox-bureau`` (the stand-in credit bureau, a separate
service) does not import Django either.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

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

    verify = commands.add_parser(
        "verify",
        help="verify an evidence receipt or checkpoint offline",
        description=VERIFY_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_verify_arguments(verify)

    from xiufu.bureau.sandbox import add_arguments as add_sandbox_bureau_arguments

    sandbox_bureau = commands.add_parser(
        "sandbox-bureau",
        help="run the sandbox bureau, a stand-in credit reporting system (no Django)",
        description="沙箱征信系统：接收报文、异步处理、提供反馈与企业信用报告，可注入故障。"
        " See docs/bureau-protocol.md.",
    )
    add_sandbox_bureau_arguments(sandbox_bureau)

    bureau = commands.add_parser(
        "bureau", help="the bureau connector: run the outbox worker, send reports, reconcile"
    )
    bureau_commands = bureau.add_subparsers(dest="bureau_command", required=True, metavar="ACTION")
    deliver = bureau_commands.add_parser(
        "deliver", help="run the outbox worker until stopped (serve's ticker also runs it)"
    )
    deliver.add_argument("--once", action="store_true", help="one pass, then exit")
    deliver.add_argument("--interval", type=float, default=1.0, help="seconds between passes")
    bureau_commands.add_parser(
        "seed", help="queue the regular report of every record (a new bureau learns them)"
    )
    bureau_commands.add_parser(
        "reconcile",
        help="compare what the outbox believes was applied with the bureau's records",
    )

    manage = commands.add_parser("manage", help="run a Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["verify"]:
        # Offline and configuration-free: no Django, and usage errors exit 3, not argparse's 2
        # (which means "untrusted" here).
        return cmd_verify(build_verify_parser().parse_args(argv[1:]))
    args = build_parser().parse_args(argv)
    if args.command == "verify":
        return cmd_verify(args)
    if args.command == "sandbox-bureau":
        return cmd_sandbox_bureau(args)
    if args.command in ("serve", "demo"):
        # The embedded default: corrections go to the sandbox bureau that serve starts alongside.
        os.environ.setdefault("XIUFU_BUREAU_ADAPTER", "sandbox")
    _setup_django()
    handler = {
        "serve": cmd_serve,
        "demo": cmd_demo,
        "check": cmd_check,
        "deadlines": cmd_deadlines,
        "ticker": cmd_ticker,
        "bureau": cmd_bureau,
        "manage": cmd_manage,
    }
    return handler[args.command](args)


# --- xiufu verify (no Django on this path) ------------------------------------------------------

EXIT_VERIFY_MALFORMED = 3

VERIFY_DESCRIPTION = """\
Verify an evidence receipt offline: the file (if given) against the receipt, the log entry, the
inclusion proof against the signed checkpoint, and the checkpoint's timestamp. With --consistency,
verify that the checkpoint of NEW (a checkpoint file) extends the one of OLD (a receipt or a
checkpoint file).

Without --trusted-key the receipt's own log key is used: that proves integrity, not origin —
compare the key printed with the key the platform publishes, or pin it with --trusted-key.

exit status: 0 valid, 1 tampered, 2 untrusted, 3 malformed or unreadable input"""


class _VerifyArgumentParser(argparse.ArgumentParser):
    """Usage errors exit with 3 (malformed), since 2 means "untrusted" for ``xiufu verify``."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_VERIFY_MALFORMED, f"{self.prog}: error: {message}\n")


def _add_verify_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("receipt", nargs="?", metavar="RECEIPT", help="the receipt (JSON) file")
    parser.add_argument(
        "file", nargs="?", metavar="FILE", help="the material or letter the receipt is about"
    )
    parser.add_argument(
        "--consistency",
        nargs=2,
        metavar=("OLD", "NEW"),
        help="verify that checkpoint file NEW extends OLD (a receipt or checkpoint file)",
    )
    parser.add_argument(
        "--trusted-key",
        action="append",
        default=[],
        metavar="VKEY_OR_PATH",
        help="pin the log key: a verifier key, or a file of them (one a line); repeatable",
    )
    parser.add_argument(
        "--tsa-root",
        action="append",
        default=[],
        metavar="PEM_PATH",
        help="pin the timestamping authority's root certificate(s), PEM; repeatable",
    )
    parser.add_argument("--json", action="store_true", help="print the whole verdict as JSON")


def build_verify_parser() -> argparse.ArgumentParser:
    parser = _VerifyArgumentParser(
        prog="xiufu verify",
        description=VERIFY_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_verify_arguments(parser)
    return parser


class _VerifyInputError(Exception):
    """An input of ``xiufu verify`` could not be read; the message is one line."""


def _read_input(path: str, what: str) -> bytes:
    from xiufu.evidence.receipt import MAX_ARTIFACT_SIZE

    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_ARTIFACT_SIZE + 1)
    except OSError as exc:
        raise _VerifyInputError(f"cannot read {what} {path!r}: {exc.strerror or exc}") from None
    if len(data) > MAX_ARTIFACT_SIZE:
        raise _VerifyInputError(f"{what} {path!r} is larger than {MAX_ARTIFACT_SIZE} bytes")
    return data


def _read_text(path: str, what: str) -> str:
    try:
        return _read_input(path, what).decode("utf-8")
    except UnicodeDecodeError:
        raise _VerifyInputError(f"{what} {path!r} is not UTF-8 text") from None


def _trusted_keys(values: Sequence[str]) -> list[str]:
    """Each ``--trusted-key`` is a verifier key or a file of verifier keys (one a line, ``#``
    comments allowed)."""
    from xiufu.evidence.note import NoteError, Verifier

    keys: list[str] = []
    for value in values:
        try:
            keys.append(Verifier.from_vkey(value.strip()).vkey)
            continue
        except NoteError:
            pass
        if not os.path.exists(value):
            raise _VerifyInputError(
                f"--trusted-key {value!r} is neither a verifier key nor an existing file"
            )
        lines = [line.strip() for line in _read_text(value, "trusted key file").splitlines()]
        found = [line for line in lines if line and not line.startswith("#")]
        if not found:
            raise _VerifyInputError(f"trusted key file {value!r} holds no key")
        for line in found:
            try:
                keys.append(Verifier.from_vkey(line).vkey)
            except NoteError as exc:
                raise _VerifyInputError(
                    f"trusted key file {value!r} holds a line that is not a verifier key: {exc}"
                ) from None
    return keys


def _tsa_roots(paths: Sequence[str]) -> list[str]:
    import re

    roots: list[str] = []
    for path in paths:
        text = _read_text(path, "TSA root file")
        found = re.findall(
            r"-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----", text, flags=re.S
        )
        if not found:
            raise _VerifyInputError(f"TSA root file {path!r} holds no PEM certificate")
        roots.extend(pem + "\n" for pem in found)
    return roots


def cmd_verify(args: argparse.Namespace) -> int:
    from xiufu.evidence.verify import Outcome, Verdict

    try:
        verdict = _run_verify(args)
    except _VerifyInputError as exc:
        verdict = Verdict(Outcome.MALFORMED, str(exc))
    except Exception as exc:  # never exit 1 ("tampered") with a traceback
        verdict = Verdict(Outcome.MALFORMED, f"could not verify: {type(exc).__name__}: {exc}")
    if isinstance(sys.stdout, io.TextIOWrapper):  # never fail on a name that cannot be printed
        sys.stdout.reconfigure(errors="backslashreplace")
    print(verdict.to_json() if args.json else " ".join(verdict.line.split()))
    sys.stdout.flush()
    return int(verdict.outcome)


def _run_verify(args: argparse.Namespace) -> Any:
    from xiufu.evidence.verify import verify_consistency_files, verify_receipt

    keys = _trusted_keys(args.trusted_key)
    if args.consistency:
        if args.receipt is not None or args.tsa_root:
            raise _VerifyInputError("--consistency OLD NEW takes no other file and no --tsa-root")
        old_path, new_path = args.consistency
        old = _read_input(old_path, "older artifact")
        new = _read_input(new_path, "newer artifact")
        return verify_consistency_files(old, new, trusted_keys=keys)
    if args.receipt is None:
        raise _VerifyInputError("give a RECEIPT file (or --consistency OLD NEW)")
    roots = _tsa_roots(args.tsa_root)
    receipt = _read_input(args.receipt, "receipt")
    if args.file is None:
        return verify_receipt(receipt, trusted_keys=keys, trusted_tsa_roots_pem=roots)
    try:
        with open(args.file, "rb") as stream:
            return verify_receipt(receipt, stream, trusted_keys=keys, trusted_tsa_roots_pem=roots)
    except OSError as exc:  # opening it: read errors are part of the verdict
        raise _VerifyInputError(f"cannot read file {args.file!r}: {exc.strerror or exc}") from None


def cmd_sandbox_bureau(args: argparse.Namespace) -> int:
    """A separate service: no Django on this path, so that it starts fast."""
    from xiufu.bureau.sandbox.server import run_from_args

    return run_from_args(args)


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

    bureau = _start_sandbox_bureau()
    ticker = None if args.no_ticker else spawn_ticker_process()
    try:
        run_gunicorn(host=args.host, port=args.port, workers=args.workers)
    finally:
        # The bureau first, so that a delivery the ticker has in hand fails at once, not slowly.
        _stop_children(bureau, ticker)
    return 0


def _stop_children(*children: Any) -> None:
    """SIGTERM each child process, wait for it a while, then SIGKILL what is left."""
    import subprocess

    running = [child for child in children if child is not None]
    for child in running:
        child.terminate()
    for child in running:
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _start_sandbox_bureau() -> Any:
    """On the embedded default, the sandbox bureau runs beside the web server (its own process
    and store under the data directory). One already answering on the port is used as it is."""
    from urllib.parse import urlsplit

    from django.conf import settings

    from xiufu.bureau.sandbox.server import SandboxStartError, spawn_sandbox_bureau

    address = urlsplit(settings.BUREAU_SANDBOX_URL)
    if settings.BUREAU_ADAPTER != "sandbox" or address.hostname not in ("127.0.0.1", "localhost"):
        return None
    store = settings.DATA_DIR / "sandbox-bureau" / "bureau.sqlite3"
    delay = float(os.environ.get("XIUFU_SANDBOX_BUREAU_DELAY", "2"))
    try:
        child = spawn_sandbox_bureau(address.port or 80, store, delay, host=address.hostname)
    except SandboxStartError as exc:
        print(f"沙箱征信系统未启动（{exc}）；使用 {settings.BUREAU_SANDBOX_URL} 上已运行的服务。")
        return None
    print(f"沙箱征信系统已启动：{settings.BUREAU_SANDBOX_URL}  （数据 {store}）")
    return child


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


def cmd_bureau(args: argparse.Namespace) -> int:
    from xiufu.bureau import outbox

    if args.bureau_command == "seed":
        print(f"已排队 {outbox.enqueue_reports()} 条报送报文。")
        return 0
    if args.bureau_command == "reconcile":
        from xiufu.bureau.reconcile import reconcile

        result = reconcile()
        for difference in result.differences:
            print(difference.line())
        print(
            f"{result.adapter}: {result.records} records compared, "
            f"{len(result.differences)} differences, {result.in_flight} messages still in flight"
        )
        return 1 if result.differences else 0
    return _run_outbox_worker(once=args.once, interval=max(args.interval, 0.05))


def _run_outbox_worker(*, once: bool, interval: float) -> int:
    """Deliver due messages and read feedback, pass after pass, until SIGTERM/SIGINT; a pass that
    fails (the database briefly away, say) is logged and the next one tries again."""
    import logging
    import signal
    import threading

    from django.db import close_old_connections

    from xiufu.bureau import outbox

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.is_set():
        close_old_connections()
        try:
            run = outbox.deliver_due()
            outbox.poll_feedback()
            if run.delivered or run.parked:
                print(f"送达 {len(run.delivered)}，重试 {len(run.retried)}，暂停 {len(run.parked)}")
        except Exception:
            logging.getLogger("xiufu.bureau").exception("outbox worker pass failed")
        if once:
            break
        stop.wait(interval)
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
