"""Bodies over a route's limit are refused with 413 from their Content-Length, before the CSRF
check (or anything else) reads them: an oversized upload never reaches the disk."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import Engine

from scamlink.config import Settings
from scamlink.sharing.roles import Role
from scamlink.web.app import create_app
from scamlink.web.body_limits import FORM_MAX_BYTES
from tests.web.support import add_user, client_for, csrf_from, sign_in

BOUNDARY = "scamlinktestboundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
FIFTY_GB = 50 << 30


class Body:
    """A request body that records whether anyone started reading it."""

    def __init__(self, token: str, field: str = "file") -> None:
        self.read = False
        self.parts = [
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{token}\r\n".encode(),
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; '
            'filename="big.csv"\r\nContent-Type: text/csv\r\n\r\nchain,tx_hash\r\n'.encode(),
            f"--{BOUNDARY}--\r\n".encode(),
        ]

    def __iter__(self) -> Iterator[bytes]:
        self.read = True
        yield from self.parts

    @property
    def length(self) -> int:
        return sum(map(len, self.parts))


def _staff(app: FastAPI, engine: Engine) -> TestClient:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    return client


def _send(client: TestClient, path: str, body: Body, declared: int, **headers: str) -> Response:
    headers = {"Content-Type": MULTIPART, "Content-Length": str(declared), **headers}
    return client.post(path, content=iter(body), headers=headers)


def _post(client: TestClient, path: str, body: Body, declared: int, **headers: str) -> str:
    """The text of the 413 that refuses the request."""
    response = _send(client, path, body, declared, **headers)
    assert response.status_code == 413, response.text
    return response.text


@pytest.fixture
def small(settings: Settings, engine: Engine) -> FastAPI:
    limits = replace(settings, transfer_upload_max_mb=1, report_upload_max_mb=2)
    return create_app(limits, engine, secure_cookies=False)


def test_an_upload_over_the_limit_is_refused_unread_with_the_pages_message(
    small: FastAPI, engine: Engine
) -> None:
    client = _staff(small, engine)
    token = csrf_from(client)
    transfers = Body(token)
    text = _post(client, "/tracing/transfers/upload", transfers, FIFTY_GB)
    assert "larger than the upload limit of 1 MB" in text
    assert "scamlink import transfers" in text
    reports = Body(token)
    client.cookies.set("lang", "ko")
    text = _post(client, "/reports/upload", reports, FIFTY_GB)
    assert "업로드 한도(2 MB)" in text
    assert "scamlink import reports" in text
    assert not transfers.read
    assert not reports.read


def test_the_limit_is_the_routes_own(small: FastAPI, engine: Engine) -> None:
    """Just over 1 MB is too large for the transfers page but not for the reports page, which
    reads the form (its token checks out) and goes on to the file."""
    client = _staff(small, engine)
    token = csrf_from(client)
    declared = (1 << 20) + (64 << 10) + 1
    transfers = Body(token)
    _post(client, "/tracing/transfers/upload", transfers, declared)
    assert not transfers.read
    reports = Body(token)
    response = _send(client, "/reports/upload", reports, reports.length)
    assert reports.read
    assert response.status_code != 413


def test_a_token_in_the_header_reaches_the_routes_own_check_unread(
    small: FastAPI, engine: Engine
) -> None:
    client = _staff(small, engine)
    token = csrf_from(client)
    body = Body(token)
    text = _post(client, "/reports/upload", body, FIFTY_GB, **{"X-CSRF-Token": token})
    assert "larger than the upload limit of 2 MB" in text
    assert 'id="upload-form"' in text  # the page itself, to try again
    assert not body.read


def test_a_form_without_files_takes_at_most_the_form_limit(app: FastAPI, engine: Engine) -> None:
    client = _staff(app, engine)
    body = Body(csrf_from(client), field="address")
    text = _post(client, "/labels/delete", body, FORM_MAX_BYTES + 1)
    assert "The request is too large." in text
    assert not body.read
