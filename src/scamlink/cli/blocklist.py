"""`scamlink blocklist export --type TYPE --agency CODE [--since VERSION] [--format json|text]`
and `scamlink blocklist withdraw --source NAME --agency CODE [--type TYPE VALUE…]`.

`export`: the same snapshot or delta as `GET /api/v1/blocklist`, as staff of the agency would
get it (lookup/blocklist.py), written to stdout or `--out FILE`; audited as an export.
`withdraw`: a partner's imported list (or some of its values) taken back (lookup/listings.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from scamlink.cli.operator import cli_actor
from scamlink.config import load_settings
from scamlink.indicators import IndicatorType
from scamlink.lookup.blocklist import BadBlocklistRequest, blocklist, parse_type
from scamlink.lookup.listings import ListRefused, withdraw
from scamlink.sharing.audit import record
from scamlink.sharing.roles import Role, Viewer
from scamlink.store.agencies import get_agency
from scamlink.store.database import opened_store
from scamlink.store.markings import groups_of_agency

app = typer.Typer(
    help="The downloadable blocklist for telco and bank filters.", no_args_is_help=True
)


def _refuse(reason: str) -> NoReturn:
    typer.echo(f"error: {reason}", err=True)
    raise typer.Exit(2)


@app.command("export")
def export(
    kind: Annotated[str, typer.Option("--type", help="Indicator type, e.g. phone, url, tron")],
    agency: Annotated[str, typer.Option("--agency", help="Export as staff of this agency")],
    since: Annotated[
        str | None,
        typer.Option("--since", help="Version of an earlier export: only what came after"),
    ] = None,
    out_format: Annotated[str, typer.Option("--format", help="json or text")] = "json",
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file")] = None,
) -> None:
    """Every value of a type that the agency's staff may see reported (verified reports and
    listings; warninglisted values left out), with its version and checksum."""
    if out_format not in ("json", "text"):
        _refuse("--format: json or text")
    try:
        chosen = parse_type(kind)
    except BadBlocklistRequest as e:
        _refuse(str(e))
    with opened_store(load_settings()) as engine, engine.begin() as conn:
        code = agency.strip().upper()
        if get_agency(conn, code) is None:
            _refuse(f"unknown agency {agency!r} (see 'scamlink agencies list')")
        viewer = Viewer(code, Role.ANALYST, None, groups=groups_of_agency(conn, code))
        try:
            answer = blocklist(conn, viewer, chosen, since)
        except BadBlocklistRequest as e:
            _refuse(str(e))
        record(
            conn,
            cli_actor(),
            "blocklist.export",
            f"blocklist:{chosen.value}",
            {
                "full": answer.full,
                "count": len(answer.values),
                "since": answer.since,
                "version": answer.version,
                "as_agency": code,
            },
            subject_agency=code,
        )
    text = (
        json.dumps(answer.as_json(), ensure_ascii=False) + "\n"
        if out_format == "json"
        else answer.as_text()
    )
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
    typer.echo(
        f"blocklist {chosen.value}: {len(answer.values)} value(s), version {answer.version}, "
        f"{answer.checksum}{'' if answer.full else ' (delta)'}",
        err=True,
    )


@app.command("withdraw")
def withdraw_list(
    source: Annotated[str, typer.Option("--source", help="The list's name, as imported")],
    agency: Annotated[str, typer.Option("--agency", help="The agency the list was imported for")],
    kind: Annotated[
        str | None, typer.Option("--type", help="Type of the VALUEs (with values only)")
    ] = None,
    values: Annotated[
        list[str] | None, typer.Argument(help="Withdraw only these values (default: the list)")
    ] = None,
) -> None:
    """Withdraw a partner's list imported with `scamlink import indicators` (or some of its
    values): lookups stop counting it within a second and blocklist deltas carry the removals.
    Audited."""
    chosen: IndicatorType | None = None
    if kind is not None:
        try:
            chosen = parse_type(kind)
        except BadBlocklistRequest as e:
            _refuse(str(e))
    code = agency.strip().upper()
    with opened_store(load_settings()) as engine:
        with engine.connect() as conn:
            found = get_agency(conn, code)
        if found is None:
            _refuse(f"unknown agency {agency!r} (see 'scamlink agencies list')")
        try:
            withdrawn = withdraw(
                engine,
                source=source,
                agency=code,
                actor=cli_actor(),
                kind=chosen,
                values=values or (),
                country=found.country,
            )
        except ListRefused as e:
            _refuse(str(e))
    typer.echo(f"withdrew {withdrawn} listing(s) of {source.strip()!r} ({code})")
