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
