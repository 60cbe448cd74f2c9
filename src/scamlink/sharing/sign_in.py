"""Signing in: throttled against guessing, every outcome written to the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from scamlink.sharing import login_throttle
from scamlink.sharing.accounts import authenticate
from scamlink.sharing.audit import Actor, record
from scamlink.sharing.sessions import start_session
from scamlink.store.users import UserRecord, user_by_email


@dataclass(frozen=True, slots=True)
class Outcome:
    user: UserRecord | None  # signed in as this user
    retry_after: int | None = None  # seconds, when throttled (the password was not checked)
    session_token: str | None = None  # for the cookie, when signed in


def sign_in(engine: Engine, email: str, password: str, client_ip: str | None) -> Outcome:
    claimed = email.strip().lower()[:254]
    with engine.connect() as conn:
        wait = login_throttle.retry_after(conn, claimed, client_ip)
        known = user_by_email(conn, claimed)
        user = None if wait else authenticate(conn, claimed, password)
    # The agency whose account was tried sees the attempt in its audit view.
    agency = None if known is None else known.agency
    target = f"user:{known.id}" if known else f"email:{claimed}"
    details = {"ip": client_ip}
    token = None
    with engine.begin() as conn:
        if wait:
            action = "login.throttled"
        elif user is None:
            login_throttle.note_failure(conn, claimed, client_ip)
            action = "login.failure"
        else:
            login_throttle.note_success(conn, claimed)
            token = start_session(conn, user)
            action = "login.success"
        actor = Actor(claimed, user.id, user.agency) if user else Actor(f"login:{claimed}")
        record(conn, actor, action, target, details, subject_agency=agency)
    return Outcome(user, wait, token)
