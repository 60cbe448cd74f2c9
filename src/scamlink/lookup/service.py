"""The answer to "has this been reported?" for one viewer: verdict, canonical key, type, and the
facts the viewer may see.

Every answer says the verdict with the canonical key and type (or why the value is invalid),
the verdicts of the related keys (a URL's domain and registered domain, a bare handle on every
platform), a phone's country and line type, an internationalised domain's two forms. Then:
- the public gets the PUBLIC standing only (the index's high nibble: TLP:CLEAR reports, verified,
  received before the embargo's cutoff) and no facts: the store is never asked;
- a signed-in caller (staff, partners, their API keys) gets the verdict and the facts of the
  reports and listings the sharing policy lets them see, read from the store
  (`store.lookup.facts_for`, through `store.visibility` as the campaign pages do). The index's
  members' standing (any report of any marking: its low nibble) only says which values are
  worth asking the store about; a value known only from reports the caller may not see (an
  AMBER report of another agency, say) answers "unknown", as if it were not there.
A warninglisted value is safe-listed for everyone (`warninglist_hit`, which also covers a
subdomain of a listed domain).

The verdict of a value is its own, raised by a related key that is worse: a new link on a
reported domain answers "reported" (`via` names the part: "domain", "registered_domain",
"platform"). Safe-listed and invalid values keep their own verdict.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy import Connection, Engine

from scamlink.indicators import Indicator, IndicatorType
from scamlink.indicators.warninglists import warninglist_hit
from scamlink.lookup.batch_read import PHONE_FACTS, PhoneRead, read_phones
from scamlink.lookup.keys import key_hash
from scamlink.lookup.live import LiveIndex
from scamlink.lookup.query import (
    Detected,
    DomainForms,
    InvalidQuery,
    PhoneFacts,
    detect,
)
from scamlink.lookup.verdict import Standing, Verdict
from scamlink.sharing.roles import Viewer
from scamlink.store import lookup as store
from scamlink.store.lookup import CampaignShare, Facts

MAX_BATCH = 10_000


class CodeSource(Protocol):
    """Where an answer reads a key's index code: the `MembershipIndex`, or while it is being
    built the store's codes of the keys asked (`LiveIndex.codes_from_store`)."""

    def code(self, hash64: int) -> int | None: ...

    def codes(self, hashes: Sequence[int]) -> list[int]:
        """Each hash's code, 0 where unknown (a batch's keys at once)."""
        ...


_SEVERITY = {Verdict.REPORTED: 3, Verdict.SUSPICIOUS: 2, Verdict.UNKNOWN: 1}


@dataclass(frozen=True, slots=True)
class KeyVerdict:
    part: str  # "value", or the related part: "domain", "registered_domain", "platform", "host"
    type: str
    canonical: str
    display: str
    verdict: Verdict
    warninglist: str | None = None


@dataclass(frozen=True, slots=True)
class SeenFacts:
    """What the caller may see of the value (signed-in callers; visible reports only)."""

    reports: int
    verified_reports: int
    agencies: list[tuple[str, int]]
    countries: list[tuple[str, int]]
    scam_types: list[tuple[str, int]]
    roles: list[tuple[str, int]]
    first_seen: datetime | None
    last_seen: datetime | None
    campaigns: list[CampaignShare]
    listings: list[str]


@dataclass(slots=True)  # not frozen: a batch builds 10,000 (treat as read-only)
class Answer:
    query: str
    type: str | None
    canonical: str | None
    display: str | None
    verdict: Verdict
    reason: str | None = None  # why the value is invalid
    via: str | None = None  # the related part that raised the verdict
    warninglist: str | None = None
    related: tuple[KeyVerdict, ...] = field(default=())
    phone: PhoneFacts | None = None
    domain: DomainForms | None = None
    facts: SeenFacts | None = None
    own_verdict: Verdict | None = None  # the value's own, before a related key raised it


def _most_first(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def _seen(facts: Facts) -> SeenFacts:
    return SeenFacts(
        reports=facts.reports,
        verified_reports=facts.verified,
        agencies=_most_first(facts.agencies),
        countries=_most_first(facts.countries),
        scam_types=_most_first(facts.scam_types),
        roles=_most_first(facts.roles),
        first_seen=facts.first_seen,
        last_seen=facts.last_seen,
        campaigns=list(facts.campaigns),
        listings=sorted(facts.listings),
    )


def key_verdict(index: CodeSource, indicator: Indicator, viewer: Viewer) -> Verdict:
    """One canonical key's verdict for this viewer (no facts)."""
    if warninglist_hit(indicator) is not None:
        return Verdict.SAFE_LISTED
    members, public = _BY_CODE[index.code(key_hash(indicator.value)) or 0]
    return public if viewer.is_public else members


def _verdicts(code: int) -> tuple[Verdict, Verdict]:
    members, public = code & 0x0F, code >> 4
    known = {int(s): s.verdict for s in Standing}
    return known.get(members, Verdict.UNKNOWN), known.get(public, Verdict.UNKNOWN)


# (members, public) verdicts of every index byte: one list index instead of two enum calls.
_BY_CODE: tuple[tuple[Verdict, Verdict], ...] = tuple(_verdicts(code) for code in range(256))


@dataclass(frozen=True, slots=True)
class _Key:
    """One canonical key of a read value, with its answer per verdict made once, when first
    needed (a batch of 10,000 known values then builds no objects but the answers)."""

    part: str
    indicator: Indicator
    hash64: int
    listed: str | None
    by_verdict: dict[Verdict, KeyVerdict]
    # On a value's main key: its answers by the identities of its keys' verdicts (those are
    # made once each, above), so a value read before answers with no new object.
    answers: dict[tuple[int, ...], Answer]

    def answer(self, verdict: Verdict) -> KeyVerdict:
        found = self.by_verdict.get(verdict)
        if found is None:
            i = self.indicator
            found = KeyVerdict(self.part, i.type.value, i.value, i.display, verdict, self.listed)
            self.by_verdict[verdict] = found
        return found


def _prepared_key(part: str, indicator: Indicator) -> _Key:
    return _Key(part, indicator, key_hash(indicator.value), warninglist_hit(indicator), {}, {})


@lru_cache(maxsize=1 << 15)  # ≈ 1.4 KB a value with the indicators library's own caches
def _read(text: str, country: str | None) -> tuple[Detected, tuple[_Key, ...]]:
    """A value read (`query.detect`) with what answering it needs besides the index, once per
    (text, country): each key's hash and warninglist. InvalidQuery is raised, never cached."""
    detected = detect(text, country)
    parts = [("value", detected.indicator)] if detected.indicator is not None else []
    parts += [(r.part, r.indicator) for r in detected.related]
    return detected, tuple(_prepared_key(part, indicator) for part, indicator in parts)


def _key(index: CodeSource, key: _Key, public: bool) -> KeyVerdict:
    if key.listed is not None:
        return key.answer(Verdict.SAFE_LISTED)
    members, public_verdict = _BY_CODE[index.code(key.hash64) or 0]
    return key.answer(public_verdict if public else members)


def _answer(index: CodeSource, text: str, country: str | None, viewer: Viewer) -> Answer:
    detected, keys = _read(text, country)
    if detected.indicator is None:
        return Answer(
            detected.query,
            detected.type.value if detected.type is not None else None,
            None,
            None,
            Verdict.INVALID,
            reason=detected.reason,
        )
    public = viewer.is_public
    main = _key(index, keys[0], public)
    related = tuple(_key(index, key, public) for key in keys[1:])
    made = keys[0].answers
    which = (id(main), *map(id, related))
    found = made.get(which)
    if found is not None:
        return found
    verdict, via = _raised(main.verdict, related)
    made[which] = answer = Answer(
        detected.query,
        main.type,
        main.canonical,
        main.display,
        verdict,
        None,
        via,
        main.warninglist,
        related,
        detected.phone,
        detected.domain,
        own_verdict=main.verdict,
    )
    return answer


def _raised(own: Verdict, related: Sequence[KeyVerdict]) -> tuple[Verdict, str | None]:
    """A value's verdict raised by a worse related key (a new link on a reported domain)."""
    verdict, via = own, None
    if verdict in _SEVERITY:
        for other in related:
            if _SEVERITY.get(other.verdict, 0) > _SEVERITY[verdict]:
                verdict, via = other.verdict, other.part
    return verdict, via


def _invalid(text: str, problem: InvalidQuery) -> Answer:
    shown = text if len(text) <= 200 else text[:200] + "…"
    return Answer(shown, None, None, None, Verdict.INVALID, reason=str(problem))


# The batch values read by `batch_read`, per country (None: the value is read the long way):
# a partner asking again is not read again. `_PHONES_MAX` values in all; when a batch's new
# values would pass the bound, the memory starts afresh with them (no per-value eviction: a
# batch of 10,000 new values pays one clear). The reads are tuples of strings and numbers,
# which the cyclic collector stops tracking: the memory leaves it nothing to walk.
_PHONES: dict[str | None, dict[str, PhoneRead | None]] = {}
_PHONES_MAX = 1 << 15  # values of all countries together (≈ 0.3 KB each)
_PHONES_LOCK = threading.Lock()
_UNREAD: Any = object()


def _phones_read(texts: list[str], country: str | None) -> list[PhoneRead | None]:
    """Each text's phone reading, those not read before read now (and remembered)."""
    known = _PHONES.get(country)
    if known is None:
        with _PHONES_LOCK:
            known = _PHONES.setdefault(country, {})
    # Readers need no lock: a value dropped meanwhile is only read again.
    got = [known.get(text, _UNREAD) for text in texts]
    unread = [i for i, read in enumerate(got) if read is _UNREAD]
    if not unread:
        return got
    new_texts = [texts[i] for i in unread]
    fresh = read_phones(new_texts, country)
    for i, read in zip(unread, fresh, strict=True):
        got[i] = read
    kept = list(zip(new_texts, fresh, strict=True))[-_PHONES_MAX:]
    with _PHONES_LOCK:  # writers take turns
        if sum(len(reads) for reads in _PHONES.values()) + len(kept) > _PHONES_MAX:
            _PHONES.clear()
            known = _PHONES.setdefault(country, {})
        known.update(kept)
    return got


def _answers(
    index: CodeSource, texts: list[str], country: str | None, viewer: Viewer
) -> list[Answer]:
    """`_answer_or_invalid` of each text (distinct), before the facts: the phone numbers
    `batch_read` reads in one pass, and the index asked for all their keys at once, the rest
    one by one."""
    reads = _phones_read(texts, country)
    codes = iter(index.codes([read[5] for read in reads if read is not None]))
    which = 1 if viewer.is_public else 0  # _BY_CODE's (members, public)
    by_code = _BY_CODE
    safe = Verdict.SAFE_LISTED
    facts = PHONE_FACTS
    answers: list[Answer] = []
    append = answers.append
    for text, read in zip(texts, reads, strict=True):
        if read is None:  # not plainly a phone number: read the long way
            append(_answer_or_invalid(index, text, country, viewer))
            continue
        code = next(codes)
        # _key: a warninglisted key is safe-listed whatever the index says
        verdict = safe if read[3] is not None else by_code[code][which]
        # `_answer` of a phone number: no related keys, so its own verdict
        append(
            Answer(
                read[0],
                "phone",
                read[1],
                read[2],
                verdict,
                None,
                None,
                read[3],
                (),
                facts[read[4]],
                None,
                own_verdict=verdict,
            )
        )
    return answers


def _answer_or_invalid(index: CodeSource, text: str, country: str | None, viewer: Viewer) -> Answer:
    try:
        return _answer(index, text, country, viewer)
    except InvalidQuery as problem:
        return _invalid(text, problem)


class LookupService:
    """Answers over one store's live index (the web app and the CLI each hold one)."""

    def __init__(self, engine: Engine, live: LiveIndex) -> None:
        self.engine = engine
        self.live = live

    def lookup(self, text: str, viewer: Viewer, country: str | None = None) -> Answer:
        """One value; InvalidQuery for text that cannot be a value (shells answer 4xx)."""
        country = country.upper() if country else None
        index = self.live.current()
        if index is None:  # being built: the store answers (I/O; shells call from a thread)
            _, keys = _read(text, country)
            source: CodeSource = self.live.codes_from_store(k.indicator for k in keys)
        else:
            source = index
        answer = _answer(source, text, country, viewer)
        return self._with_facts([answer], viewer)[0]

    def lookup_many(
        self, texts: Sequence[str], viewer: Viewer, country: str | None = None
    ) -> list[Answer]:
        """Up to `MAX_BATCH` values, answered in order; a value that cannot be read answers
        `invalid` with the reason. The index answers every value; the store is asked once
        (per 500 values), for the facts of the values the index knows — never for the
        unknown ones, never for the public. Plain phone numbers, most of a partner's batch,
        are read in one pass (`batch_read`: the same answers, ≈ 6 µs a value instead of 40)."""
        if len(texts) > MAX_BATCH:
            raise ValueError(f"at most {MAX_BATCH} values in one batch, not {len(texts)}")
        country = country.upper() if country else None
        index: CodeSource | None = self.live.current()
        if index is None:
            index = self._store_codes(texts, country)
        # A value repeated in the batch is answered once (the same Answer object each time).
        distinct = list(dict.fromkeys(texts))
        answers = _answers(index, distinct, country, viewer)
        seen = self._with_facts(answers, viewer)
        if len(answers) == len(texts):
            return seen
        final = dict(zip(distinct, seen, strict=True))
        return [final[text] for text in texts]

    def _store_codes(self, texts: Sequence[str], country: str | None) -> CodeSource:
        """While the index is built: the codes of every key of these values, from the store in
        a few set-based statements (per 500 keys)."""
        keys: list[Indicator] = []
        distinct = list(dict.fromkeys(texts))
        for text, read in zip(distinct, _phones_read(distinct, country), strict=True):
            if read is not None:  # a phone number's one key
                keys.append(Indicator(IndicatorType.PHONE, read[1], read[2]))
                continue
            try:
                _, prepared = _read(text, country)
            except InvalidQuery:
                continue
            keys.extend(k.indicator for k in prepared)
        return self.live.codes_from_store(keys)

    def _with_facts(self, answers: list[Answer], viewer: Viewer) -> list[Answer]:
        if viewer.is_public:
            return answers
        # Only answers with a key the index knows can change (most of a batch is unknown).
        ask = _ASK_STORE
        asking = [
            i
            for i, a in enumerate(answers)
            if a.own_verdict in ask or (a.related and _asks_store(a))
        ]
        wanted = {
            (key.type, key.canonical)
            for i in asking
            for key in _keys_of(answers[i])
            if key.verdict in _ASK_STORE
        }
        if not wanted:
            return answers
        with self.engine.connect() as conn:
            facts = _facts(conn, viewer, sorted(wanted))
        seen = list(answers)
        for i in asking:
            seen[i] = _as_seen(answers[i], facts)
        return seen


# Verdicts worth the store's facts: a known value's (reported/suspicious for members of any
# marking), and a safe-listed one's (officers still see who reported it).
_ASK_STORE = frozenset({Verdict.REPORTED, Verdict.SUSPICIOUS, Verdict.SAFE_LISTED})


def _asks_store(answer: Answer) -> bool:
    """Whether any key of the answer has a verdict worth the store's facts; the others are
    answered by the index alone (their `_as_seen` would change nothing)."""
    if answer.own_verdict in _ASK_STORE:
        return True
    return any(k.verdict in _ASK_STORE for k in answer.related)


def _keys_of(answer: Answer) -> list[KeyVerdict]:
    if answer.type is None or answer.canonical is None or answer.own_verdict is None:
        return []
    own = KeyVerdict(
        "value", answer.type, answer.canonical, answer.display or "", answer.own_verdict
    )
    return [own, *answer.related]


def _seen_verdict(verdict: Verdict, facts: SeenFacts | None) -> Verdict:
    """The verdict the caller's visible reports and listings give (safe-listed and invalid
    stay as they are)."""
    if verdict not in (Verdict.REPORTED, Verdict.SUSPICIOUS):
        return verdict
    if facts is None:
        return Verdict.UNKNOWN
    if facts.verified_reports or facts.listings:
        return Verdict.REPORTED
    return Verdict.SUSPICIOUS if facts.reports else Verdict.UNKNOWN


def _as_seen(answer: Answer, facts: dict[tuple[str, str], SeenFacts]) -> Answer:
    if answer.own_verdict is None or answer.type is None or answer.canonical is None:
        return answer
    own_facts = facts.get((answer.type, answer.canonical))
    related = tuple(
        replace(k, verdict=_seen_verdict(k.verdict, facts.get((k.type, k.canonical))))
        for k in answer.related
    )
    verdict, via = _raised(_seen_verdict(answer.own_verdict, own_facts), related)
    return replace(answer, verdict=verdict, via=via, related=related, facts=own_facts)


def _facts(
    conn: Connection, viewer: Viewer, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], SeenFacts]:
    ids = store.indicator_ids(conn, keys)
    found = store.facts_for(conn, viewer, ids.values())
    return {key: _seen(found[i]) for key, i in ids.items() if i in found}


def _head(answer: Answer) -> dict[str, Any]:
    """The keys every answer's JSON starts with (the verdict's value read directly: a batch
    asks it 10,000 times)."""
    return {
        "query": answer.query,
        "type": answer.type,
        "canonical": answer.canonical,
        "display": answer.display,
        "verdict": answer.verdict._value_,
    }


def answer_json(answer: Answer) -> dict[str, Any]:
    """One answer as JSON (the API's body, the CLI's `--json`); times in UTC."""
    body = _head(answer)
    if answer.reason is not None:
        body["reason"] = answer.reason
    if answer.via is not None:
        body["verdict_from"] = answer.via
    if answer.warninglist is not None:
        body["warninglist"] = answer.warninglist
    if answer.related:
        body["related"] = [
            {
                "part": k.part,
                "type": k.type,
                "canonical": k.canonical,
                "display": k.display,
                "verdict": k.verdict.value,
            }
            for k in answer.related
        ]
    if answer.phone is not None:
        body["phone"] = {"country": answer.phone.country, "line_type": answer.phone.line_type}
    if answer.domain is not None:
        body["domain"] = {
            "unicode": answer.domain.unicode,
            "a_label": answer.domain.a_label,
            "mixed_scripts": answer.domain.mixed_scripts,
            "scripts": list(answer.domain.scripts),
        }
    facts = answer.facts
    if facts is not None:
        body["facts"] = {
            "reports": facts.reports,
            "verified_reports": facts.verified_reports,
            "agencies": dict(facts.agencies),
            "countries": dict(facts.countries),
            "scam_types": dict(facts.scam_types),
            "roles": dict(facts.roles),
            "first_seen": _utc(facts.first_seen) if facts.first_seen else None,
            "last_seen": _utc(facts.last_seen) if facts.last_seen else None,
            "campaigns": [
                {"id": c.id, "reports": c.reports, "size": c.size} for c in facts.campaigns
            ],
            "listings": facts.listings,
        }
    return body


def answers_json(answers: Sequence[Answer]) -> list[dict[str, Any]]:
    """`answer_json` of each answer, for a batch (10,000 answers, to be encoded at once).

    An answer the batch repeats (one object: `lookup_many`) is made once. A plain answer — no
    reason, raised verdict, related keys, domain or facts: a phone number's, most of a
    partner's batch — is laid out here directly, with the same keys in the same order, and
    answers with the same phone facts share one `phone` object: ≈ 0.4 µs an answer instead of
    1. The bodies are for encoding: they must not be changed."""
    made: dict[int, dict[str, Any]] = {}
    phones: dict[int, dict[str, Any]] = {}
    shown: list[dict[str, Any]] = []
    append = shown.append
    for answer in answers:
        if (
            answer.related
            or answer.reason is not None
            or answer.via is not None
            or answer.domain is not None
            or answer.facts is not None
        ):
            body = made.get(id(answer))
            if body is None:
                body = made[id(answer)] = answer_json(answer)
            append(body)
            continue
        body = _head(answer)  # then answer_json's keys for such an answer
        if answer.warninglist is not None:
            body["warninglist"] = answer.warninglist
        facts = answer.phone
        if facts is not None:
            phone = phones.get(id(facts))
            if phone is None:
                phone = phones[id(facts)] = {"country": facts.country, "line_type": facts.line_type}
            body["phone"] = phone
        append(body)
    return shown


def _utc(when: datetime) -> str:
    """ISO 8601 in UTC (SQLite hands back naive times, which are UTC)."""
    aware = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return aware.isoformat()
