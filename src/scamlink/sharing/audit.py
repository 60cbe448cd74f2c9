"""The tamper-evident audit log: who did what, each entry chained to the one before.

An entry's hash is SHA-256 over the previous entry's hash and the entry's canonical content
(sorted-key JSON of every stored field but the hash). Editing, deleting or reordering rows
breaks the chain at the first entry touched; `verify_log` names it. Signed checkpoints (Ed25519,
key in the data dir) record "the chain was intact up to entry N with hash H at time T", so
rewriting the whole table after a checkpoint, or cutting entries off its end, is caught too.

`record` is what every feature calls (reads of personal data, exports, shares, referrals,
marking changes); it writes in the caller's transaction, so the entry commits or rolls back
with the action it describes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection

from scamlink.sharing.checkpoints import is_authentic, sign
from scamlink.sharing.roles import Viewer
from scamlink.store import audit as audit_rows
from scamlink.store.audit import Entry

GENESIS = audit_rows.GENESIS


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acted: a person (`user_id`, `agency`), a machine key, the CLI operator or nobody."""

    label: str
    user_id: int | None = None
    agency: str | None = None


def actor_of(viewer: Viewer, label: str | None = None) -> Actor:
    if viewer.is_public:
        return Actor(label or "public")
    return Actor(label or f"user:{viewer.user_id}", viewer.user_id, viewer.agency)


def canonical_json(value: Mapping[str, Any]) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def utc(at: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def entry_content(
    *,
    seq: int,
    at: datetime,
    actor: str,
    actor_user_id: int | None,
    actor_agency: str | None,
    subject_agency: str | None,
    action: str,
    target: str,
    details: str,
) -> bytes:
    return canonical_json(
        {
            "seq": seq,
            "at": utc(at).isoformat(timespec="microseconds"),
            "actor": actor,
            "actor_user_id": actor_user_id,
            "actor_agency": actor_agency,
            "subject_agency": subject_agency,
            "action": action,
            "target": target,
            "details": details,
        }
    ).encode()


def chain_hash(previous: str, content: bytes) -> str:
    return hashlib.sha256(previous.encode() + content).hexdigest()


def expected_hash(previous: str, entry: Entry) -> str:
    return chain_hash(
        previous,
        entry_content(
            seq=entry.seq,
            at=entry.at,
            actor=entry.actor,
            actor_user_id=entry.actor_user_id,
            actor_agency=entry.actor_agency,
            subject_agency=entry.subject_agency,
            action=entry.action,
            target=entry.target,
            details=entry.details,
        ),
    )


@dataclass(frozen=True, slots=True)
class Verdict:
    intact: bool
    checked: int  # entries checked
    last_seq: int
    last_hash: str
    broken_seq: int | None = None
    reason: str = ""


def verify_entries(
    entries: Iterable[Entry],
    *,
    head: int | None,
    anchors: Mapping[int, str] | None = None,
) -> Verdict:
    """Walk the chain in sequence order (streamed: memory does not grow with the log).

    `head` is the lock row's last sequence number and `anchors` the (seq → hash) of authentic signed
    checkpoints: entries cut off the end, or a chain rebuilt after a checkpoint, show there.
    """
    anchors = anchors or {}
    previous, expected_seq, checked = GENESIS, 1, 0
    for entry in entries:
        if entry.seq != expected_seq:
            return Verdict(
                False, checked, expected_seq - 1, previous, expected_seq,
                f"entry {expected_seq} is missing (next is {entry.seq})",
            )  # fmt: skip
        if expected_hash(previous, entry) != entry.hash:
            return Verdict(
                False, checked, expected_seq - 1, previous, entry.seq,
                f"entry {entry.seq} does not match its hash (edited, or moved from elsewhere)",
            )  # fmt: skip
        if anchors.get(entry.seq, entry.hash) != entry.hash:
            return Verdict(
                False, checked, expected_seq - 1, previous, entry.seq,
                f"entry {entry.seq} differs from the signed checkpoint (the log was rewritten)",
            )  # fmt: skip
        previous, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    last = expected_seq - 1
    beyond = [seq for seq in anchors if seq > last]
    if beyond:
        return Verdict(
            False, checked, last, previous, last + 1,
            f"a signed checkpoint covers entry {max(beyond)} but the log ends at entry {last}",
        )  # fmt: skip
    if head != last:
        return Verdict(
            False, checked, last, previous, last + 1 if head is None or head > last else head,
            f"the chain head records entry {head} but the log ends at entry {last}",
        )  # fmt: skip
    return Verdict(True, checked, last, previous)


@dataclass(frozen=True, slots=True)
class Event:
    """One thing to record (see `record`)."""

    actor: Actor
    action: str
    target: str = ""
    details: Mapping[str, Any] | None = None
    subject_agency: str | None = None


def record(
    conn: Connection,
    actor: Actor,
    action: str,
    target: str = "",
    details: Mapping[str, Any] | None = None,
    *,
    subject_agency: str | None = None,
) -> int:
    """Append one entry in the caller's transaction; returns its sequence number."""
    return record_many(conn, [Event(actor, action, target, details, subject_agency)])[0]


def record_many(conn: Connection, events: Sequence[Event]) -> list[int]:
    """Append entries in the caller's transaction, in order; returns their sequence numbers.

    Taking the head row first serialises appends: PostgreSQL locks the row, SQLite takes its
    single write lock (the same effect as BEGIN IMMEDIATE), so two writers never extend the
    same entry and the chain cannot fork. A batch takes the lock once and inserts in one go.
    On PostgreSQL the lock is kept to the end of the transaction, so later appends in the same
    transaction skip the lock and the read (`store.audit.held_head`).
    """
    if not events:
        return []
    held = audit_rows.held_head(conn)
    if held is not None:
        # PostgreSQL, this transaction already holds the lock: one statement per append.
        entries = _chain(events, held[0] + 1, held[1])
        if audit_rows.append_held(conn, entries, held[0]):
            audit_rows.hold_head(conn, entries[-1].seq, entries[-1].hash)
            return [e.seq for e in entries]
    first, previous = audit_rows.lock_head(conn, len(events))
    entries = _chain(events, first, previous)
    audit_rows.insert_entries(conn, entries)
    # The lock is held until the transaction ends: later appends in it start from here.
    audit_rows.hold_head(conn, entries[-1].seq, entries[-1].hash)
    return [e.seq for e in entries]


def _chain(events: Sequence[Event], first: int, previous: str) -> list[Entry]:
    at = datetime.now(UTC)
    entries = []
    for offset, event in enumerate(events):
        entry = Entry(
            seq=first + offset,
            at=at,
            actor=event.actor.label,
            actor_user_id=event.actor.user_id,
            actor_agency=event.actor.agency,
            subject_agency=event.subject_agency,
            action=event.action,
            target=event.target,
            details=canonical_json(event.details or {}),
            hash="",
        )
        entry = replace(entry, hash=expected_hash(previous, entry))
        entries.append(entry)
        previous = entry.hash
    return entries


def verify_log(conn: Connection, key: Ed25519PrivateKey) -> Verdict:
    """Check the whole stored chain against its head row and the authentic checkpoints."""
    anchors: dict[int, str] = {}
    for checkpoint in audit_rows.checkpoints(conn):
        if not is_authentic(checkpoint, key):
            return Verdict(
                False, 0, 0, GENESIS, checkpoint.seq,
                f"the checkpoint at entry {checkpoint.seq} is not signed by this installation",
            )  # fmt: skip
        anchors[checkpoint.seq] = checkpoint.hash
    # Entries appended while the check runs lie beyond the head read here: left for next time.
    head = audit_rows.head(conn)
    entries = audit_rows.iter_entries(conn, up_to=head)
    return verify_entries(entries, head=head, anchors=anchors)


def verify_and_checkpoint(conn: Connection, key: Ed25519PrivateKey) -> Verdict:
    """`verify_log`, then, when intact, a signed checkpoint of the head just verified."""
    verdict = verify_log(conn, key)
    if verdict.intact:
        audit_rows.add_checkpoint(conn, sign(key, verdict.last_seq, verdict.last_hash))
    return verdict


@dataclass(frozen=True, slots=True)
class Signed:
    """What `checkpoint` did: `verdict` of the chain; `signed` False when the latest authentic
    checkpoint already covered the head (nothing new) or the chain is broken."""

    verdict: Verdict
    signed: bool


def checkpoint(conn: Connection, key: Ed25519PrivateKey) -> Signed:
    """Sign the current head, after checking the whole chain, unless nothing changed since the
    latest authentic checkpoint (idempotent: then nothing is read beyond the head)."""
    latest = audit_rows.latest_checkpoint(conn)
    last = audit_rows.head(conn)
    if latest is not None and latest.seq == last and is_authentic(latest, key):
        at_head = GENESIS if last == 0 else audit_rows.entry_hash_at(conn, last)
        if at_head == latest.hash:
            return Signed(Verdict(True, 0, latest.seq, latest.hash), signed=False)
    verdict = verify_log(conn, key)
    if not verdict.intact:
        return Signed(verdict, signed=False)
    audit_rows.add_checkpoint(conn, sign(key, verdict.last_seq, verdict.last_hash))
    return Signed(verdict, signed=True)


@dataclass(frozen=True, slots=True)
class Status:
    """What the admin page says: the last authentic checkpoint, if any."""

    intact_as_of: datetime | None
    seq: int


def status(conn: Connection, key: Ed25519PrivateKey) -> Status:
    checkpoint = audit_rows.latest_checkpoint(conn)
    if checkpoint is None or not is_authentic(checkpoint, key):
        return Status(None, 0)
    return Status(utc(checkpoint.verified_at), checkpoint.seq)
