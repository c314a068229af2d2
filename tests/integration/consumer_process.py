"""Start a real job consumer (`flask jobs worker`) on a test database, as production runs it."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("BIMTEK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_available() -> bool:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        return True
    except Exception:
        return False


class ConsumerProcess:
    """One `flask jobs worker` subprocess sharing the test app's database, instance folder and queue."""

    def __init__(self, app, *, redis_url: str | None = None, queue: str | None = None, lease: int = 6, workers=2):
        self.env = {
            **os.environ,
            "BIMTEK_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "BIMTEK_INSTANCE_PATH": app.instance_path,
            "BIMTEK_SECRET_KEY": app.config["SECRET_KEY"],
            "BIMTEK_BASE_URL": app.config["BASE_URL"],
            "BIMTEK_JOBS_QUEUE": queue or f"bimtek-test-{secrets.token_hex(4)}",
            "BIMTEK_JOBS_LEASE_SECONDS": str(lease),
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("BIMTEK_REDIS_URL", None)
        if redis_url:
            self.env["BIMTEK_REDIS_URL"] = redis_url
        if app.config.get("MAIL_SERVER"):
            self.env.update(BIMTEK_MAIL_SERVER=app.config["MAIL_SERVER"], BIMTEK_MAIL_PORT=str(app.config["MAIL_PORT"]))
        self.workers = workers
        self.proc: subprocess.Popen | None = None
        self.log = Path(app.instance_path) / f"consumer-{secrets.token_hex(3)}.log"

    def start(self) -> ConsumerProcess:
        flask = [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker", "--workers", str(self.workers)]
        with self.log.open("wb") as out:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                flask, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown hook, no cleanup, the lease stays as it was."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def wait_for(predicate, timeout: float, step: float = 0.05):
    """Poll until predicate() is truthy; returns its value (fails the test on timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"condition not met within {timeout} s")


class SmtpSink:
    """A real SMTP server on loopback (aiosmtpd) that keeps every message it receives."""

    def __init__(self):
        import socket

        from aiosmtpd.controller import Controller

        self.messages: list[tuple[list[str], bytes]] = []
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))  # aiosmtpd can't take port 0: find a free port, then hand it over
        self.port = sock.getsockname()[1]
        sock.close()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def parsed(self) -> dict:
        """{recipient: email.message.EmailMessage}."""
        import email
        import email.policy

        return {rcpt[0]: email.message_from_bytes(raw, policy=email.policy.default) for rcpt, raw in self.messages}
