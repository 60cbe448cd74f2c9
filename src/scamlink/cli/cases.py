"""`scamlink cases list|show|create|transition|deadlines|export`: cases from the command line.

Each command acts as one user (`--as EMAIL`), under the same rules as the web: the user's
agency and role decide what is seen and allowed. A refusal prints `error: FIELD: reason` and
exits with 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scamlink.cases import dossier, service
from scamlink.cases.deadlines import DEFAULT_DEADLINES, checked_minutes, deadline_for, system_clock
from scamlink.cases.model import CaseError, CaseKind, NewCase, Priority, Status
from scamlink.cases.records import case_json, head_json
from scamlink.cli.acting import fail, print_json, refused, viewer_as
from scamlink.config import load_settings
from scamlink.interop.pdf import PdfError
from scamlink.sharing.tlp import Tlp
from scamlink.store import case_board
from scamlink.store.agencies import get_agency
from scamlink.store.cases import agency_deadlines, set_agency_deadline
from scamlink.store.database import opened_store

app = typer.Typer(help="Cross-border cases and referrals.", no_args_is_help=True)

AsUser = Annotated[str, typer.Option("--as", help="Act as this user (e-mail)")]


@app.command("list")
def list_cases(
    as_user: AsUser,
    status: Annotated[Status | None, typer.Option(help="Only cases in this status")] = None,
    kind: Annotated[CaseKind | None, typer.Option(help="Only cases of this kind")] = None,
    priority: Annotated[Priority | None, typer.Option(help="Only this priority")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue cases")] = False,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """The cases the user sees, newest first, as a JSON array."""
    now = system_clock()
    filters = case_board.Filters(kind=kind, priority=priority, overdue_at=now if overdue else None)
    with opened_store(load_settings()) as engine, engine.connect() as conn:
        viewer = viewer_as(conn, as_user)
        found = case_board.list_cases(conn, viewer, filters, status=status, limit=limit)
    print_json([head_json(h, now) for h in found])


@app.command("show")
def show(
    case_id: Annotated[int, typer.Argument(help="The case's number")], as_user: AsUser
) -> None:
    """One case as the user sees it: timeline, links, referrals, notes, tasks."""
    now = system_clock()
    with opened_store(load_settings()) as engine, engine.connect() as conn:
        viewer = viewer_as(conn, as_user)
        try:
            view = service.view_case(conn, viewer, case_id, now)
        except CaseError as error:
            refused(error)
    print_json(case_json(view, now))


@app.command("create")
def create(
    as_user: AsUser,
    kind: Annotated[CaseKind, typer.Option(help="The kind of case")],
    title: Annotated[str, typer.Option(help="A short title")],
    summary: Annotated[str, typer.Option(help="What is known")] = "",
    priority: Annotated[Priority | None, typer.Option(help="Default: the kind's")] = None,
    tlp: Annotated[str, typer.Option(help="TLP marking")] = "AMBER",
    nationality: Annotated[str | None, typer.Option(help="Two-letter code")] = None,
    country: Annotated[str | None, typer.Option(help="Two-letter code")] = None,
    target: Annotated[str | None, typer.Option(help="What to take down or freeze")] = None,
) -> None:
    """Open a case owned by the user's agency; prints it as JSON."""
    try:
        marking = Tlp.parse(tlp)
    except ValueError as error:
        fail(f"tlp: {error}")
    now = system_clock()
    new = NewCase(
        kind=kind,
        title=title,
        summary=summary,
        priority=priority,
        tlp=marking,
        nationality=nationality,
        country=country,
        target=target,
    )
    with opened_store(load_settings()) as engine:
        try:
            with engine.begin() as conn:
                viewer = viewer_as(conn, as_user)
                case_id = service.create_case(conn, viewer, new, now)
                view = service.view_case(conn, viewer, case_id, now)
        except CaseError as error:
            refused(error)
    print_json(case_json(view, now))


@app.command("transition")
def transition(
    case_id: Annotated[int, typer.Argument(help="The case's number")],
    status: Annotated[Status, typer.Argument(help="The status to move it to")],
    as_user: AsUser,
    reason: Annotated[str, typer.Option(help="Required to decline")] = "",
) -> None:
    """Move a case (the workflow decides); prints the case's head."""
    now = system_clock()
    with opened_store(load_settings()) as engine:
        try:
            with engine.begin() as conn:
                viewer = viewer_as(conn, as_user)
                moved = service.transition(conn, viewer, case_id, status, now, reason)
        except CaseError as error:
            refused(error)
    print_json(head_json(moved, now))


@app.command("deadlines")
def deadlines(
    agency: Annotated[str, typer.Option(help="The agency (code)")],
    priority: Annotated[Priority | None, typer.Option(help="The priority to set")] = None,
    first_response: Annotated[
        int | None, typer.Option("--first-response-minutes", help="Minutes to the first response")
    ] = None,
    update: Annotated[
        int | None, typer.Option("--update-minutes", help="Minutes between updates")
    ] = None,
) -> None:
    """An agency's deadlines per priority (JSON); with --priority and both --…-minutes, set
    that priority's (operators only: the command runs on the server)."""
    code = agency.upper()
    with opened_store(load_settings()) as engine, engine.begin() as conn:
        if get_agency(conn, code) is None:
            fail(f"--agency: unknown agency {agency!r}")
        if priority is not None or first_response is not None or update is not None:
            if priority is None or first_response is None or update is None:
                fail("--priority, --first-response-minutes and --update-minutes go together")
            try:
                first = checked_minutes(first_response, "first_response_minutes")
                every = checked_minutes(update, "update_minutes")
            except CaseError as error:
                refused(error)
            set_agency_deadline(conn, code, priority, first, every)
        own = agency_deadlines(conn, code)
    print_json(
        {
            p.value: {
                "first_response_minutes": int(deadline_for(p, own).first_response.total_seconds())
                // 60,
                "update_minutes": int(deadline_for(p, own).update.total_seconds()) // 60,
                "agency_setting": p in own,
            }
            for p in DEFAULT_DEADLINES
        }
    )


@app.command("export")
def export(
    case_id: Annotated[int, typer.Argument(help="The case's number")],
    as_user: AsUser,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Write the dossier as a PDF to this file")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the dossier as JSON on standard output")
    ] = False,
) -> None:
    """The case's dossier as the user sees it (PDF or JSON): summary, people, timeline, links,
    notes, evidence with hashes and custody logs. The export is audited and recorded in each
    piece of evidence's chain of custody."""
    if (pdf is None) == (not as_json):
        fail("choose one of --pdf FILE or --json")
    now = system_clock()
    fmt = "pdf" if pdf is not None else "json"
    with opened_store(load_settings()) as engine:
        try:
            if pdf is None:
                with engine.begin() as conn:
                    content = dossier.export(conn, viewer_as(conn, as_user), case_id, fmt, now)
            else:
                # Typeset before anything is written (no lock held); the export is recorded
                # with the file written in its transaction: a PDF that fails or cannot be
                # written records no export.
                with engine.connect() as conn:
                    viewer = viewer_as(conn, as_user)
                    content = dossier.pending_export(conn, viewer, case_id, fmt, now)
                document = dossier.dossier_pdf(content)
                with engine.begin() as conn:
                    dossier.record(conn, viewer, content, fmt)
                    try:
                        pdf.write_bytes(document)
                    except OSError as error:
                        fail(f"--pdf: cannot write {pdf}: {error.strerror or error}")
        except CaseError as error:
            refused(error)
        except PdfError as error:
            fail(str(error))
    if pdf is None:
        print_json(dossier.dossier_json(content))
        return
    typer.echo(f"dossier of case {case_id}: {pdf} ({len(document)} bytes)")
