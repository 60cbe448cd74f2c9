"""`scamlink lookup [--country CC] [--agency CODE] [--json] VALUE…`: has this been reported?
`scamlink lookup --build-index`: build the lookup index from the store and save its snapshot.

Without `--agency` the answer is the public's (the public standing, no facts). With it, the
command acts as an officer of that agency (as `personal-data` does): the verdict and facts of
what that agency's staff may see under the markings. The index is the server's snapshot
(read, never written) brought up to date from the store, or built from the store when there is
none. A server started without a usable snapshot serves at once (the store answers while a
thread builds the index: about a minute of CPU at 10 million indicators); `--build-index` builds
it ahead, e.g. after `scamlink db upgrade`, and `leave_snapshot` (called after a bulk import)
brings the snapshot up to date, so the server starts from it in a second.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Connection, Engine

from scamlink.cli.lookup_private import private_lookup
from scamlink.config import Settings, load_settings
from scamlink.lookup.live import INDEX_FOLDER, LiveIndex
from scamlink.lookup.service import MAX_BATCH, Answer, LookupService, answer_json
from scamlink.sharing.roles import PUBLIC, Role, Viewer
from scamlink.store import agencies as agency_rows
from scamlink.store.database import opened_store
from scamlink.store.markings import groups_of_agency


def _viewer(conn: Connection, agency: str | None) -> Viewer:
    if agency is None:
        return PUBLIC
    code = agency.strip().upper()
    if agency_rows.get_agency(conn, code) is None:
        raise typer.BadParameter(f"unknown agency {code}", param_hint="--agency")
    return Viewer(code, Role.ANALYST, None, groups=groups_of_agency(conn, code))


def _country(country: str | None) -> str | None:
    if country is None:
        return None
    if len(country) != 2 or not country.isalpha():
        raise typer.BadParameter("a two-letter ISO 3166 code, e.g. KR", param_hint="--country")
    return country.upper()


def _print_table(answers: list[Answer], members: bool) -> None:
    table = Table("query", "type", "canonical", "verdict", *(("reports",) if members else ()))
    for a in answers:
        row = [a.query, a.type or "—", a.canonical or (a.reason or "—"), a.verdict.value]
        if members:
            row.append(str(a.facts.reports) if a.facts else "—")
        table.add_row(*row)
    Console(width=200).print(table)


def lookup(
    values: Annotated[
        list[str] | None, typer.Argument(help="Values as pasted (quote each one)")
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="Country of numbers written without +code")
    ] = None,
    agency: Annotated[
        str | None, typer.Option("--agency", help="Answer as staff of this agency (facts)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per value")] = False,
    private: Annotated[
        bool, typer.Option("--private", help="Send only hash prefixes (public standing)")
    ] = False,
    server: Annotated[
        str | None, typer.Option("--server", help="With --private: ask this server, e.g. https://…")
    ] = None,
    build_index: Annotated[
        bool,
        typer.Option(
            "--build-index", help="Build the index from the store and save the server's snapshot"
        ),
    ] = False,
) -> None:
    """Has this been reported? The verdict on each value (reported, suspicious, unknown,
    safe-listed, invalid) with its canonical key and type."""
    if build_index:
        if values:
            raise typer.BadParameter("give no values with --build-index", param_hint="VALUE")
        _build_index()
        return
    if not values:
        raise typer.BadParameter("give at least one value to look up", param_hint="VALUE")
    if len(values) > MAX_BATCH:
        raise typer.BadParameter(f"at most {MAX_BATCH} values at a time", param_hint="VALUE")
    code = _country(country)
    if private or server:  # H6: the k-anonymity check (cli/lookup_private.py)
        if agency is not None:
            raise typer.BadParameter(
                "a private check answers the public standing only; leave out --agency",
                param_hint="--private",
            )
        private_lookup(values, code, server, as_json)
        return
    settings = load_settings()
    with opened_store(settings) as engine:
        with engine.connect() as conn:
            viewer = _viewer(conn, agency)
        live = LiveIndex(
            engine,
            settings.data_dir / INDEX_FOLDER,
            embargo=timedelta(hours=settings.lookup_embargo_hours),
            writes_snapshot=False,
            builds=False,  # no usable snapshot: the store answers these few values
        )
        answers = LookupService(engine, live).lookup_many(values, viewer, code)
    if as_json:
        for answer in answers:
            typer.echo(json.dumps(answer_json(answer), ensure_ascii=False))
    else:
        _print_table(answers, not viewer.is_public)


def leave_snapshot(settings: Settings, engine: Engine) -> str:
    """Make the lookup index's snapshot current after a command changed much of the store (a
    bulk import, a link rebuild), so that the server's next start loads it instead of building
    the index; the line to print."""
    folder = settings.data_dir / INDEX_FOLDER
    live = LiveIndex(engine, folder, embargo=timedelta(hours=settings.lookup_embargo_hours))
    done = live.make_current()
    how = "built" if done.how == "build" else f"brought up to date ({done.delta:,} changed)"
    return f"lookup index snapshot {how}: {done.indicators:,} indicators in {done.seconds:.1f} s"


def _build_index() -> None:
    settings = load_settings()
    folder = settings.data_dir / INDEX_FOLDER
    with opened_store(settings) as engine:
        live = LiveIndex(engine, folder, embargo=timedelta(hours=settings.lookup_embargo_hours))
        built = live.build()
    typer.echo(
        f"lookup index: {built.indicators:,} indicators built in {built.seconds:.1f} s, "
        f"snapshot saved in {folder}"
    )
