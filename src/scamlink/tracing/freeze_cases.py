"""A freeze request opened as a case of kind `freeze_request`, with what the trace found linked.

Wallets met on the way: the least surprising place for them in the existing model is the case,
not the victims' reports. Sightings feed linking, and a wallet every laundering thread passes
through would join the reports of unrelated campaigns into one; the case keeps them apart. So:

* the victims' reports the viewer may see are linked to the case (role `victim`), and their
  campaigns (`related`); a reference to a report it may not see links nothing;
* the request's deposit addresses become indicators (type `tron`/`eth`/`btc`) linked as
  `suspect` — the accounts to freeze;
* the unlabelled wallets the money passed through (never a labelled service, never an exchange
  hot wallet: `TraceResult.wallets` holds only unlabelled addresses) become indicators linked as
  `suspect`, at most `MAX_WALLETS` of them, those that carried most first.

Indicator rows are created when absent (they then show on the indicator pages and in search);
no sighting is added, so no campaign changes. Everything happens in the caller's transaction,
through `cases.service` (which checks the viewer and writes the timeline).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection

from scamlink.cases import service
from scamlink.cases.model import CaseError, CaseKind, LinkKind, LinkRole, NewCase
from scamlink.sharing.roles import Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store import freeze_requests as rows
from scamlink.tracing.freeze import FreezeRequest
from scamlink.tracing.model import Chain, TraceResult

MAX_WALLETS = 200


def _ref_key(ref: str) -> tuple[str, str] | None:
    agency, sep, external = ref.partition(":")
    return (agency, external) if sep and agency and external else None


def carried_by(result: TraceResult) -> list[str]:
    """The unlabelled wallets met, those that received most tainted value first."""
    received: dict[str, Decimal] = defaultdict(Decimal)
    for hop in result.edges:
        if hop.to_address in result.wallets:
            received[hop.to_address] += hop.amount
    ordered = sorted(result.wallets, key=lambda a: (-received.get(a, Decimal(0)), a))
    return ordered[:MAX_WALLETS]


def open_case(
    conn: Connection,
    viewer: Viewer,
    request: FreezeRequest,
    result: TraceResult,
    now: datetime,
    *,
    tlp: Tlp = Tlp.AMBER,
) -> int:
    """Open the freeze_request case for one service's request; returns the case id."""
    chain: Chain = request.chain
    lines = [
        f"{d.address}: {d.amount} {request.token}"
        + (f" ({len(d.deliveries)} tx)" if d.deliveries else "")
        for d in request.deposits
    ]
    new = NewCase(
        kind=CaseKind.FREEZE_REQUEST,
        title=f"Freeze {request.total} {request.token} at {request.service}"[:200],
        summary=(
            f"{request.service} ({request.category}), {chain.value}, model {request.model}.\n"
            + "\n".join(lines)
            + f"\nVictims: {', '.join(request.refs)}"
        )[:4000],
        tlp=tlp,
        target=request.service[:200],
    )
    case_id = service.create_case(conn, viewer, new, now)
    keys = [k for k in (_ref_key(ref) for ref in request.refs) if k is not None]
    found = rows.reports_by_ref(conn, keys)
    linked: list[int] = []
    for report_id in sorted(found.values()):
        try:
            service.add_link(
                conn, viewer, case_id, LinkKind.REPORT, report_id, LinkRole.VICTIM, now
            )
        except CaseError:
            continue  # a report the viewer may not see is neither linked nor its campaign
        linked.append(report_id)
    for campaign_id in sorted(set(rows.campaigns_of(conn, linked).values())):
        service.add_link(
            conn, viewer, case_id, LinkKind.CAMPAIGN, campaign_id, LinkRole.RELATED, now
        )
    wallets = [d.address for d in request.deposits] + [
        w for w in carried_by(result) if w not in {d.address for d in request.deposits}
    ]
    ids = rows.indicator_ids(conn, [(chain.value, w) for w in wallets])
    for wallet in wallets:
        indicator_id = ids.get((chain.value, wallet))
        if indicator_id is not None:
            service.add_link(
                conn, viewer, case_id, LinkKind.INDICATOR, indicator_id, LinkRole.SUSPECT, now
            )
    return case_id
