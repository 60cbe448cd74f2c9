"""The streaming writer: one pass over time, one row at a time, into one CSV file per agency.

Memory holds the world's schedule (a few floats per campaign), a bounded cache of campaign pools
and the second reports of victims who report twice (due within days). Nothing grows with the
number of reports, so ten million rows cost what ten thousand do.
"""

from __future__ import annotations

import csv
import heapq
import json
from bisect import bisect
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Literal, TextIO, TypeVar

from scamlink.demo import benign, noise
from scamlink.demo import labels as ground_truth
from scamlink.demo.countries import COUNTRIES, Country
from scamlink.demo.money import Amount, draw, spoken
from scamlink.demo.narratives import PHRASEBOOKS
from scamlink.demo.numbers import Phone
from scamlink.demo.pools import Account, Handle, PoolCache, Pools, Site, TargetPools, Wallet
from scamlink.demo.rand import FastRandom
from scamlink.demo.scams import PROFILES, ScamProfile
from scamlink.demo.schedule import Schedule
from scamlink.demo.story import Story
from scamlink.demo.world import FIRST_DAY, SPAN_DAYS, World
from scamlink.demo.writing import Scribe
from scamlink.interop.report_csv import COLUMNS, VALUE_SEPARATOR, write_header
from scamlink.sharing.agencies import REFERENCE_AGENCIES, REPORTING_AGENCIES

Profile = Literal["default", "noisy"]
_T = TypeVar("_T")
TRUTH_COLUMNS = ("agency", "external_id", "compound", "campaign", "victim")
PROGRESS_EVERY = 1000
_TLP = (("GREEN", 0.45), ("AMBER", 0.33), ("CLEAR", 0.08), ("AMBER+STRICT", 0.11), ("RED", 0.03))
_TLP_NOISY = {
    "GREEN": ("TLP:GREEN", "green", "Green"),
    "AMBER": ("TLP:AMBER", "amber"),
    "CLEAR": ("WHITE", "TLP:CLEAR", "clear"),
    "AMBER+STRICT": ("TLP:AMBER+STRICT", "amber+strict"),
    "RED": ("TLP:RED", "red"),
}
# Reports arrive mostly in the day and evening (local time).
_HOURS = tuple(
    accumulate((1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 4, 6, 7, 7, 6, 6, 6, 6, 6, 5, 5, 5, 5, 4, 3, 2))
)
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_HISTORY_DAYS = 200  # incidents may predate the first report of the span


@dataclass(frozen=True, slots=True)
class GenerationSummary:
    total_reports: int
    per_agency: dict[str, int]
    campaigns: int  # campaigns with at least one report
    compounds: int  # compounds with at least one report
    files: tuple[Path, ...]


@dataclass(slots=True)
class _Incident:
    """What happened to one victim: reported once, or twice to two agencies (or the same)."""

    pools: Pools
    target: TargetPools
    victim: str
    victim_country: str
    day: int  # day of the incident (index into the calendar)
    amount: Amount | None
    phones: list[Phone] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    wallets: list[Wallet] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    handles: list[Handle] = field(default_factory=list)


def generate(
    out_dir: Path,
    reports: int,
    seed: int,
    *,
    profile: Profile = "default",
    progress: Callable[[int], None] | None = None,
    labels: bool = False,
) -> GenerationSummary:
    """Write the synthetic world into `out_dir`: reports-<AGENCY>.csv for each of the eleven
    reporting agencies, truth.csv (compound, campaign and victim of every report) and benign.csv
    (the widely shared values that must not link reports). Same arguments, same bytes.

    With `labels`, also labels.jsonl: per report (in writing order) the canonical values its
    narrative mentions, the ground truth for measuring extraction (the other files are unchanged
    byte for byte)."""
    if reports < 1:
        raise ValueError("reports must be at least 1")
    if profile not in ("default", "noisy"):
        raise ValueError(f"unknown profile {profile!r} (expected 'default' or 'noisy')")
    out_dir.mkdir(parents=True, exist_ok=True)
    run = _Run(out_dir, reports, seed, profile, progress)
    if labels:
        run.said = []
    return run.run()


class _Run:
    def __init__(
        self,
        out_dir: Path,
        reports: int,
        seed: int,
        profile: Profile,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.out_dir = out_dir
        self.total = reports
        self.noisy = profile == "noisy"
        self.progress = progress
        self.said: list[tuple[str, str]] | None = None  # (type, canonical value) when labelling
        self.world = World(reports, seed)
        self.schedule = Schedule(self.world)
        self.pools = PoolCache(self.world)
        self.rng = FastRandom(f"{seed}:{profile}:reports")
        self.scribe = Scribe(self.rng, noisy=self.noisy)
        self.dual_rate = 0.06 if self.noisy else 0.03
        self.repeat_rate = 0.04 if self.noisy else 0.004
        self.benign_rate = 3.0 if self.noisy else 1.0
        # The noisy world's extra noise, from a stream of its own (see demo/noise.py).
        self.noise = noise.Noise(seed) if self.noisy else None
        self.agencies = REPORTING_AGENCIES
        if self.noisy:  # Korean victims also go to the Korea Desk
            desk = tuple(a for a in REFERENCE_AGENCIES if a.code == noise.DESK)
            self.agencies = (*REPORTING_AGENCIES, *desk)
        first = date.fromisoformat(FIRST_DAY) - timedelta(days=_HISTORY_DAYS)
        self.days = tuple(
            (first + timedelta(days=i)).isoformat() for i in range(_HISTORY_DAYS + SPAN_DAYS + 2)
        )
        self.tlp_cum = tuple(accumulate(w for _, w in _TLP))
        self.sequence: dict[tuple[str, str], int] = {}
        self.per_agency = {a.code: 0 for a in self.agencies}
        self.used_campaigns = bytearray(self.world.campaign_total)
        self.used_compounds: dict[str, None] = {}
        self.victims = 0
        self.languages = {
            code: (
                tuple(lang for lang, _ in c.languages),
                tuple(accumulate(w for _, w in c.languages)),
            )
            for code, c in COUNTRIES.items()
        }
        if self.noisy:  # the Korea Desk's officers write in Korean
            self.languages[noise.DESK] = ((noise.DESK_LANGUAGE,), (1.0,))

    # --- the pass over time ----------------------------------------------------------------

    def run(self) -> GenerationSummary:
        files = {a.code: self.out_dir / f"reports-{a.code}.csv" for a in self.agencies}
        truth_path = self.out_dir / "truth.csv"
        benign_path = self.out_dir / "benign.csv"
        with ExitStack() as stack:
            writers: dict[str, Callable[[list[str]], object]] = {}
            for code, path in files.items():
                handle = stack.enter_context(_open(path))
                writers[code] = write_header(handle).writer.writerow
            truth = csv.writer(stack.enter_context(_open(truth_path)), lineterminator="\n")
            truth.writerow(TRUTH_COLUMNS)
            label_out = (
                stack.enter_context(_open(self.out_dir / "labels.jsonl"))
                if self.said is not None
                else None
            )
            pending: list[tuple[float, int, _Incident, str]] = []
            written = 0
            committed = 0
            since = 0
            rng = self.rng
            moment = self._moment(0)
            while written < self.total:
                if pending and (committed >= self.total or pending[0][0] <= moment):
                    at, _, incident, agency = heapq.heappop(pending)
                else:
                    incident, agency, second = self._incident(moment)
                    at = moment
                    committed += 1
                    if second is not None and committed < self.total:
                        delay = (0.3 + rng.random() * 9.7) / SPAN_DAYS
                        when = min(moment + delay, 0.99999)
                        heapq.heappush(pending, (when, committed, incident, second))
                        committed += 1
                    moment = self._moment(committed)
                row, truth_row = self._render(incident, agency, at)
                writers[agency](row)
                truth.writerow(truth_row)
                if label_out is not None:
                    label_out.write(_label_line(row, truth_row, self.said or []))
                self.per_agency[agency] += 1
                written += 1
                since += 1
                if since == PROGRESS_EVERY and self.progress is not None:
                    self.progress(since)
                    since = 0
            if since and self.progress is not None:
                self.progress(since)
        with _open(benign_path) as handle:
            out = csv.writer(handle, lineterminator="\n")
            out.writerow(("kind", "value", "country"))
            out.writerows(benign.listing())
            if self.noise is not None:
                out.writerows(noise.listing())
        return GenerationSummary(
            total_reports=written,
            per_agency=dict(self.per_agency),
            campaigns=sum(self.used_campaigns),
            compounds=len(self.used_compounds),
            files=(*files.values(), truth_path, benign_path),
        )

    def _moment(self, index: int) -> float:
        """When report `index` arrives (fraction of the span): reports grow over the years."""
        return min(float(((index + self.rng.random()) / self.total) ** (1 / 1.3)), 0.99999)

    # --- what happened ---------------------------------------------------------------------

    def _incident(self, moment: float) -> tuple[_Incident, str, str | None]:
        rng = self.rng
        c = self.schedule.pick(moment, rng.random())
        pools = self.pools(c)
        campaign = pools.campaign
        self.used_campaigns[c] = 1
        self.used_compounds[campaign.compound.id] = None
        cum = campaign.target_cum
        country = campaign.targets[bisect(cum, rng.random() * cum[-1])]
        target = pools.targets[country]
        profile = PROFILES[campaign.scam_type]
        phase = min(max((moment - campaign.start) / campaign.duration, 0.0), 1.0)
        home = COUNTRIES[country]
        lo, hi = profile.report_delay_days
        day = _HISTORY_DAYS + int(moment * SPAN_DAYS) - lo - int((hi - lo) * rng.random() ** 2)
        self.victims += 1
        incident = _Incident(
            pools=pools,
            target=target,
            victim=f"V{self.victims:08d}",
            victim_country=country,
            day=day,
            amount=self._loss(profile, home),
        )
        v = profile.values
        random = rng.random
        if random() < v[0][0]:
            _take(rng, v[0][1], target.phones, phase, incident.phones, pools.foreign_phones)
        if random() < v[1][0]:
            _take(rng, v[1][1], target.sites, phase, incident.sites)
        if random() < v[2][0]:
            _take(rng, v[2][1], pools.emails, phase, incident.emails)
        if random() < v[3][0]:
            _take(rng, v[3][1], pools.wallets, phase, incident.wallets)
        if random() < v[4][0]:
            _take(rng, v[4][1], target.accounts, phase, incident.accounts)
        if random() < v[5][0]:
            _take(rng, v[5][1], target.handles, phase, incident.handles)
        agency = home.agency
        second: str | None = None
        r = rng.random()
        if r < self.dual_rate and home.abroad:
            # Living abroad: reports where they live and at home, in either order.
            abroad = home.abroad
            cum_abroad = tuple(accumulate(w for _, w in abroad))
            other = COUNTRIES[abroad[bisect(cum_abroad, rng.random() * cum_abroad[-1])][0]].agency
            agency, second = (agency, other) if rng.random() < 0.5 else (other, agency)
        elif r < self.dual_rate + self.repeat_rate:
            second = agency  # reports again (a follow-up filed as a new report)
        elif self.noise is not None and self.noise.to_desk(
            country, campaign.compound.place.country
        ):
            agency, second = (agency, noise.DESK) if rng.random() < 0.5 else (noise.DESK, agency)
        return incident, agency, second

    def _loss(self, profile: ScamProfile, home: Country) -> Amount | None:
        rng = self.rng
        if rng.random() < profile.no_loss:
            return None
        if rng.random() < profile.usdt_share:
            currency = "USDT"
        else:
            currencies = home.currencies
            currency = currencies[0][0]
            if len(currencies) > 1:
                cum = tuple(accumulate(w for _, w in currencies))
                currency = currencies[bisect(cum, rng.random() * cum[-1])][0]
        return draw(rng, home.median_loss_usd * profile.loss_factor, currency)

    # --- how it is written down ------------------------------------------------------------

    def _render(
        self, incident: _Incident, agency: str, moment: float
    ) -> tuple[list[str], tuple[str, ...]]:
        rng = self.rng
        scribe = self.scribe
        campaign = incident.pools.campaign
        country = COUNTRIES[_AGENCY_COUNTRY[agency]]
        here = country.code
        langs, cum = self.languages.get(agency) or self.languages[here]
        lang = langs[bisect(cum, rng.random() * cum[-1])] if len(langs) > 1 else langs[0]
        book = PHRASEBOOKS[lang]
        day = _HISTORY_DAYS + int(moment * SPAN_DAYS)
        today = self.days[day]
        hour = bisect(_HOURS, rng.random() * _HOURS[-1])
        received = f"{today}T{hour:02d}:{rng.below(60):02d}:{rng.below(60):02d}{country.utc_offset}"
        year = today[:4]
        key = (agency, year)
        seq = self.sequence.get(key, 0) + 1
        self.sequence[key] = seq
        external_id = _external_id(agency, year, int(today[5:7]), seq)
        incident_date = self.days[min(incident.day, day)] if rng.random() > 0.03 else ""

        said = self.said
        if said is not None:
            said.clear()
        story = Story(book, campaign.scam_type, rng)
        script_rate = scribe.script_rate
        digits = book.digits
        typo = scribe.typo
        if rng.random() < 0.12:
            platform = rng.choice(benign.PLATFORMS[here])
            story.say(book.platform, platform)
            if said is not None:
                said.extend(ground_truth.of("urls", platform, here))

        handles = [typo(scribe.handle(h, here, lang)) for h in incident.handles]
        if incident.handles and rng.random() < 0.6:
            story.say(book.handle, scribe.handle(incident.handles[0], here, lang))
            if said is not None:
                said.extend(ground_truth.handle(incident.handles[0]))
        phones = [
            typo(scribe.script(scribe.phone(p, here), lang, digits, script_rate))
            for p in incident.phones
        ]
        if incident.phones and rng.random() < 0.6:
            shown = scribe.script(scribe.plain_phone(incident.phones[0], here), lang, digits, 0.1)
            story.say(book.phone, shown)
            if said is not None:
                said.append(("phone", incident.phones[0].e164))
        elif rng.random() < 0.05 and incident.target.phones:
            # A number only the narrative mentions.
            extra = rng.choice(incident.target.phones)
            story.say(book.phone, scribe.plain_phone(extra, here))
            if said is not None:
                said.append(("phone", extra.e164))
        urls = [typo(scribe.url(s)) for s in incident.sites]
        if incident.sites and rng.random() < 0.55:
            written_url = scribe.url(incident.sites[0], 0.8)
            story.say(book.url, written_url)
            if said is not None:
                said.extend(ground_truth.of("urls", written_url, here))
        emails = [typo(scribe.email(e)) for e in incident.emails]
        if incident.emails and rng.random() < 0.4:
            story.say(book.email, incident.emails[0])
            if said is not None:
                said.extend(ground_truth.of("emails", incident.emails[0], here))
        accounts = [
            typo(scribe.script(scribe.account(a, here, lang), lang, digits, script_rate))
            for a in incident.accounts
        ]
        if incident.accounts and rng.random() < 0.6:
            story.say(book.account, scribe.account(incident.accounts[0], here, lang))
            if said is not None:
                a = incident.accounts[0]
                said.append(("bank_account", f"{a.bank.country}:{a.bank.code}:{a.digits}"))
        wallets = [typo(scribe.wallet(w)) for w in incident.wallets]
        if incident.wallets and rng.random() < 0.6:
            w = incident.wallets[0]
            story.say(book.wallet, w.forms[0], w.coin)
            if said is not None:
                said.extend(ground_truth.of("wallets", w.forms[0], here))

        amount = incident.amount
        if amount is None:
            story.plain(book.no_loss)
        else:
            story.amount(book.loss, spoken(book, amount, rng))
        if rng.random() < 0.05 and here in benign.BANK_HOTLINES:
            hotline = rng.choice(benign.BANK_HOTLINES[here])
            story.say(book.hotline, hotline)
            if said is not None:
                said.extend(ground_truth.of("phones", hotline, here))
        if rng.random() < 0.03:
            story.say(book.emergency, benign.EMERGENCY[here])
        story.plain(book.closing)

        # The noise rewrites the campaign's own values, not the benign ones added below (two
        # victims' identical random typos of facebook.com would join them by sheer chance).
        if self.noise is not None:
            self.noise.disturb(here, phones, urls, emails, wallets, accounts, handles)

        # Widely shared benign values typed into the structured columns.
        b = self.benign_rate
        if rng.random() < 0.015 * b and here in benign.BANK_HOTLINES:
            phones.append(rng.choice(benign.BANK_HOTLINES[here]))
        if rng.random() < 0.04 * b:
            urls.append(benign.platform_url(rng, here))
        if amount is not None and amount.currency == "USDT" and rng.random() < 0.1 * b:
            wallets.append(rng.choice(benign.EXCHANGE_WALLETS))

        tlp = _TLP[bisect(self.tlp_cum, rng.random() * self.tlp_cum[-1])][0]
        if self.noisy and rng.random() < 0.2:
            tlp = rng.choice(_TLP_NOISY[tlp])
        sep = VALUE_SEPARATOR
        values = {
            "external_id": external_id,
            "received_at": received,
            "incident_date": incident_date,
            "victim_country": incident.victim_country,
            "language": lang,
            "scam_type": campaign.scam_type.value,
            "loss_amount": amount.column if amount is not None else "",
            "loss_currency": amount.currency if amount is not None else "",
            "narrative": story.text(),
            "phones": sep.join(phones),
            "urls": sep.join(urls),
            "emails": sep.join(emails),
            "wallets": sep.join(wallets),
            "bank_accounts": sep.join(accounts),
            "handles": sep.join(handles),
            "tlp": tlp,
        }
        # KeyError here means the import format gained a column the world does not write yet.
        row = [values[column] for column in COLUMNS]
        truth = (agency, external_id, campaign.compound.id, campaign.id, incident.victim)
        return row, truth


_AGENCY_COUNTRY = {a.code: a.country for a in REFERENCE_AGENCIES}


def _take(
    rng: FastRandom,
    second: float,
    pool: Sequence[_T],
    phase: float,
    into: list[_T],
    extra: Sequence[_T] = (),
) -> None:
    """Pick one value (and with chance `second` another) from the pool, around the campaign's
    current place in its rotation."""
    if not pool:
        return
    n = len(pool)
    i = min(n - 1, max(0, int(phase * n + 2.0 * rng.random() - 1.0)))
    into.append(pool[i])
    if rng.random() < second:
        if extra and rng.random() < 0.5:
            into.append(extra[min(len(extra) - 1, int(phase * len(extra)))])
        elif n > 1:
            j = i + 1 if i + 1 < n and (i == 0 or rng.random() < 0.5) else i - 1
            into.append(pool[j])


def _external_id(agency: str, year: str, month: int, seq: int) -> str:
    if agency == "KNPA":
        return f"KNPA-{year}-{seq:07d}"
    if agency == "POLRI":
        return f"LP/B/{seq}/{_ROMAN[month - 1]}/{year}/BARESKRIM"
    if agency == "RTP":
        return f"RTP-CCIB-{year}-{seq:06d}"
    if agency == "MPS":
        return f"MPS-A05-{year}-{seq:06d}"
    if agency == "PNP":
        return f"PNP-ACG-{year}-{seq:06d}"
    if agency == "PDRM":
        return f"PDRM-CCID-{year}-{seq:06d}"
    if agency == "SPF":
        return f"SPF-{year}-{seq:07d}"
    return f"{agency}-{year}-{seq:06d}"


def _label_line(row: list[str], truth_row: tuple[str, ...], said: list[tuple[str, str]]) -> str:
    values = dict(zip(COLUMNS, row, strict=True))
    return (
        json.dumps(
            {
                "agency": truth_row[0],
                "external_id": truth_row[1],
                "country": _AGENCY_COUNTRY[truth_row[0]],
                "language": values["language"],
                "labels": [{"type": t, "value": v} for t, v in dict.fromkeys(said)],
            },
            ensure_ascii=False,
        )
        + "\n"
    )


def _open(path: Path) -> TextIO:
    return path.open("w", encoding="utf-8", newline="", buffering=1 << 20)
