"""Address labels in the store: upsert per agency, list, delete, the engine's label source."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select

from scamlink.sharing.audit import Actor
from scamlink.sharing.roles import Role, Viewer
from scamlink.store.labels import (
    StoreLabelSource,
    delete_label,
    get_label,
    list_labels,
    upsert_labels,
)
from scamlink.store.schema import audit_log
from scamlink.tracing.labelling import LabelRefused, import_labels, remove_label, save_label
from scamlink.tracing.model import Category, Chain, Label

T0 = datetime(2026, 11, 1, tzinfo=UTC)
A = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
B = "0x52908400098527886e0f7030069857d2e4169ee7"


def label(address: str = A, chain: Chain = Chain.TRON, text: str = "Exchange X") -> Label:
    return Label(chain, address, text, Category.EXCHANGE, "test source", 70, False)


def test_upsert_adds_updates_and_leaves_other_agencies_alone(engine: Engine) -> None:
    with engine.begin() as conn:
        first = upsert_labels(conn, [label(), label(B, Chain.ETH, "Desk")], "KNPA", T0)
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    with engine.begin() as conn:
        again = upsert_labels(conn, [label(), label(text="Exchange X deposit")], "KNPA", T0)
        # the last label for an address in one batch wins
        assert (again.added, again.updated) == (0, 1)
        other = upsert_labels(conn, [label(text="Theirs")], "RTP", T0)
        assert other.refused == [(Chain.TRON, A, "KNPA")]
        row = get_label(conn, Chain.TRON, A)
        assert row is not None
        assert row.label.label == "Exchange X deposit"
        taken = upsert_labels(conn, [label(text="Theirs")], "RTP", T0, replace_others=True)
        assert taken.updated == 1
    with engine.connect() as conn:
        rows = list_labels(conn)
        assert [(r.label.chain, r.label.address) for r in rows] == [(Chain.TRON, A), (Chain.ETH, B)]
        assert [r.label.address for r in list_labels(conn, Chain.ETH)] == [B]
        assert list_labels(conn, after_id=rows[0].id, limit=1)[0].label.address == B
        assert rows[0].created_by == "KNPA"
        assert rows[0].created_at == T0
        assert rows[0].label.confidence == 70
        assert rows[0].label.verified is False
    with engine.begin() as conn:
        assert delete_label(conn, Chain.ETH, B) is not None
        assert delete_label(conn, Chain.ETH, B) is None


def test_label_source_memoises_and_preloads(engine: Engine) -> None:
    with engine.begin() as conn:
        upsert_labels(conn, [label()], "KNPA", T0)
    source = StoreLabelSource(engine)
    found = source.label(Chain.TRON, A)
    assert found is not None
    assert found.is_service
    assert source.label(Chain.TRON, "Tnobody") is None
    with engine.connect() as conn:
        preloaded = StoreLabelSource(conn)
        assert preloaded.preload(Chain.TRON) == 1
        assert preloaded.label(Chain.TRON, A) == found
        assert preloaded.label(Chain.TRON, "Tnobody") is None


def test_edits_are_audited_and_owned(engine: Engine) -> None:
    analyst = Viewer(agency="KNPA", role=Role.ANALYST, user_id=1)
    other = Viewer(agency="RTP", role=Role.ANALYST, user_id=2)
    partner = Viewer(agency="KNPA", role=Role.PARTNER, user_id=3)
    with engine.begin() as conn:
        row, new = save_label(conn, analyst, label())
        assert new
        assert row.created_by == "KNPA"
        _, new = save_label(conn, analyst, label(text="Renamed"))
        assert not new
        with pytest.raises(LabelRefused, match="belongs to KNPA"):
            save_label(conn, other, label(text="Mine now"))
        with pytest.raises(LabelRefused, match="only analysts and investigators"):
            save_label(conn, partner, label())
        with pytest.raises(LabelRefused, match="belongs to KNPA"):
            remove_label(conn, other, Chain.TRON, A)
        remove_label(conn, analyst, Chain.TRON, A)
        with pytest.raises(LabelRefused, match="no label") as missing:
            remove_label(conn, analyst, Chain.TRON, A)
        assert missing.value.status == 404
        import_labels(
            conn, [label(B, Chain.ETH)], agency="RTP", actor=Actor("cli:test"), source_name="x.yaml"
        )
    with engine.connect() as conn:
        actions = [
            r.action for r in conn.execute(select(audit_log.c.action).order_by(audit_log.c.seq))
        ]
    assert actions == ["label.save", "label.save", "label.delete", "labels.import"]
