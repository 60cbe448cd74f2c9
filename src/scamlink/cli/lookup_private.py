"""`scamlink lookup --private VALUE…`: the private (k-anonymity) check from the command line.

Each value is read and canonicalised here (`lookup.query.detect`), hashed, and only the first
5 hex characters of each key's SHA-256 are asked for: from a server's
`GET /api/v1/lookup/range/{prefix}` with `--server URL`, or from this machine's index when no
server is named. The suffix is matched here; the answer is the public standing only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import NoReturn

import typer
from rich.console import Console
from rich.table import Table

from scamlink.config import load_settings
from scamlink.lookup.index import MembershipIndex
from scamlink.lookup.keys import range_prefix
from scamlink.lookup.live import INDEX_FOLDER, LiveIndex
from scamlink.lookup.private import match, parse_range, range_answer
from scamlink.lookup.query import InvalidQuery, detect
from scamlink.lookup.verdict import Standing, Verdict
from scamlink.store.database import opened_store

Fetch = Callable[[str], bytes]  # prefix -> the range answer's body
TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class PrivateAnswer:
    query: str
    type: str | None
    canonical: str | None
    verdict: Verdict
    reason: str | None
    prefixes: tuple[str, ...]  # what was sent

    def as_json(self) -> dict[str, object]:
        return {
            "query": self.query,
            "type": self.type,
            "canonical": self.canonical,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "private": True,
            "prefixes_sent": list(self.prefixes),
        }


def combined(standings: list[Standing]) -> Standing:
    """A value's standing from its keys' (a URL, its domain and registered domain): reported or
    suspicious on any key wins; otherwise the main key's (a shortener's domain being safe-listed
    does not make a link on it safe)."""
    for worst in (Standing.REPORTED, Standing.SUSPICIOUS):
        if worst in standings:
            return worst
    return standings[0] if standings else Standing.UNKNOWN


def check_privately(value: str, country: str | None, fetch: Fetch) -> PrivateAnswer:
    try:
        found = detect(value, country)
    except InvalidQuery as e:
        return PrivateAnswer(value, None, None, Verdict.INVALID, str(e), ())
    if found.indicator is None:
        kind = found.type.value if found.type else None
        return PrivateAnswer(value, kind, None, Verdict.INVALID, found.reason, ())
    standings: list[Standing] = []
    prefixes: list[str] = []
    answers: dict[str, bytes] = {}
    for key in found.keys:
        prefix = range_prefix(key.value)
        if prefix not in answers:
            answers[prefix] = fetch(prefix)
            prefixes.append(prefix)
        standings.append(match(key.value, parse_range(answers[prefix], prefix)))
    main = found.indicator
    return PrivateAnswer(
        value, main.type.value, main.value, combined(standings).verdict, None, tuple(prefixes)
    )


def server_fetch(server: str) -> Fetch:
    base = server.rstrip("/")
    if not base.startswith(("http://", "https://")):
        _refuse(f"--server {server!r}: give the server's address, e.g. https://scamlink.example")

    def fetch(prefix: str) -> bytes:
        url = f"{base}/api/v1/lookup/range/{prefix}"
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                body: bytes = response.read()
                return body
        except urllib.error.HTTPError as e:
            _refuse(f"{url}: the server answered {e.code}")
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            _refuse(f"{url}: cannot reach the server ({getattr(e, 'reason', e)})")

    return fetch


def local_fetch(index: MembershipIndex, secret_key: str) -> Fetch:
    seed = hmac.new(secret_key.encode(), b"scamlink.lookup.range-padding", hashlib.sha256).digest()
    return lambda prefix: range_answer(index, prefix, seed=seed).body()


def _refuse(reason: str) -> NoReturn:
    typer.echo(f"error: {reason}", err=True)
    raise typer.Exit(2)


def private_lookup(
    values: list[str], country: str | None, server: str | None, as_json: bool
) -> None:
    """What `scamlink lookup --private` does (the flag on cli/lookup.py's command)."""
    if server is not None:
        answers = [check_privately(v, country, server_fetch(server)) for v in values]
    else:
        settings = load_settings()
        with opened_store(settings) as engine:
            live = LiveIndex(
                engine,
                settings.data_dir / INDEX_FOLDER,
                embargo=timedelta(hours=settings.lookup_embargo_hours),
                writes_snapshot=False,
            )
            fetch = local_fetch(live.ready(), settings.secret_key)
            answers = [check_privately(v, country, fetch) for v in values]
    if as_json:
        for answer in answers:
            typer.echo(json.dumps(answer.as_json(), ensure_ascii=False))
        return
    table = Table("query", "type", "canonical", "verdict (public)", "prefixes sent")
    for a in answers:
        table.add_row(
            a.query,
            a.type or "—",
            a.canonical or a.reason or "—",
            a.verdict.value,
            " ".join(a.prefixes),
        )
    Console(width=200).print(table)
