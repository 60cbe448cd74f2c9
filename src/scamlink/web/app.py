"""The application factory: routes, middleware and error handlers in one place."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.middleware.sessions import SessionMiddleware

from scamlink import __version__
from scamlink.config import Settings
from scamlink.store.migrate import head_revision
from scamlink.web import (
    admin,
    api,
    auth,
    blocklist_api,
    campaigns,
    campaigns_api,
    case_pages,
    cases_api,
    evidence_api,
    evidence_pages,
    intake_pages,
    label_pages,
    labels_api,
    lookup_api,
    lookup_pages,
    lookup_range,
    notifications_admin,
    pages,
    public_report,
    report_pages,
    trace_api,
    trace_pages,
    transfer_pages,
    victims,
)
from scamlink.web import intake as intake_api
from scamlink.web.api import API_V1
from scamlink.web.checkpointing import checkpoint_lifespan
from scamlink.web.csrf import require_csrf_token
from scamlink.web.errors import install_error_handlers
from scamlink.web.forged_sessions import ForgedSessionMiddleware
from scamlink.web.i18n import LocaleMiddleware
from scamlink.web.lookup_api import lookup_service_for, with_lookup_index
from scamlink.web.notification_worker import with_notifications
from scamlink.web.rendering import build_environment
from scamlink.web.security import SecurityHeadersMiddleware
from scamlink.web.state import WebState

STATIC_DIR = Path(__file__).parent / "static"


def session_key(secret_key: str) -> str:
    """A key for session cookies only, derived from the installation's secret."""
    return hmac.new(secret_key.encode(), b"scamlink.web.session", hashlib.sha256).hexdigest()


def create_app(
    settings: Settings, engine: Engine, *, secure_cookies: bool = True, serving: bool = False
) -> FastAPI:
    """The web application over an open store.

    `secure_cookies=False` drops the cookies' Secure flag, for test clients that speak plain
    HTTP to a host other than localhost; browsers accept Secure cookies from http://localhost
    and http://127.0.0.1. `serving=True` (`scamlink serve`: the app owns its process) freezes
    what start-up made out of the garbage collector's full passes.
    """
    app = FastAPI(
        title="scamlink",
        version=__version__,
        description="Scam reports shared by Korea and ASEAN police forces.",
        openapi_url=f"{API_V1}/openapi.json",
        # The interactive docs pages load their scripts from a CDN: the JSON document only.
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        dependencies=[Depends(require_csrf_token)],
        # Signs an audit checkpoint every SCAMLINK_AUDIT_CHECKPOINT_MINUTES while serving.
        # The lookup index is loaded at start and kept current while serving (lookup/live.py).
        # The notifications' delivery worker runs every SCAMLINK_NOTIFY_SECONDS.
        lifespan=with_notifications(
            settings,
            engine,
            with_lookup_index(checkpoint_lifespan(settings, engine), freeze_gc=serving),
        ),
    )
    app.state.lookup = lookup_service_for(settings, engine)
    app.state.web = WebState(
        settings=settings,
        engine=engine,
        templates=build_environment(),
        schema_revision=head_revision(),
        secure_cookies=secure_cookies,
    )
    app.include_router(api.router)
    app.include_router(auth.router)
    app.include_router(pages.router)
    app.include_router(admin.router)
    app.include_router(victims.router)
    app.include_router(intake_api.router)
    app.include_router(intake_pages.router)
    app.include_router(report_pages.router)
    app.include_router(public_report.router)
    app.include_router(campaigns.router)
    app.include_router(campaigns_api.router)
    app.include_router(lookup_api.router)
    app.include_router(lookup_pages.router)
    app.include_router(lookup_range.router)
    app.include_router(blocklist_api.router)
    app.include_router(cases_api.router)
    app.include_router(labels_api.router)
    app.include_router(label_pages.router)
    app.include_router(case_pages.router)
    app.include_router(notifications_admin.router)
    app.include_router(notifications_admin.pages)
    app.include_router(evidence_api.router)
    app.include_router(evidence_pages.router)
    app.include_router(trace_pages.router)
    app.include_router(trace_api.router)
    app.include_router(transfer_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_error_handlers(app)
    # The last added runs first: headers wrap everything, then the forged-cookie check, then the
    # session, then the locale.
    app.add_middleware(LocaleMiddleware, secure_cookies=secure_cookies)
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_key(settings.secret_key),
        session_cookie=auth.SESSION_COOKIE,
        max_age=auth.SESSION_MAX_AGE,
        same_site="lax",
        https_only=secure_cookies,
    )
    # Before the session: a cookie whose signature fails is audited (then ignored by it).
    app.add_middleware(
        ForgedSessionMiddleware,
        engine=engine,
        secret_key=session_key(settings.secret_key),
        session_cookie=auth.SESSION_COOKIE,
        max_age=auth.SESSION_MAX_AGE,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    return app
