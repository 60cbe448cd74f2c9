"""Compounds, the campaigns they run, and when each campaign is active.

Everything is derived from the seed: the schedule of every campaign (start, length, size) is a few
floats held in arrays; the rest of a campaign (type, targets, compound) is recomputed on demand
from `(seed, campaign index)`, so a world of any size costs memory in proportion to its campaigns,
never to its reports.
"""

from __future__ import annotations

import math
import random
from array import array
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate

from scamlink.demo.countries import COUNTRIES
from scamlink.demo.scams import PROFILES
from scamlink.reports.model import ScamType


@dataclass(frozen=True, slots=True)
class Place:
    country: str
    code: str
    name: str
    weight: float
    # Countries whose SIM cards its workers use besides the local ones (border towns).
    sim_countries: tuple[str, ...]


PLACES: tuple[Place, ...] = (
    Place("KH", "SHV", "Sihanoukville", 9, ("KH",)),
    Place("KH", "BAV", "Bavet", 4, ("KH", "VN")),
    Place("KH", "PNH", "Phnom Penh", 4, ("KH",)),
    Place("KH", "POI", "Poipet", 3, ("KH", "TH")),
    Place("KH", "KKG", "Koh Kong", 1.5, ("KH", "TH")),
    Place("KH", "OSM", "O'Smach", 1, ("KH", "TH")),
    Place("MM", "KKP", "Myawaddy (KK Park)", 6, ("MM", "TH")),
    Place("MM", "SKK", "Shwe Kokko", 4, ("MM", "TH")),
    Place("MM", "TCL", "Tachileik", 2, ("MM", "TH")),
    Place("MM", "LKG", "Laukkaing", 2, ("MM",)),
    Place("MM", "MLA", "Mong La", 1, ("MM",)),
    Place("LA", "GTS", "Golden Triangle SEZ (Bokeo)", 4, ("LA", "TH")),
    Place("LA", "BTN", "Boten SEZ", 1, ("LA",)),
    Place("PH", "PSY", "Pasay (Metro Manila)", 2, ("PH",)),
    Place("PH", "BMB", "Bamban, Tarlac", 2, ("PH",)),
    Place("PH", "PRC", "Porac, Pampanga", 1.5, ("PH",)),
    Place("PH", "PRQ", "Parañaque (Metro Manila)", 1, ("PH",)),
)

_NAME_FIRST = (
    "Golden",
    "Lucky",
    "Jinbei",
    "Fortune",
    "Dragon",
    "Star",
    "Royal",
    "Oriental",
    "Phoenix",
    "Crown",
    "Hengsheng",
    "Longwan",
    "Huafu",
    "Jade",
    "Diamond",
    "Blue Bay",
    "New Century",
    "Kaiyuan",
    "Yatai",
    "Victory",
)
_NAME_SECOND = (
    "Tech Park",
    "Industrial Park",
    "Resort",
    "Plaza",
    "Garden City",
    "Tower",
    "Compound",
    "Villas",
    "Economic Zone",
    "Building",
    "Hotel & Casino",
    "Business Center",
)

# The world's clock: reports arrive over two years ending at 2026-11-01.
SPAN_DAYS = 730
FIRST_DAY = "2024-11-01"


@dataclass(frozen=True, slots=True)
class Compound:
    id: str
    name: str
    place: Place


@dataclass(frozen=True, slots=True)
class Campaign:
    index: int
    id: str
    compound: Compound
    scam_type: ScamType
    targets: tuple[str, ...]  # victim countries, main first
    target_cum: tuple[float, ...]  # cumulative weights of `targets`
    start: float  # fraction of the span
    duration: float  # fraction of the span
    expected_reports: float


MAX_CAMPAIGNS = 16_000


def campaign_count(reports: int) -> int:
    """About one campaign per 250 reports; beyond four million reports campaigns grow larger
    instead of more numerous, so the campaigns active at one moment always fit the pool cache."""
    return min(MAX_CAMPAIGNS, max(24, round(reports / 250)))


def compound_count(campaigns: int) -> int:
    return max(len(PLACES), campaigns // 20)


_TYPES = tuple(PROFILES)
_TYPE_CUM = tuple(accumulate(p.weight for p in PROFILES.values()))
_TARGET_COUNT_CUM = tuple(accumulate((0.3, 0.35, 0.22, 0.13)))


class World:
    """The compounds and the schedule of the campaigns of one (reports, seed)."""

    def __init__(self, reports: int, seed: int) -> None:
        self.seed = seed
        self.reports = reports
        n_campaigns = campaign_count(reports)
        n_compounds = compound_count(n_campaigns)
        rng = random.Random(f"{seed}:compounds")
        place_cum = tuple(accumulate(p.weight for p in PLACES))
        per_place: dict[str, int] = {}
        compounds: list[Compound] = []
        for k in range(n_compounds):
            # Every place has at least one compound; the rest follow the places' weights.
            if k < len(PLACES):
                place = PLACES[k]
            else:
                place = PLACES[bisect(place_cum, rng.random() * place_cum[-1])]
            number = per_place.get(place.code, 0) + 1
            per_place[place.code] = number
            name = f"{rng.choice(_NAME_FIRST)} {rng.choice(_NAME_SECOND)}"
            compounds.append(Compound(f"{place.country}-{place.code}-{number:02d}", name, place))
        self.compounds: tuple[Compound, ...] = tuple(compounds)
        # Some compounds run many campaigns, most a few.
        self._compound_cum = tuple(
            accumulate(min(rng.paretovariate(1.3), 25.0) for _ in range(n_compounds))
        )

        # The schedule: campaign c starts near c / n (so the active ones are a sliding window),
        # lasts two weeks to a year, and draws reports in proportion to a heavy-tailed size.
        sched = random.Random(f"{seed}:schedule")
        lead = 0.25  # campaigns already running when the span begins
        self.start = array("d")
        self.duration = array("d")
        self.size = array("d")
        for c in range(n_campaigns):
            self.start.append((c + sched.random()) / n_campaigns * (1 + lead) - lead)
            self.duration.append(math.exp(sched.uniform(math.log(0.02), math.log(0.5))))
            self.size.append(min(sched.paretovariate(1.2), 60.0))
        total_size = sum(self.size)
        self._report_share = reports / total_size
        # However small the world, every country is some campaign's main target and every scam
        # type of the taxonomy has a campaign (spread over the span).
        countries, types = list(COUNTRIES), _TYPES
        self._forced_target = {
            (2 * i + 1) * n_campaigns // (2 * len(countries)): c for i, c in enumerate(countries)
        }
        # ... and every compound runs at least one campaign (while there are campaigns enough).
        self._forced_compound: dict[int, int] = {}
        for k in range(min(n_compounds, n_campaigns)):
            at = ((2 * k + 1) * n_campaigns // (2 * n_compounds) + 2) % n_campaigns
            while at in self._forced_compound:
                at = (at + 1) % n_campaigns
            self._forced_compound[at] = k
        self._forced_type = {
            (2 * i + 1) * n_campaigns // (2 * len(types)) + 1: t for i, t in enumerate(types)
        }

    @property
    def campaign_total(self) -> int:
        return len(self.start)

    def campaign(self, index: int) -> Campaign:
        """The campaign `index`, recomputed from the seed (cheap; callers cache it)."""
        rng = random.Random(f"{self.seed}:campaign:{index}")
        cum = self._compound_cum
        compound = self.compounds[bisect(cum, rng.random() * cum[-1])]
        forced_compound = self._forced_compound.get(index)
        if forced_compound is not None:
            compound = self.compounds[forced_compound]
        scam_type = _TYPES[bisect(_TYPE_CUM, rng.random() * _TYPE_CUM[-1])]
        scam_type = self._forced_type.get(index, scam_type)
        profile = PROFILES[scam_type]
        codes = list(COUNTRIES)
        weights = [COUNTRIES[c].target_weight * profile.targets.get(c, 1.0) for c in codes]
        count = bisect(_TARGET_COUNT_CUM, rng.random() * _TARGET_COUNT_CUM[-1]) + 1
        targets: list[str] = []
        while len(targets) < count:
            pick_cum = tuple(accumulate(weights))
            i = bisect(pick_cum, rng.random() * pick_cum[-1])
            targets.append(codes[i])
            weights[i] = 0.0
        forced = self._forced_target.get(index)
        if forced is not None and targets[0] != forced:
            targets = [forced, *(t for t in targets if t != forced)][:count]
        share = [1.0] + [rng.uniform(0.15, 0.7) for _ in targets[1:]]
        return Campaign(
            index=index,
            id=f"C-{index:06d}",
            compound=compound,
            scam_type=scam_type,
            targets=tuple(targets),
            target_cum=tuple(accumulate(share)),
            start=self.start[index],
            duration=self.duration[index],
            expected_reports=self.size[index] * self._report_share,
        )
