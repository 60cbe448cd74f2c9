"""`scamlink personal-data`: data key rotation and sharing-group pseudonym keys."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from scamlink.cli.operator import cli_actor
from scamlink.config import load_settings
from scamlink.sharing import pseudonyms
from scamlink.sharing.audit import record
from scamlink.sharing.keystore import KeyStore, KeyStoreError, encode_key
from scamlink.sharing.personal_data import PERSONAL_FIELDS, InvalidPersonalData, PersonalData
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.victims import add_victim, matches, rotate_key
from scamlink.store import agencies as agency_rows
from scamlink.store.database import opened_store
from scamlink.store.markings import groups_of_agency

app = typer.Typer(help="Victims' personal data: encryption keys and pseudonym keys.")
group_key_app = typer.Typer(help="Keys of sharing groups for keyed pseudonyms.")
app.add_typer(group_key_app, name="group-key")


@app.callback(no_args_is_help=True)
def personal_data() -> None:
    """Victims' personal data: encryption keys and pseudonym keys."""


def _agency_viewer(conn: Any, agency: str) -> Viewer:
    """The operator acting for `agency` (its administrator, with the agency's groups)."""
    code = agency.strip().upper()
    if agency_rows.get_agency(conn, code) is None:
        raise KeyStoreError(f"unknown agency {code}")
    return Viewer(code, Role.ADMIN, None, groups=groups_of_agency(conn, code))


def _parse_victim(text: str) -> PersonalData:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidPersonalData(
            f"standard input is not JSON ({exc.msg}, line {exc.lineno})"
        ) from None
    if not isinstance(raw, dict):
        raise InvalidPersonalData("expected one JSON object with the victim's fields")
    unknown = sorted(set(raw) - set(PERSONAL_FIELDS))
    if unknown:
        allowed = ", ".join(PERSONAL_FIELDS)
        raise InvalidPersonalData(f"unknown field(s) {', '.join(unknown)} (expected: {allowed})")
    values: dict[str, str | None] = {}
    for field in PERSONAL_FIELDS:
        value = raw.get(field)
        if value is not None and not isinstance(value, str):
            raise InvalidPersonalData(f"field {field} must be a string")
        values[field] = value.strip() or None if isinstance(value, str) else None
    if not any(values.values()):
        raise InvalidPersonalData("the victim has no personal data")
    dob_text = values.get("date_of_birth")
    try:
        dob = date.fromisoformat(dob_text) if dob_text else None
    except ValueError:
        raise InvalidPersonalData("date_of_birth must be YYYY-MM-DD") from None
    try:
        return PersonalData(
            name=values["name"],
            date_of_birth=dob,
            nationality=pseudonyms.normalise_country(values["nationality"])
            if values["nationality"]
            else None,
            id_number=values["id_number"],
            phone=values["phone"],
            address=values["address"],
            family_contact=values["family_contact"],
        )
    except ValueError as exc:
        raise InvalidPersonalData(str(exc)) from None


@app.command("add-victim")
def add_victim_command(
    agency: Annotated[str, typer.Option("--agency", help="The owning agency, e.g. KNPA")],
    report: Annotated[
        list[str] | None,
        typer.Option("--report", help="External id of the agency's report (repeatable)"),
    ] = None,
) -> None:
    """Add a victim, read as one JSON object on standard input (never on the command line):
    name, date_of_birth (YYYY-MM-DD), nationality (alpha-2), id_number, phone, address,
    family_contact. Prints the victim's reference."""
    personal = _parse_victim(sys.stdin.read())
    settings = load_settings()
    keystore = KeyStore(settings.data_dir)
    with opened_store(settings) as engine, engine.begin() as conn:
        viewer = _agency_viewer(conn, agency)
        added = add_victim(
            conn, keystore, viewer, personal, report_external_ids=report or (), actor=cli_actor()
        )
    groups = ", ".join(added.pseudonym_groups) or "none (no group key held for its groups)"
    typer.echo(f"pseudonyms made for: {groups}", err=True)
    typer.echo(added.ref)


@app.command("matches")
def matches_command(
    ref: Annotated[str, typer.Argument(help="The victim's reference (from add-victim)")],
    agency: Annotated[str, typer.Option("--agency", help="The owning agency")],
) -> None:
    """Other agencies' victims that are probably the same person (no personal data shown)."""
    settings = load_settings()
    with opened_store(settings) as engine, engine.connect() as conn:
        viewer = _agency_viewer(conn, agency)
        found = matches(conn, viewer, ref.strip())
    if not found:
        typer.echo("no matches")
        return
    table = Table("agency", "matched on", "sharing group", "their victim ref")
    for match in found:
        table.add_row(match.agency, match.kind, match.sharing_group, match.victim_ref)
    Console(width=200).print(table)


@app.command("rotate-key")
def rotate_key_command(
    agency: Annotated[str, typer.Option("--agency", help="Agency code, e.g. KNPA")],
    batch: Annotated[
        int, typer.Option("--batch", min=1, help="Victims re-encrypted per transaction")
    ] = 1000,
) -> None:
    """Re-encrypt an agency's victims under a new data key (resumes an interrupted run)."""
    code = agency.strip().upper()
    settings = load_settings()
    keystore = KeyStore(settings.data_dir)
    with opened_store(settings) as engine:
        with engine.connect() as conn:
            if agency_rows.get_agency(conn, code) is None:
                raise KeyStoreError(f"unknown agency {code}")

        def progress(batches: int, rows: int) -> None:
            typer.echo(f"batch {batches}: re-encrypted {rows} victim record(s)", err=True)

        done = rotate_key(engine, keystore, code, batch=batch, after_batch=progress)
        with engine.begin() as conn:
            record(
                conn,
                cli_actor(),
                "personal_data.rotate_key",
                target=f"agency:{code}",
                details={
                    "key_version": done.key_version,
                    "resumed": done.resumed,
                    "reencrypted": done.reencrypted,
                    "retired": list(done.retired),
                },
                subject_agency=code,
            )
    retired = ", ".join(f"v{v}" for v in done.retired) or "none"
    verb = "resumed rotation to" if done.resumed else "rotated to"
    typer.echo(
        f"{code}: {verb} key v{done.key_version}; re-encrypted {done.reencrypted} victim "
        "record(s); "
        f"retired keys: {retired}"
    )


@group_key_app.callback(no_args_is_help=True)
def group_key() -> None:
    """Keys of sharing groups for keyed pseudonyms."""


def _audit(action: str, group: str) -> None:
    settings = load_settings()
    with opened_store(settings) as engine, engine.begin() as conn:
        record(conn, cli_actor(), action, target=f"group:{group}")


@group_key_app.command("create")
def create_group_key(
    group: Annotated[str, typer.Argument(help="Sharing group id, e.g. kr-kh-desk")],
) -> None:
    """Create a new random pseudonym key for a sharing group in this installation."""
    KeyStore(load_settings().data_dir).create_group_key(group)
    _audit("personal_data.group_key_create", group)
    typer.echo(f"created the pseudonym key of {group}; give it to the other members with "
               f"'scamlink personal-data group-key export {group}'")  # fmt: skip


@group_key_app.command("export")
def export_group_key(
    group: Annotated[str, typer.Argument(help="Sharing group id")],
) -> None:
    """Print the group's key (base64) to hand to another member installation out of band."""
    key = KeyStore(load_settings().data_dir).group_key(group)
    _audit("personal_data.group_key_export", group)
    typer.echo(encode_key(key))


@group_key_app.command("import")
def import_group_key(
    group: Annotated[str, typer.Argument(help="Sharing group id")],
) -> None:
    """Store a group key received out of band, read as base64 from standard input."""
    text = sys.stdin.read()
    KeyStore(load_settings().data_dir).import_group_key(group, text)
    _audit("personal_data.group_key_import", group)
    typer.echo(f"imported the pseudonym key of {group}")
