"""The state create_app shares with requests."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from scamlink.web.state import WebState, web_state


def test_state_of_an_app_not_built_by_create_app_is_refused() -> None:
    foreign = FastAPI()
    seen: list[str] = []

    @foreign.get("/")
    def probe(request: Request) -> dict[str, str]:
        try:
            web_state(request)
        except RuntimeError as exc:
            seen.append(str(exc))
        return {}

    TestClient(foreign).get("/")
    assert seen == ["the application was not built by scamlink.web.app.create_app"]


def test_state_of_the_app(app: FastAPI) -> None:
    seen: list[WebState] = []

    @app.get("/probe-state")
    def probe(request: Request) -> dict[str, str]:
        seen.append(web_state(request))
        return {}

    TestClient(app).get("/probe-state")
    assert len(seen) == 1
    assert seen[0].secure_cookies is False
    assert seen[0].schema_revision


def test_state_is_immutable(app: FastAPI) -> None:
    state = app.state.web
    assert isinstance(state, WebState)
    with pytest.raises(AttributeError):
        state.secure_cookies = True  # type: ignore[misc]
