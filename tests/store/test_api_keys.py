from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from scamlink.sharing.roles import Role
from scamlink.store.api_keys import add_key, key_by_id, list_keys, revoke_key
from tests.factories import add_user

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _key(engine: Engine, key_id: str, user_id: int) -> None:
    with engine.begin() as conn:
        add_key(
            conn,
            key_id=key_id,
            user_id=user_id,
            secret_hash="0" * 64,
            scopes="lookup read",
            created_at=NOW,
            expires_at=None,
        )


def test_keys_are_listed_with_their_owner_by_agency(engine: Engine) -> None:
    _key(engine, "aaaaaaaaaaaa", add_user(engine, "a@knpa.test", "KNPA", Role.PARTNER))
    _key(engine, "bbbbbbbbbbbb", add_user(engine, "b@rtp.test", "RTP", Role.PARTNER))
    with engine.connect() as conn:
        everyone = list_keys(conn)
        rtp = list_keys(conn, agency="RTP")
    assert [k.key_id for k in everyone] == ["aaaaaaaaaaaa", "bbbbbbbbbbbb"]
    assert [(k.key_id, k.email) for k in rtp] == [("bbbbbbbbbbbb", "b@rtp.test")]


def test_revoking_sets_the_time_once(engine: Engine) -> None:
    _key(engine, "aaaaaaaaaaaa", add_user(engine, "a@knpa.test", "KNPA", Role.PARTNER))
    with engine.begin() as conn:
        assert revoke_key(conn, "aaaaaaaaaaaa", NOW)
        assert not revoke_key(conn, "aaaaaaaaaaaa", NOW)
        assert not revoke_key(conn, "cccccccccccc", NOW)
        found = key_by_id(conn, "aaaaaaaaaaaa")
    assert found is not None
    assert found.revoked_at is not None
    assert found.scopes == "lookup read"
