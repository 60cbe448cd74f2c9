"""Victims of a report: adding them (encrypted, with pseudonyms), reading them (policy +
audit), finding the same person at other agencies, and rotating an agency's data key.

Only the owning agency's own people (not partners, not the public) write or read personal
data (`policy.may_read_personal_data`); every read is written to the audit log in the reader's
transaction. A victim that is absent and one owned by another agency look the same: None.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import Connection, Engine

from scamlink.sharing import pseudonyms
from scamlink.sharing.audit import Actor, actor_of, record
from scamlink.sharing.keystore import KeyStore
from scamlink.sharing.personal_data import (
    PERSONAL_FIELDS,
    InvalidPersonalData,
    PersonalData,
    decrypt_all,
    encrypt_all,
)
from scamlink.sharing.policy import may_read_personal_data
from scamlink.sharing.roles import Viewer
from scamlink.store import agencies as agency_rows
from scamlink.store import victims as victim_rows
from scamlink.store.victims import VictimMatch

TABLE = "victims"
AUDIT_READ = "personal_data.read"
AUDIT_CREATE = "personal_data.create"


class NotAllowed(PermissionError):
    pass


@dataclass(frozen=True, slots=True)
class Victim:
    """A decrypted victim. Its repr shows the reference, never the personal data."""

    ref: str
    agency: str
    personal: PersonalData  # redacts itself when printed
    report_ids: tuple[int, ...] = ()
    pseudonym_groups: tuple[str, ...] = ()  # when just added: the groups tokens were made for


def _require_owner(viewer: Viewer, agency: str) -> None:
    if not may_read_personal_data(viewer, agency):
        raise NotAllowed(f"only {agency}'s own staff may handle its victims' personal data")


def add_victim(
    conn: Connection,
    keystore: KeyStore,
    viewer: Viewer,
    personal: PersonalData,
    *,
    report_external_ids: Sequence[str] = (),
    actor: Actor | None = None,
) -> Victim:
    """Store a victim of the viewer's agency, linked to its reports, with pseudonym tokens
    under the keys of the sharing groups the agency belongs to (and holds a key for).
    Audited as `personal_data.create` (by `actor`, the viewer by default)."""
    if viewer.agency is None:
        raise NotAllowed("the public cannot add victims")
    agency = viewer.agency
    _require_owner(viewer, agency)
    if personal.nationality is not None:
        try:
            nationality = pseudonyms.normalise_country(personal.nationality)
        except ValueError as exc:
            raise InvalidPersonalData(str(exc)) from None
        personal = replace(personal, nationality=nationality)
    keyring = keystore.ensure_data_key(agency)
    ref = str(uuid.uuid4())
    victim_id = victim_rows.insert_victim(
        conn,
        ref=ref,
        agency=agency,
        key_version=keyring.current,
        ciphertexts=encrypt_all(keyring, personal, table=TABLE, ref=ref),
    )
    ids = tuple(
        victim_rows.link_report(conn, victim_id, agency, external_id)
        for external_id in report_external_ids
    )
    keys = {g: k for g, k in keystore.group_keys().items() if g in viewer.groups}
    found = agency_rows.get_agency(conn, agency)
    tokens = pseudonyms.derive(personal, keys, default_country=found.country if found else None)
    victim_rows.replace_pseudonyms(conn, victim_id, agency, tokens)
    record(
        conn,
        actor or actor_of(viewer),
        AUDIT_CREATE,
        target=f"victim:{ref}",
        details={
            "fields": [f for f in PERSONAL_FIELDS if getattr(personal, f) is not None],
            "reports": list(report_external_ids),
            "pseudonym_groups": sorted(keys),
        },
        subject_agency=agency,
    )
    return Victim(ref, agency, personal, ids, tuple(sorted(keys)))


def read_victim(conn: Connection, keystore: KeyStore, viewer: Viewer, ref: str) -> Victim | None:
    """The decrypted victim for its own agency's staff (audited); None for anyone else."""
    if viewer.agency is None or not may_read_personal_data(viewer, viewer.agency):
        return None
    row = victim_rows.victim_by_ref(conn, viewer.agency, ref)
    if row is None:
        return None
    personal = decrypt_all(keystore.data_keys(row.agency), row.ciphertexts, table=TABLE, ref=ref)
    record(
        conn,
        actor_of(viewer),
        AUDIT_READ,
        target=f"victim:{ref}",
        details={
            "agency": row.agency,
            "fields": [f for f in PERSONAL_FIELDS if row.ciphertexts.get(f) is not None],
        },
        subject_agency=row.agency,
    )
    return Victim(ref, row.agency, personal, tuple(victim_rows.report_ids(conn, row.id)))


def matches(conn: Connection, viewer: Viewer, ref: str) -> list[VictimMatch]:
    """Other agencies' victims that are probably the same person, in the viewer's groups."""
    if viewer.agency is None:
        return []
    row = victim_rows.victim_by_ref(conn, viewer.agency, ref)
    if row is None:
        return []
    return victim_rows.matching_victims(conn, viewer, row.id)


@dataclass(frozen=True, slots=True)
class Rotation:
    agency: str
    key_version: int
    resumed: bool
    reencrypted: int
    batches: int
    retired: tuple[int, ...]


def rotate_key(
    engine: Engine,
    keystore: KeyStore,
    agency: str,
    *,
    batch: int = 1000,
    after_batch: Callable[[int, int], None] | None = None,
) -> Rotation:
    """Re-encrypt the agency's victims under a new data key, `batch` rows per transaction.

    Reads keep working throughout: every version stays in the key store until no row uses it.
    When rows under an older version remain (a rotation that crashed), the newest key is kept
    and the rotation resumes instead of starting another. `after_batch(batches, rows)` is
    called after each committed batch (progress; tests use it to simulate a crash).
    """
    if batch < 1:
        raise ValueError("--batch must be at least 1")
    keyring = keystore.data_keys(agency)
    with engine.connect() as conn:
        in_use = victim_rows.key_versions_in_use(conn, agency)
    resumed = bool(keyring.keys) and any(v != keyring.current for v in in_use)
    if not resumed:
        keystore.create_data_key(agency)
        keyring = keystore.data_keys(agency)
    target = keyring.current
    reencrypted = batches = 0
    while True:
        with engine.begin() as conn:
            rows = victim_rows.rows_not_under(conn, agency, target, limit=batch)
            for row in rows:
                personal = decrypt_all(keyring, row.ciphertexts, table=TABLE, ref=row.ref)
                fresh = encrypt_all(keyring, personal, table=TABLE, ref=row.ref, version=target)
                if victim_rows.replace_ciphertexts(
                    conn, row, key_version=target, ciphertexts=fresh
                ):
                    reencrypted += 1
        if not rows:
            break
        batches += 1
        if after_batch is not None:
            after_batch(batches, reencrypted)
    with engine.connect() as conn:
        still_used = set(victim_rows.key_versions_in_use(conn, agency))
    retired = keystore.retire_data_keys(agency, keep=still_used | {target})
    return Rotation(agency, target, resumed, reencrypted, batches, tuple(retired))
