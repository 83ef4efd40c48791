"""Serving with gunicorn, a production-grade WSGI server, configured from the environment."""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def run_gunicorn(*, host: str, port: int, workers: int | None) -> None:
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    from xiufu.core.env import Env

    env = Env()
    workers = workers or env.integer("XIUFU_WEB_WORKERS", 2, minimum=1)
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    options = {
        "bind": bind,
        "workers": workers,
        "threads": env.integer("XIUFU_WEB_THREADS", 4, minimum=1),
        "worker_class": "gthread",
        "timeout": env.integer("XIUFU_WEB_TIMEOUT", 60, minimum=5),
        "graceful_timeout": 10,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": settings.LOG_LEVEL.lower(),
        "proc_name": "xiufu",
        # no control socket in $HOME: several xiufu servers may run on one machine
        "control_socket_disable": True,
        # heartbeat files in memory, not on a possibly slow disk (gunicorn docs)
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,  # noqa: S108
    }
    _Gunicorn(get_wsgi_application(), {k: v for k, v in options.items() if v is not None}).run()
