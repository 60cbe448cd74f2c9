"""Campaigns and indicators as one viewer sees them: lists, pages and search, in SQL.

A viewer sees a campaign only through the reports the sharing policy lets them see
(`store.visibility.visible_reports`): every count, country, loss, language, scam type, time span
and graph below is computed in the database over those reports only. A campaign (or an
indicator) none of whose reports is visible does not exist for that viewer. Hidden reports are
counted only for owner agencies that disclose hidden counts, as on the dashboard.

Every function runs a small, bounded number of statements whatever the size of the page (none
per row); the per-campaign queries go through the `campaign_id` index of `report_campaigns`.
The campaign list is the exception to "cheap at any size": its figures are per viewer, so it
aggregates the viewer's visible linked reports (see docs/performance.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import wraps
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar, get_args

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Numeric,
    Row,
    Select,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    not_,
    or_,
    select,
    tuple_,
)

from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.schema import (
    agency_settings,
    campaign_redirects,
    campaigns,
    indicators,
    metadata,
    report_campaigns,
    reports,
    sightings,
)
from scamlink.store.visibility import visible_reports

CampaignSort = Literal["size", "loss", "recent", "countries"]
CAMPAIGN_SORTS: tuple[CampaignSort, ...] = get_args(CampaignSort)
MAX_REDIRECTS = 64  # a chain longer than this is a loop, not history

# Short names for the tables every query here joins, as SQL aliases would be.
r = reports
rc = report_campaigns
s = sightings
i = indicators


class BadCursor(ValueError):
    """The `after` value of a list is not one this list handed out."""


# --- resolving ids ------------------------------------------------------------------------------


def resolve_campaign(conn: Connection, campaign_id: int) -> int | None:
    """The id under which a campaign lives now: itself, or where its redirects lead (merged
    campaigns redirect to the one that absorbed them, transitively); None when unknown."""
    current = campaign_id
    for _ in range(MAX_REDIRECTS):
        if conn.scalar(select(campaigns.c.id).where(campaigns.c.id == current)) is not None:
            return current
        moved = conn.scalar(
            select(campaign_redirects.c.new_id).where(campaign_redirects.c.old_id == current)
        )
        if moved is None:
            return None
        current = int(moved)
    return None


# --- hub flags (the linking engine's indicator_stats, when present) ----------------------------


def _hubs(conn: Connection, indicator_ids: Iterable[int]) -> frozenset[int]:
    table = metadata.tables.get("indicator_stats")
    ids = sorted(set(indicator_ids))
    if table is None or "is_hub" not in table.c or "indicator_id" not in table.c or not ids:
        return frozenset()
    query = select(table.c.indicator_id).where(
        table.c.indicator_id.in_(ids), table.c.is_hub.is_(True)
    )
    return frozenset(int(x) for x in conn.scalars(query))


# --- the campaign list --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CampaignFilters:
    """Campaigns with at least one visible report of this victim country, scam type and
    receiving agency (figures still cover all of the campaign's visible reports)."""

    country: str | None = None
    scam_type: str | None = None
    agency: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.country:
            found.append(r.c.victim_country == self.country.upper())
        if self.scam_type:
            found.append(r.c.scam_type == self.scam_type)
        if self.agency:
            found.append(r.c.agency == self.agency.upper())
        return found


NO_FILTERS = CampaignFilters()


@dataclass(frozen=True, slots=True)
class CampaignListItem:
    id: int
    reports: int  # visible reports
    countries: int  # distinct victim countries among them
    first_seen: datetime
    last_seen: datetime
    loss_usd: int  # whole US dollars at the reference rates (approximate, for ordering)
    losses: dict[str, Decimal]  # per currency, exact
    country_codes: list[str]  # most reports first
    scam_types: list[str]  # most reports first
    agencies: list[str]  # most reports first


@dataclass(frozen=True, slots=True)
class CampaignPage:
    items: list[CampaignListItem]
    after: str | None  # the cursor of the next page; None on the last


def _usd(usd_per_unit: Mapping[str, Decimal]) -> ColumnElement[Any]:
    """One report's loss in US dollars (0 for a currency without a reference rate)."""
    if not usd_per_unit:
        return literal(0)
    rates = [
        (r.c.loss_currency == code, r.c.loss_amount * literal(rate, Numeric(30, 12)))
        for code, rate in sorted(usd_per_unit.items())
    ]
    return func.coalesce(case(*rates, else_=literal(0)), literal(0))


def _sort_key(sort: CampaignSort, usd_per_unit: Mapping[str, Decimal]) -> ColumnElement[Any]:
    if sort == "size":
        return func.count()
    if sort == "countries":
        return func.count(distinct(r.c.victim_country))
    if sort == "recent":
        return func.max(r.c.received_at)
    return cast(func.round(func.sum(_usd(usd_per_unit))), BigInteger)


def _encode(sort: CampaignSort, key: Any, campaign_id: int) -> str:
    value = key.isoformat() if isinstance(key, datetime) else str(int(key))
    return f"{value}~{campaign_id}"


def _decode(sort: CampaignSort, cursor: str) -> tuple[Any, int]:
    value, sep, campaign = cursor.rpartition("~")
    try:
        if not sep:
            raise ValueError(cursor)
        key: Any = datetime.fromisoformat(value) if sort == "recent" else int(value)
        return key, int(campaign)
    except ValueError:
        raise BadCursor(f"not a position in this list: {cursor!r}") from None


def list_campaigns(
    conn: Connection,
    viewer: Viewer,
    *,
    usd_per_unit: Mapping[str, Decimal],
    sort: CampaignSort = "size",
    filters: CampaignFilters = NO_FILTERS,
    limit: int = 25,
    after: str | None = None,
) -> CampaignPage:
    """Campaigns with at least one visible report, largest (or costliest, most recent, most
    widespread) first, `limit` at a time; `after` is the cursor of the previous page.

    One aggregate over the viewer's visible linked reports, grouped by campaign, ordered and
    cut in the database (by size, only over the largest campaigns while that can be shown to
    suffice: `_largest_first`); then one query for the page's countries, scam types and
    losses.
    """
    if sort not in CAMPAIGN_SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    key = _sort_key(sort, usd_per_unit).label("sort_key")
    query = (
        select(
            rc.c.campaign_id,
            func.count().label("n"),
            func.count(distinct(r.c.victim_country)).label("countries"),
            func.min(r.c.received_at).label("first_seen"),
            func.max(r.c.received_at).label("last_seen"),
            cast(func.round(func.sum(_usd(usd_per_unit))), BigInteger).label("loss_usd"),
            key,
        )
        .select_from(rc.join(r, r.c.id == rc.c.report_id))
        .where(visible_reports(viewer))
        .group_by(rc.c.campaign_id)
    )
    matching = filters.conditions()
    if matching:
        query = query.having(func.sum(case((and_(*matching), 1), else_=0)) > 0)
    if after is not None:
        last_key, last_id = _decode(sort, after)
        expression = _sort_key(sort, usd_per_unit)
        query = query.having(
            or_(
                expression < last_key,
                and_(expression == last_key, rc.c.campaign_id < last_id),
            )
        )
    query = query.order_by(key.desc(), rc.c.campaign_id.desc())
    with _planner(conn, jit=False):
        if sort == "size":
            rows = _largest_first(conn, query, limit + 1)
        else:
            rows = _every_campaign(conn, query, limit + 1)
        page = rows[:limit]
        breakdown = _breakdown(conn, viewer, [row.campaign_id for row in page])
    items = [
        CampaignListItem(
            id=int(row.campaign_id),
            reports=int(row.n),
            countries=int(row.countries),
            first_seen=row.first_seen,
            last_seen=row.last_seen,
            loss_usd=int(row.loss_usd or 0),
            losses=breakdown[row.campaign_id].losses,
            country_codes=breakdown[row.campaign_id].ranked("country"),
            scam_types=breakdown[row.campaign_id].ranked("scam_type"),
            agencies=breakdown[row.campaign_id].ranked("agency"),
        )
        for row in page
    ]
    more = len(rows) > limit
    cursor = _encode(sort, page[-1].sort_key, page[-1].campaign_id) if more and page else None
    return CampaignPage(items, cursor)


_FIRST_CANDIDATES = 100
_CANDIDATE_ROUNDS = 3  # 100, 200, 400 campaigns; then the aggregate over every one


def _largest_first(conn: Connection, query: Select[Any], wanted: int) -> list[Row[Any]]:
    """The first `wanted` rows of `query` (visible figures per campaign, by visible reports),
    computed over the largest campaigns only, when that is provably the same answer.

    A campaign's visible reports never outnumber its reports (`campaigns.report_count`, kept
    by the linking engine). Campaigns are taken by report count, largest first, in growing
    batches; once the `wanted`-th best visible count is above the report count of every
    campaign not yet read, no such campaign can enter the page (not even on a tie, which the
    id breaks). The order is that of visible counts, so nothing about hidden reports shows.
    A viewer who sees little of the large campaigns (a partner) falls back to the aggregate
    over every campaign after a few batches.
    """
    found: list[Row[Any]] = []
    bound: tuple[int, int] | None = None  # (report_count, id) of the last campaign read
    size = _FIRST_CANDIDATES
    for _ in range(_CANDIDATE_ROUNDS):
        candidates = select(campaigns.c.id, campaigns.c.report_count)
        if bound is not None:
            candidates = candidates.where(
                tuple_(campaigns.c.report_count, campaigns.c.id) < tuple_(*bound)
            )
        batch = conn.execute(
            candidates.order_by(campaigns.c.report_count.desc(), campaigns.c.id.desc()).limit(size)
        ).all()
        if batch:
            ids = [row.id for row in batch]
            found += conn.execute(query.where(rc.c.campaign_id.in_(ids))).all()
            found.sort(key=lambda row: (-row.n, -row.campaign_id))
            bound = (int(batch[-1].report_count), int(batch[-1].id))
        if len(batch) < size:
            return found[:wanted]  # every campaign was read
        assert bound is not None
        if len(found) >= wanted and found[wanted - 1].n > bound[0]:
            return found[:wanted]
        size *= 2
    return _every_campaign(conn, query, wanted)


def _every_campaign(conn: Connection, query: Select[Any], wanted: int) -> list[Row[Any]]:
    """The first `wanted` rows of the aggregate over every linked report the viewer may see.

    On PostgreSQL as hash joins: the planner otherwise walks the campaign index and looks each
    report up, a nested loop five times slower at 100,000 reports.
    """
    with _planner(conn, nested_loops=False):
        return list(conn.execute(query.limit(wanted)).all())


@contextmanager
def _planner(conn: Connection, **settings: bool) -> Iterator[None]:
    """PostgreSQL planner settings (`jit`, `nested_loops`) for the statements inside, restored
    after (`SET LOCAL`: never beyond the transaction). JIT compiling costs these aggregates
    more than it saves. Other databases have nothing to set."""
    if conn.dialect.name != "postgresql":
        yield
        return
    names = {"jit": "jit", "nested_loops": "enable_nestloop"}
    for name, on in settings.items():
        conn.exec_driver_sql(f"SET LOCAL {names[name]} = {'on' if on else 'off'}")
    try:
        yield
    finally:
        for name in settings:
            conn.exec_driver_sql(f"SET LOCAL {names[name]} TO DEFAULT")


_P = ParamSpec("_P")
_T = TypeVar("_T")


def _without_jit(
    query: Callable[Concatenate[Connection, _P], _T],
) -> Callable[Concatenate[Connection, _P], _T]:
    """Run a page's queries without PostgreSQL's JIT: the visibility filter's subplans make
    the planner's estimates large enough to compile, which took 15–25 ms a statement here
    and saved nothing (see `_planner`)."""

    @wraps(query)
    def run(conn: Connection, /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        with _planner(conn, jit=False):
            return query(conn, *args, **kwargs)

    return run


@dataclass(slots=True)
class _Breakdown:
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    losses: dict[str, Decimal] = field(default_factory=dict)

    def add(self, dimension: str, value: str, n: int) -> None:
        self.counts.setdefault(dimension, Counter())[value] += n

    def ranked(self, dimension: str) -> list[str]:
        counter = self.counts.get(dimension, Counter())
        return [value for value, _ in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def _breakdown(
    conn: Connection, viewer: Viewer, campaign_ids: Sequence[int]
) -> dict[int, _Breakdown]:
    result = {campaign_id: _Breakdown() for campaign_id in campaign_ids}
    if not campaign_ids:
        return result
    query = (
        select(
            rc.c.campaign_id,
            r.c.victim_country,
            r.c.scam_type,
            r.c.agency,
            r.c.loss_currency,
            func.count().label("n"),
            func.sum(r.c.loss_amount).label("loss"),
        )
        .select_from(rc.join(r, r.c.id == rc.c.report_id))
        .where(rc.c.campaign_id.in_(list(campaign_ids)), visible_reports(viewer))
        .group_by(
            rc.c.campaign_id, r.c.victim_country, r.c.scam_type, r.c.agency, r.c.loss_currency
        )
    )
    for row in conn.execute(query):
        found = result[row.campaign_id]
        found.add("country", row.victim_country, row.n)
        found.add("scam_type", row.scam_type, row.n)
        found.add("agency", row.agency, row.n)
        if row.loss_currency and row.loss is not None:
            total = found.losses.get(row.loss_currency, Decimal(0))
            found.losses[row.loss_currency] = total + Decimal(row.loss)
    return result


# --- one campaign -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CampaignDetail:
    id: int
    reports: int
    first_seen: datetime
    last_seen: datetime
    countries: list[tuple[str, int]]  # victim country → visible reports, most first
    agencies: list[tuple[str, int]]
    languages: list[tuple[str, int]]
    scam_types: list[tuple[str, int]]
    losses: dict[str, Decimal]  # per currency, exact
    loss_usd: int  # approximate, at the reference rates
    hidden: dict[str, int]  # per disclosing owner agency: its reports here the viewer cannot see


def _in_campaign(campaign_id: int) -> Select[Any]:
    return (
        select()
        .select_from(rc.join(r, r.c.id == rc.c.report_id))
        .where(rc.c.campaign_id == campaign_id)
    )


@_without_jit
def campaign_detail(
    conn: Connection, viewer: Viewer, campaign_id: int, *, usd_per_unit: Mapping[str, Decimal]
) -> CampaignDetail | None:
    """The campaign's figures over the viewer's visible reports; None when none is visible."""
    query = (
        _in_campaign(campaign_id)
        .add_columns(
            r.c.victim_country,
            r.c.agency,
            r.c.language,
            r.c.scam_type,
            r.c.loss_currency,
            func.count().label("n"),
            func.sum(r.c.loss_amount).label("loss"),
            func.sum(_usd(usd_per_unit)).label("usd"),
            func.min(r.c.received_at).label("first_seen"),
            func.max(r.c.received_at).label("last_seen"),
        )
        .where(visible_reports(viewer))
        .group_by(r.c.victim_country, r.c.agency, r.c.language, r.c.scam_type, r.c.loss_currency)
    )
    rows = conn.execute(query).all()
    if not rows:
        return None
    countries: Counter[str] = Counter()
    agencies: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    scam_types: Counter[str] = Counter()
    losses: dict[str, Decimal] = {}
    usd = Decimal(0)
    for row in rows:
        countries[row.victim_country] += row.n
        agencies[row.agency] += row.n
        languages[row.language] += row.n
        scam_types[row.scam_type] += row.n
        if row.loss_currency and row.loss is not None:
            losses[row.loss_currency] = losses.get(row.loss_currency, Decimal(0)) + Decimal(
                row.loss
            )
        usd += Decimal(row.usd or 0)
    return CampaignDetail(
        id=campaign_id,
        reports=sum(row.n for row in rows),
        first_seen=min(row.first_seen for row in rows),
        last_seen=max(row.last_seen for row in rows),
        countries=_most_first(countries),
        agencies=_most_first(agencies),
        languages=_most_first(languages),
        scam_types=_most_first(scam_types),
        losses=dict(sorted(losses.items())),
        loss_usd=int(usd.to_integral_value()),
        hidden=_hidden_in_campaign(conn, viewer, campaign_id),
    )


def _most_first(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def _hidden_in_campaign(conn: Connection, viewer: Viewer, campaign_id: int) -> dict[str, int]:
    """Per owner agency that discloses hidden counts (never the viewer's own, never to the
    public or partners), how many of its reports in this campaign the viewer cannot see."""
    if viewer.is_public or viewer.role is Role.PARTNER:
        return {}
    disclosing = (
        select(agency_settings.c.agency)
        .where(agency_settings.c.disclose_hidden_counts.is_(True))
        .where(agency_settings.c.agency != viewer.agency)
    )
    owners = list(conn.scalars(disclosing))
    if not owners:
        return {}
    query = (
        _in_campaign(campaign_id)
        .add_columns(r.c.agency, func.count().label("n"))
        .where(r.c.agency.in_(owners), not_(visible_reports(viewer)))
        .group_by(r.c.agency)
    )
    return {row.agency: int(row.n) for row in conn.execute(query) if row.n}


@dataclass(frozen=True, slots=True)
class CampaignReport:
    id: int
    agency: str
    external_id: str
    received_at: datetime
    victim_country: str
    language: str
    scam_type: str
    loss_amount: Decimal | None
    loss_currency: str | None
    tlp: Tlp


@dataclass(frozen=True, slots=True)
class CampaignReportPage:
    items: list[CampaignReport]
    after: str | None


@_without_jit
def campaign_reports(
    conn: Connection,
    viewer: Viewer,
    campaign_id: int,
    *,
    limit: int = 50,
    after: str | None = None,
) -> CampaignReportPage:
    """The campaign's visible reports, newest first (keyset on received_at, id)."""
    query = (
        _in_campaign(campaign_id)
        .add_columns(
            r.c.id,
            r.c.agency,
            r.c.external_id,
            r.c.received_at,
            r.c.victim_country,
            r.c.language,
            r.c.scam_type,
            r.c.loss_amount,
            r.c.loss_currency,
            r.c.tlp,
        )
        .where(visible_reports(viewer, per_row=True))
    )
    if after is not None:
        when, report_id = _decode("recent", after)
        query = query.where(tuple_(r.c.received_at, r.c.id) < tuple_(when, report_id))
    query = query.order_by(r.c.received_at.desc(), r.c.id.desc()).limit(limit + 1)
    rows = conn.execute(query).all()
    items = [
        CampaignReport(
            id=row.id,
            agency=row.agency,
            external_id=row.external_id,
            received_at=row.received_at,
            victim_country=row.victim_country,
            language=row.language,
            scam_type=row.scam_type,
            loss_amount=row.loss_amount,
            loss_currency=row.loss_currency,
            tlp=Tlp(row.tlp),
        )
        for row in rows[:limit]
    ]
    more = len(rows) > limit
    cursor = _encode("recent", items[-1].received_at, items[-1].id) if more and items else None
    return CampaignReportPage(items, cursor)


@dataclass(frozen=True, slots=True)
class CampaignIndicator:
    id: int
    type: str
    value: str
    display: str
    reports: int  # visible reports of the campaign that carry it
    roles: list[str]  # the parts it played, most frequent first
    hub: bool


@dataclass(frozen=True, slots=True)
class CampaignIndicators:
    items: list[CampaignIndicator]
    total: int  # distinct indicators over the visible reports (items may show fewer)


@_without_jit
def campaign_indicators(
    conn: Connection, viewer: Viewer, campaign_id: int, *, limit: int = 100
) -> CampaignIndicators:
    """The indicators of the campaign's visible reports, most reported first."""
    seen = _in_campaign(campaign_id).join(s, s.c.report_id == r.c.id).where(visible_reports(viewer))
    per_indicator = (
        seen.add_columns(s.c.indicator_id, func.count().label("n"))
        .group_by(s.c.indicator_id)
        .subquery()
    )
    total = int(conn.scalar(select(func.count()).select_from(per_indicator)) or 0)
    top = (
        select(per_indicator.c.indicator_id, per_indicator.c.n)
        .order_by(per_indicator.c.n.desc(), per_indicator.c.indicator_id)
        .limit(limit)
        .subquery()
    )
    columns: list[Any] = [i.c.id, i.c.type, i.c.value, i.c.display, top.c.n]
    rows = conn.execute(
        select(*columns)
        .select_from(top.join(i, i.c.id == top.c.indicator_id))
        .order_by(top.c.n.desc(), i.c.id)
    ).all()
    ids = [row.id for row in rows]
    roles: dict[int, Counter[str]] = {}
    if ids:
        role_query = (
            seen.add_columns(s.c.indicator_id, s.c.role, func.count().label("n"))
            .where(s.c.indicator_id.in_(ids))
            .group_by(s.c.indicator_id, s.c.role)
        )
        for row in conn.execute(role_query):
            roles.setdefault(row.indicator_id, Counter())[row.role] += row.n
    hubs = _hubs(conn, ids)
    items = [
        CampaignIndicator(
            id=row.id,
            type=row.type,
            value=row.value,
            display=row.display,
            reports=int(row.n),
            roles=[role for role, _ in _most_first(roles.get(row.id, Counter()))],
            hub=row.id in hubs,
        )
        for row in rows
    ]
    return CampaignIndicators(items, total)


# --- the campaign graph -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GraphReport:
    id: int
    agency: str
    external_id: str
    victim_country: str
    scam_type: str


@dataclass(frozen=True, slots=True)
class GraphSighting:
    report_id: int
    indicator_id: int
    role: str


@dataclass(frozen=True, slots=True)
class GraphIndicator:
    id: int
    type: str
    display: str
    hub: bool


@dataclass(frozen=True, slots=True)
class GraphData:
    """The newest visible reports of a campaign (at most the cap), their sightings and
    indicators, and how many visible reports the campaign has in all."""

    reports: list[GraphReport]
    sightings: list[GraphSighting]
    indicators: list[GraphIndicator]
    total_reports: int


@_without_jit
def campaign_graph(
    conn: Connection, viewer: Viewer, campaign_id: int, *, max_reports: int
) -> GraphData:
    total = int(
        conn.scalar(
            _in_campaign(campaign_id).add_columns(func.count()).where(visible_reports(viewer))
        )
        or 0
    )
    report_rows = conn.execute(
        _in_campaign(campaign_id)
        .add_columns(r.c.id, r.c.agency, r.c.external_id, r.c.victim_country, r.c.scam_type)
        .where(visible_reports(viewer, per_row=True))
        .order_by(r.c.received_at.desc(), r.c.id.desc())
        .limit(max_reports)
    ).all()
    shown = [
        GraphReport(row.id, row.agency, row.external_id, row.victim_country, row.scam_type)
        for row in report_rows
    ]
    edges: list[GraphSighting] = []
    found: dict[int, GraphIndicator] = {}
    if shown:
        rows = conn.execute(
            select(s.c.report_id, s.c.indicator_id, s.c.role, i.c.type, i.c.display)
            .select_from(s.join(i, i.c.id == s.c.indicator_id))
            .where(s.c.report_id.in_([x.id for x in shown]))
            .order_by(s.c.report_id, s.c.indicator_id)
        ).all()
        hubs = _hubs(conn, (row.indicator_id for row in rows))
        for row in rows:
            edges.append(GraphSighting(row.report_id, row.indicator_id, row.role))
            found.setdefault(
                row.indicator_id,
                GraphIndicator(row.indicator_id, row.type, row.display, row.indicator_id in hubs),
            )
    return GraphData(shown, edges, list(found.values()), total)


# --- indicators ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndicatorCampaign:
    id: int
    reports: int  # visible reports of that campaign carrying the indicator


@dataclass(frozen=True, slots=True)
class IndicatorDetail:
    id: int
    type: str
    value: str
    display: str
    reports: int  # visible reports carrying it
    agencies: list[tuple[str, int]]  # reporting agency → visible reports, most first
    first_seen: datetime
    last_seen: datetime
    roles: list[tuple[str, int]]
    campaigns: list[IndicatorCampaign]
    hub: bool


@_without_jit
def indicator_detail(
    conn: Connection, viewer: Viewer, indicator_id: int, *, campaigns_shown: int = 20
) -> IndicatorDetail | None:
    """What the viewer's visible reports say of one indicator; None when none carries it
    (an indicator known only from hidden reports is not admitted to exist)."""
    row = conn.execute(
        select(i.c.id, i.c.type, i.c.value, i.c.display).where(i.c.id == indicator_id)
    ).first()
    if row is None:
        return None
    seen = (
        select()
        .select_from(s.join(r, r.c.id == s.c.report_id))
        .where(s.c.indicator_id == indicator_id, visible_reports(viewer))
    )
    per_agency = conn.execute(
        seen.add_columns(
            r.c.agency,
            s.c.role,
            func.count().label("n"),
            func.min(r.c.received_at).label("first_seen"),
            func.max(r.c.received_at).label("last_seen"),
        ).group_by(r.c.agency, s.c.role)
    ).all()
    if not per_agency:
        return None
    agencies: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    for x in per_agency:
        agencies[x.agency] += x.n
        roles[x.role] += x.n
    in_campaigns = conn.execute(
        seen.join(rc, rc.c.report_id == r.c.id)
        .add_columns(rc.c.campaign_id, func.count().label("n"))
        .group_by(rc.c.campaign_id)
        .order_by(func.count().desc(), rc.c.campaign_id)
        .limit(campaigns_shown)
    ).all()
    return IndicatorDetail(
        id=row.id,
        type=row.type,
        value=row.value,
        display=row.display,
        reports=sum(x.n for x in per_agency),
        agencies=_most_first(agencies),
        first_seen=min(x.first_seen for x in per_agency),
        last_seen=max(x.last_seen for x in per_agency),
        roles=_most_first(roles),
        campaigns=[IndicatorCampaign(int(c.campaign_id), int(c.n)) for c in in_campaigns],
        hub=row.id in _hubs(conn, [row.id]),
    )


@dataclass(frozen=True, slots=True)
class IndicatorMatch:
    id: int
    type: str
    value: str
    display: str
    reports: int  # visible reports carrying it
    agencies: int
    first_seen: datetime


_KEY_CHUNK = 400  # (type, value) pairs per statement: two bound parameters each


@_without_jit
def find_indicators(
    conn: Connection, viewer: Viewer, keys: Sequence[tuple[str, str]]
) -> list[IndicatorMatch]:
    """The stored indicators among `keys` ((type, canonical value)) that at least one visible
    report carries, in the order of `keys`."""
    wanted = list(dict.fromkeys(keys))
    found: dict[tuple[str, str], IndicatorMatch] = {}
    for start in range(0, len(wanted), _KEY_CHUNK):
        chunk = wanted[start : start + _KEY_CHUNK]
        query = (
            select(
                i.c.id,
                i.c.type,
                i.c.value,
                i.c.display,
                func.count().label("n"),
                func.count(distinct(r.c.agency)).label("agencies"),
                func.min(r.c.received_at).label("first_seen"),
            )
            .select_from(i.join(s, s.c.indicator_id == i.c.id).join(r, r.c.id == s.c.report_id))
            .where(tuple_(i.c.type, i.c.value).in_(chunk), visible_reports(viewer))
            .group_by(i.c.id, i.c.type, i.c.value, i.c.display)
        )
        for row in conn.execute(query):
            found[(row.type, row.value)] = IndicatorMatch(
                row.id, row.type, row.value, row.display, row.n, row.agencies, row.first_seen
            )
    return [found[key] for key in wanted if key in found]
