"""Filling a database from a generated world, with one demo login per reporting agency."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from scamlink.reports.bulk import ImportSummary, import_csv
from scamlink.sharing.agencies import REFERENCE_AGENCIES, Agency
from scamlink.sharing.passwords import hash_password
from scamlink.sharing.roles import Role
from scamlink.store.users import create_user, user_by_email

# Printed by `make run`; a demo database is for training only.
DEMO_PASSWORD = "scamlink-demo"  # noqa: S105


@dataclass(frozen=True, slots=True)
class DemoAccount:
    email: str
    agency: str
    role: Role
    display_name: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    *(
        DemoAccount(f"analyst@{a.code.lower()}.demo", a.code, Role.ANALYST, f"{a.code} analyst")
        for a in REFERENCE_AGENCIES
    ),
    DemoAccount("partner@bank.demo", "KNPA", Role.PARTNER, "Partner bank (KNPA)"),
    DemoAccount("desk@kdesk.demo", "KDESK", Role.DESK_OFFICER, "Korea Desk officer"),
)


class NotAWorld(ValueError):
    pass


def world_files(world_dir: Path) -> list[tuple[Agency, Path]]:
    """The per-agency report files of a generated world, in agency order."""
    if not world_dir.is_dir():
        raise NotAWorld(f"{world_dir} is not a folder (make one with 'scamlink demo generate')")
    files = [(a, world_dir / f"reports-{a.code}.csv") for a in REFERENCE_AGENCIES]
    present = [(a, p) for a, p in files if p.exists()]
    if not present:
        raise NotAWorld(f"{world_dir} holds no reports-<AGENCY>.csv files")
    return present


def load_world(
    engine: Engine, world_dir: Path, progress: Callable[[int], None] | None = None
) -> ImportSummary:
    summary = ImportSummary()
    for agency, path in world_files(world_dir):
        summary.add(import_csv(engine, path, agency, progress))
    ensure_demo_accounts(engine)
    return summary


# The laundering files `demo generate` writes beside the reports (demo/laundering.py).
LAUNDERING_FILES = (
    ("transfers-tron.json", "tron"),
    ("transfers-eth.csv", "eth"),
    ("transfers-btc.json", "btc"),
)
LABELS_AGENCY = "ASEANAPOL"  # the synthetic TagPack is shared reference data


def load_laundering(engine: Engine, world_dir: Path) -> dict[str, object] | None:
    """Import the world's transfers and its TagPack (None when the world has none). Idempotent:
    transfers already stored are duplicates, labels are upserted."""
    from scamlink.store.labels import upsert_labels
    from scamlink.tracing.importing import import_transfers
    from scamlink.tracing.model import Chain
    from scamlink.tracing.tagpacks import load_tagpack

    present = [(world_dir / name, chain) for name, chain in LAUNDERING_FILES]
    present = [(path, chain) for path, chain in present if path.exists()]
    if not present:
        return None
    result: dict[str, object] = {}
    for path, chain in present:
        summary = import_transfers(engine, path, Chain(chain))
        result[chain] = {
            "stored": summary.stored,
            "duplicates": summary.duplicates,
            "rejected_rows": summary.rejected_rows,
        }
    tagpack = world_dir / "labels.yaml"
    if tagpack.exists():
        labels = load_tagpack(tagpack)
        with engine.begin() as conn:
            upsert_labels(conn, labels, LABELS_AGENCY)
        result["labels"] = len(labels)
    return result


def ensure_demo_accounts(engine: Engine) -> int:
    # One Argon2id hash (about 0.3 s) serves every demo login: they share the password anyway.
    password_hash = hash_password(DEMO_PASSWORD)
    created = 0
    with engine.begin() as conn:
        for account in DEMO_ACCOUNTS:
            if user_by_email(conn, account.email) is None:
                create_user(
                    conn,
                    email=account.email,
                    agency=account.agency,
                    role=account.role,
                    display_name=account.display_name,
                    password_hash=password_hash,
                )
                created += 1
    return created
