"""`scamlink notifications …`: an admin subscribes, `deliver` sends what is due, the log shows
it; refusals are one line and exit 2."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import Engine

from scamlink.cases import service
from scamlink.cases.model import NewReferral
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from tests.cli.conftest import Invoke
from tests.factories import add_user

RECEIVED: list[bytes] = []


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        RECEIVED.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[str]:
    RECEIVED.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_subscribe_deliver_and_read_the_log(invoke: Invoke, engine: Engine, hook: str) -> None:
    add_user(engine, "admin@cnp.test", "CNP", Role.ADMIN)
    add_user(engine, "a@knpa.test", "KNPA", Role.ANALYST)
    made = invoke("notifications", "subscribe", "--as", "admin@cnp.test", "webhook", hook)
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["secret"].startswith("whsec_")
    listed = json.loads(invoke("notifications", "list", "--as", "admin@cnp.test").stdout)
    assert [(s["channel"], s["language"], s["active"]) for s in listed] == [("webhook", "en", True)]
    assert "secret" not in listed[0]

    case = json.loads(
        invoke(
            "cases", "create", "--as", "a@knpa.test", "--kind", "person_at_risk", "--title", "t"
        ).stdout
    )
    cid = str(case["id"])
    assert invoke("cases", "transition", cid, "triaged", "--as", "a@knpa.test").exit_code == 0
    with engine.begin() as conn:  # the CLI has no referral command: through the service
        service.refer(
            conn,
            Viewer("KNPA", Role.ANALYST, 1),
            int(cid),
            NewReferral("CNP", "help", "en", Tlp.AMBER),
            datetime.now(UTC),
        )
    done = invoke("notifications", "deliver")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["delivered"] == 1
    assert json.loads(RECEIVED[0])["event"] == "referral.created"
    log = json.loads(invoke("notifications", "log", "--as", "admin@cnp.test").stdout)
    assert [(e["event"], e["status"], e["attempts"]) for e in log] == [
        ("referral.created", "delivered", 1)
    ]
    removed = invoke("notifications", "remove", str(listed[0]["id"]), "--as", "admin@cnp.test")
    assert removed.exit_code == 0


def test_refusals_name_the_field(invoke: Invoke, engine: Engine) -> None:
    add_user(engine, "admin@cnp.test", "CNP", Role.ADMIN)
    add_user(engine, "a@cnp.test", "CNP", Role.ANALYST)
    bad = invoke(
        "notifications", "subscribe", "--as", "admin@cnp.test", "webhook", "http://evil.test/"
    )
    assert bad.exit_code == 2
    assert "error: target: a webhook's target must be an https:// URL" in bad.stderr
    not_admin = invoke("notifications", "list", "--as", "a@cnp.test")
    assert not_admin.exit_code == 2
    assert "administrators" in not_admin.stderr
    gone = invoke("notifications", "remove", "999", "--as", "admin@cnp.test")
    assert gone.exit_code == 2
    assert "subscription: no such subscription" in gone.stderr
