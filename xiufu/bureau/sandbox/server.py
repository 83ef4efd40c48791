"""Running the sandbox bureau: a threaded wsgiref server plus the applier thread.

* :func:`start_in_thread` runs a bureau inside this process (tests) and returns a handle to stop it.
* :func:`serve_forever` runs one until SIGINT/SIGTERM (``xiufu sandbox-bureau``).
* :func:`spawn_sandbox_bureau` starts ``python -m xiufu.bureau.sandbox`` as a child process and
  returns once it answers ``GET /health``.

wsgiref is enough for a sandbox and lets us do what a production server would not: drop a
response on purpose (the ``drop_response_next`` fault) by closing the connection unanswered.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import socket
import socketserver
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from xiufu.bureau import sandbox
from xiufu.bureau.sandbox.app import DROP_CONNECTION, SandboxApp
from xiufu.bureau.sandbox.faults import Faults, FaultsError, FaultSwitch
from xiufu.bureau.sandbox.store import Store

__all__ = [
    "RunningBureau",
    "SandboxStartError",
    "main",
    "resolve",
    "serve_forever",
    "spawn_sandbox_bureau",
    "start_in_thread",
]

logger = logging.getLogger("xiufu.bureau.sandbox")

_IDLE_SECONDS = 0.5  # the applier looks at the store at least this often


class SandboxStartError(RuntimeError):
    """The sandbox bureau did not start (port taken, bad configuration, no answer in time)."""


# --- the HTTP server -----------------------------------------------------------------------------


class _ServerHandler(ServerHandler):
    environ: dict[str, Any]  # set by BaseHandler.setup_environ (not in the stubs)

    def finish_response(self) -> None:
        if self.environ.get(DROP_CONNECTION):
            self.close()  # nothing was written yet: the client sees the connection closed
            return
        super().finish_response()


class _RequestHandler(WSGIRequestHandler):
    def handle(self) -> None:
        """wsgiref's ``handle``, with our ServerHandler."""
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            return
        if not self.parse_request():
            return
        handler = _ServerHandler(
            self.rfile,
            cast("IO[bytes]", self.wfile),
            self.get_stderr(),
            self.get_environ(),
            multithread=True,
        )
        handler.request_handler = self  # type: ignore[attr-defined]  # wsgiref logs through it
        handler.run(self.server.get_app())  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:
        if not getattr(self.server, "quiet", False):
            super().log_message(format, *args)


class _Server(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    quiet = False

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which can hang without DNS.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)
        self.setup_environ()


class _Server6(_Server):
    address_family = socket.AF_INET6


# --- the applier ---------------------------------------------------------------------------------


class Applier(threading.Thread):
    """Applies received messages in receipt order once they are due, one transaction each."""

    def __init__(self, store: Store, faults: FaultSwitch, stopping: threading.Event) -> None:
        super().__init__(name="sandbox-bureau-applier", daemon=True)
        self.store, self.faults, self.stopping = store, faults, stopping
        self._wake = threading.Event()
        self._failed: set[int] = set()

    def wake(self) -> None:
        self._wake.set()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                self._wake.clear()  # before looking: a wake-up during the pass is not lost
                try:
                    self.apply_due()
                    timeout = self._until_next()
                except Exception:
                    logger.exception("the applier failed; trying again in a second")
                    timeout = 1.0
                self._wake.wait(timeout)
        finally:
            self.store.close()

    def apply_due(self) -> None:
        faults = self.faults.current()
        if faults.hold:
            return
        due = [seq for seq in self.store.due_messages(time.time()) if seq not in self._failed]
        if faults.reorder_feedback:
            due.reverse()
        for seq in due:
            if self.stopping.is_set():
                return
            try:
                self.store.apply(
                    seq,
                    rejects_format=faults.rejects_format,
                    duplicate_feedback=faults.duplicate_feedback,
                )
            except Exception:  # a bug: keep the message "received" and go on with the others
                logger.exception("could not apply message #%s; skipped until restart", seq)
                self._failed.add(seq)

    def _until_next(self) -> float:
        next_due = self.store.next_due()
        if next_due is None or self.faults.current().hold:
            return _IDLE_SECONDS
        return min(_IDLE_SECONDS, max(next_due - time.time(), 0.05))


# --- running -------------------------------------------------------------------------------------


@dataclass
class RunningBureau:
    """A sandbox bureau running in this process; :meth:`stop` it (or use ``with``)."""

    store: Store
    faults: FaultSwitch
    app: SandboxApp
    applier: Applier
    stopping: threading.Event
    httpd: _Server
    thread: threading.Thread

    @property
    def port(self) -> int:
        return int(self.httpd.server_port)

    @property
    def url(self) -> str:
        host = str(self.httpd.server_name)
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    def stop(self) -> None:
        self.stopping.set()
        self.applier.wake()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
        self.applier.join(5)
        self.store.close()

    def __enter__(self) -> RunningBureau:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_in_thread(
    *,
    store_path: str | Path,
    host: str = sandbox.DEFAULT_HOST,
    port: int = 0,
    delay: float = 0.0,
    faults: Faults | None = None,
    admin_token: str | None = None,
    quiet: bool = True,
) -> RunningBureau:
    """Start a sandbox bureau in background threads of this process. ``port=0`` picks a free
    port (see :attr:`RunningBureau.url`)."""
    try:
        store = Store(store_path)
    except (OSError, sqlite3.Error) as exc:
        raise SandboxStartError(f"cannot open the store {store_path}: {exc}") from exc
    switch = FaultSwitch(faults or Faults())
    stopping = threading.Event()
    applier = Applier(store, switch, stopping)
    app = SandboxApp(
        store,
        switch,
        delay=delay,
        admin_token=admin_token,
        on_received=applier.wake,
        stopping=stopping,
    )
    server_class = _Server6 if ":" in host else _Server
    try:
        httpd = server_class((host, port), _RequestHandler)
    except OSError as exc:
        store.close()
        raise SandboxStartError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    httpd.quiet = quiet
    httpd.set_app(app)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="sandbox-bureau-http"
    )
    thread.daemon = True
    thread.start()
    applier.start()
    return RunningBureau(store, switch, app, applier, stopping, httpd, thread)


def serve_forever(
    *,
    store_path: str | Path,
    host: str = sandbox.DEFAULT_HOST,
    port: int = sandbox.DEFAULT_PORT,
    delay: float = sandbox.DEFAULT_DELAY,
    faults: Faults | None = None,
    admin_token: str | None = None,
    quiet: bool = False,
) -> None:
    """Run a sandbox bureau until SIGINT or SIGTERM (call from the main thread)."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    bureau = start_in_thread(
        store_path=store_path,
        host=host,
        port=port,
        delay=delay,
        faults=faults,
        admin_token=admin_token,
        quiet=quiet,
    )
    print(
        f"沙箱征信系统已启动：{bureau.url}（存储 {store_path}，处理延迟 {delay:g} 秒）",
        flush=True,
    )
    try:
        stop.wait()
    finally:
        bureau.stop()


# --- configuration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    host: str
    port: int
    store_path: Path
    delay: float
    faults: Faults
    admin_token: str | None
    quiet: bool


def resolve(args: argparse.Namespace) -> Options:
    """The options given on the command line, else from the environment, else the defaults.
    Raises ``xiufu.core.env.ConfigError`` or :class:`FaultsError`."""
    from xiufu.core.env import ConfigError, Env

    env = Env()
    port = args.port or env.integer(sandbox.ENV_PORT, sandbox.DEFAULT_PORT, minimum=1)
    if port > 65535:
        raise ConfigError(sandbox.ENV_PORT, f"must be at most 65535, got {port}")
    data_dir = env.path("XIUFU_DATA_DIR", Path.cwd() / "var")
    store = (
        Path(args.store)
        if args.store
        else env.path(sandbox.ENV_STORE, data_dir / "sandbox-bureau" / "bureau.sqlite3")
    )
    delay = args.delay
    if delay is None:
        try:
            delay = sandbox._seconds(env.string(sandbox.ENV_DELAY, str(sandbox.DEFAULT_DELAY)))
        except argparse.ArgumentTypeError as exc:
            raise ConfigError(sandbox.ENV_DELAY, str(exc)) from None
    faults = Faults.from_file(args.faults) if args.faults else Faults()
    token = args.admin_token or env.string(sandbox.ENV_ADMIN_TOKEN) or None
    return Options(args.host, port, store, delay, faults, token, args.quiet)


def run_from_args(args: argparse.Namespace) -> int:
    """``xiufu sandbox-bureau``: exit 2 on a configuration error, else serve until stopped."""
    from xiufu.core.env import ConfigError

    try:
        options = resolve(args)
    except ConfigError as exc:
        print(f"xiufu: configuration error: {exc.name}: {exc.problem}", file=sys.stderr)
        return 2
    except FaultsError as exc:
        print(f"xiufu: bad fault configuration: {exc}", file=sys.stderr)
        return 2
    try:
        serve_forever(
            store_path=options.store_path,
            host=options.host,
            port=options.port,
            delay=options.delay,
            faults=options.faults,
            admin_token=options.admin_token,
            quiet=options.quiet,
        )
    except SandboxStartError as exc:
        print(f"xiufu: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m xiufu.bureau.sandbox", description="沙箱征信系统 (sandbox bureau)"
    )
    sandbox.add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


# --- a child process -----------------------------------------------------------------------------


def spawn_sandbox_bureau(
    port: int,
    store: str | Path,
    delay: float,
    *,
    host: str = sandbox.DEFAULT_HOST,
    faults_file: str | Path | None = None,
    admin_token: str | None = None,
    quiet: bool = True,
    timeout: float = 15.0,
) -> subprocess.Popen[bytes]:
    """Start ``python -m xiufu.bureau.sandbox`` as a child process and return it once it answers
    ``GET /health`` (any status: a bureau started "down" answers 503). Its output goes to ours.
    Stop it with ``terminate()`` and ``wait()``. Raises :class:`SandboxStartError` if the port is
    taken, the child exits, or it does not answer within ``timeout`` seconds."""
    _check_port_free(host, port)
    command = [sys.executable, "-m", "xiufu.bureau.sandbox", "--host", host, "--port", str(port)]
    command += ["--store", str(store), "--delay", str(delay)]
    if faults_file is not None:
        command += ["--faults", str(faults_file)]
    if quiet:
        command.append("--quiet")
    env = dict(os.environ)
    env.pop(sandbox.ENV_ADMIN_TOKEN, None)
    if admin_token:
        env[sandbox.ENV_ADMIN_TOKEN] = admin_token  # not on the command line, where ps shows it
    process = subprocess.Popen(command, env=env)  # noqa: S603 - our own interpreter and module
    url = f"http://[{host}]:{port}/health" if ":" in host else f"http://{host}:{port}/health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SandboxStartError(f"the sandbox bureau exited with status {process.returncode}")
        if _answers(url):
            return process
        time.sleep(0.05)
    process.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(5)
    raise SandboxStartError(f"the sandbox bureau did not answer {url} within {timeout:g} s")


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise SandboxStartError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - http on localhost
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer: it is up (503 while "down")
    except OSError:
        return False
