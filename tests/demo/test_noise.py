"""The noisy world's noise: variants keep the value, typos break it, benign values are on the
warninglists, victims go to the Korea Desk too, and the same seed gives the same bytes."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scamlink.cli.app import app
from scamlink.demo import generate, noise
from scamlink.demo.noise import Noise
from scamlink.indicators import FieldKind, IndicatorType, InvalidIndicator, parse_field
from scamlink.indicators.warninglists import warninglist_hit
from scamlink.interop.report_csv import INDICATOR_COLUMNS, VALUE_SEPARATOR
from scamlink.sharing.agencies import REFERENCE_AGENCIES
from tests.demo.conftest import GeneratedWorld

COUNTRY = {a.code: a.country for a in REFERENCE_AGENCIES}


def _canonical(column: FieldKind, text: str, country: str) -> frozenset[str] | None:
    try:
        return frozenset(f"{i.type.value}:{i.value}" for i in parse_field(column, text, country))
    except InvalidIndicator:
        return None


def _written(world: GeneratedWorld) -> Iterator[tuple[FieldKind, str, str]]:
    """(column, value as written, agency country) of every readable value of the default world."""
    for agency, row in world.all_rows():
        for column, (kind, _) in INDICATOR_COLUMNS.items():
            for text in row[column].split(VALUE_SEPARATOR):
                if text.strip():
                    yield kind, text, COUNTRY[agency]


def _variant(n: Noise, column: str, country: str) -> Callable[[str], str]:
    return {
        "phones": lambda t: n.phone(t, country),
        "urls": n.url,
        "emails": n.email,
        "wallets": n.wallet,
        "bank_accounts": n.account,
        "handles": n.handle,
    }[column]


def test_every_format_variant_reads_back_as_the_same_indicators(world: GeneratedWorld) -> None:
    n = Noise(3)
    changed: Counter[str] = Counter()
    for column, text, country in _written(world):
        before = _canonical(column, text, country)
        if before is None:
            continue  # the default world's own rare typos
        for _ in range(2):
            written = _variant(n, column, country)(text)
            assert _canonical(column, written, country) == before, (column, text, written)
            changed[column] += written != text
    # Every column gets rewritten (a handle behind a phone number or a Kakao code stays).
    assert all(changed[c] > 50 for c in INDICATOR_COLUMNS), changed


@pytest.mark.parametrize(
    ("text", "country", "variants"),
    [
        ("+82 10-1234-5678", "KR", {"010", "001 82", "１０", "."}),
        ("081 234 5678", "TH", {"０８１", "081.234.5678", "0812345678"}),
        ("https://kbstar-secure.com/login", "KR", {"[.]", "hxxps", "(.)", "[dot]", "{.}"}),
    ],
)
def test_variants_include_what_people_actually_type(
    text: str, country: str, variants: set[str]
) -> None:
    n = Noise(5)
    column = "urls" if "://" in text else "phones"
    seen = " | ".join(_variant(n, column, country)(text) for _ in range(300))
    assert all(v in seen for v in variants), (variants, seen)


def test_a_broken_value_never_reads_back_as_the_value(world: GeneratedWorld) -> None:
    n = Noise(4)
    breakers = {
        "phones": n.break_digits,
        "bank_accounts": n.break_digits,
        "wallets": n.break_wallet,
        "urls": n.break_host,
        "emails": n.break_name,
        "handles": n.break_name,
    }
    outcomes: Counter[tuple[str, str]] = Counter()
    for column, text, country in _written(world):
        before = _canonical(column, text, country)
        if before is None:
            continue
        broken = breakers[column](text)
        if broken == text:
            continue  # too short to break, or a Kakao open-chat code
        after = _canonical(column, broken, country)
        assert after != before, (column, text, broken)
        outcomes[column, "invalid" if after is None else "another"] += 1
    # A changed digit mostly makes another valid number or account: the dangerous kind.
    assert outcomes["phones", "another"] > outcomes["phones", "invalid"]
    assert outcomes["bank_accounts", "another"] > 0
    assert outcomes["urls", "another"] > 0


@pytest.mark.parametrize(
    "address",
    [
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    ],
)
def test_a_broken_checksummed_wallet_is_not_an_indicator(address: str) -> None:
    n = Noise(6)
    for _ in range(50):
        broken = n.break_wallet(f"TRC20: {address}")
        assert broken != f"TRC20: {address}"
        assert _canonical("wallets", broken, "KR") is None, broken


def test_a_broken_lower_case_eth_address_is_another_address() -> None:
    address = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
    broken = Noise(7).break_wallet(address)
    after = _canonical("wallets", broken, "KR")
    assert after is not None
    assert after != _canonical("wallets", address, "KR")


def test_every_sprinkled_benign_value_is_on_a_warninglist() -> None:
    rows = noise.listing()
    assert {kind for kind, _, _ in rows} == {"phones", "urls", "handles", "wallets"}
    for column, value, country in rows:
        kind: FieldKind = column  # type: ignore[assignment]
        found = parse_field(kind, value, country or "KR")
        assert any(warninglist_hit(i) for i in found), (kind, value)


def test_sprinkling_adds_warninglisted_values_of_every_kind() -> None:
    n = Noise(8)
    added: defaultdict[str, list[str]] = defaultdict(list)
    for _ in range(400):
        phones: list[str] = []
        urls: list[str] = []
        wallets: list[str] = []
        handles: list[str] = []
        n.sprinkle("TH", phones, urls, wallets, handles)
        for column, values in (
            ("phones", phones),
            ("urls", urls),
            ("wallets", wallets),
            ("handles", handles),
        ):
            added[column].extend(values)
    assert all(added[c] for c in ("phones", "urls", "wallets", "handles"))
    for column, values in added.items():
        kind: FieldKind = column  # type: ignore[assignment]
        for value in values:
            assert any(warninglist_hit(i) for i in parse_field(kind, value, "TH")), value
    # A hotline of the reporting agency's own country.
    assert all(v.startswith("+66") for v in added["phones"])


def test_korean_victims_report_to_knpa_and_the_korea_desk_in_korean(
    noisy_world: GeneratedWorld,
) -> None:
    truth = noisy_world.truth()
    by_victim: defaultdict[str, list[dict[str, str]]] = defaultdict(list)
    for t in truth:
        by_victim[t["victim"]].append(t)
    desk_pairs = [
        reports
        for reports in by_victim.values()
        if {r["agency"] for r in reports} == {"KNPA", "KDESK"}
    ]
    assert len(desk_pairs) > 10
    for first, second in desk_pairs:
        assert first["campaign"] == second["campaign"]
        assert first["compound"].startswith("KH-")
    desk_rows = noisy_world.rows("KDESK")
    assert len(desk_rows) == noisy_world.summary.per_agency["KDESK"] > 0
    assert {r["language"] for r in desk_rows} == {"ko"}
    assert {r["victim_country"] for r in desk_rows} == {"KR"}


def test_the_default_world_has_no_korea_desk_file(world: GeneratedWorld) -> None:
    assert not (world.path / "reports-KDESK.csv").exists()
    assert "KDESK" not in world.summary.per_agency
    with (world.path / "benign.csv").open(encoding="utf-8") as f:
        kinds = {row["kind"] for row in csv.DictReader(f)}
    assert "handles" not in kinds  # noise.listing() is the noisy world's only


def test_the_noisy_world_lists_the_warninglisted_values_it_uses(
    noisy_world: GeneratedWorld,
) -> None:
    with (noisy_world.path / "benign.csv").open(encoding="utf-8") as f:
        listed = {(row["kind"], row["value"]) for row in csv.DictReader(f)}
    assert {(kind, value) for kind, value, _ in noise.listing()} <= listed


def test_the_noisy_world_has_more_broken_and_rewritten_values(
    world: GeneratedWorld, noisy_world: GeneratedWorld
) -> None:
    def full_width_share(w: GeneratedWorld) -> float:
        values = [text for column, text, _ in _written(w) if column == "phones"]
        return sum(1 for v in values if "－" in v or "０" in v) / len(values)

    assert full_width_share(noisy_world) > 2 * full_width_share(world)


def test_same_seed_same_noisy_bytes_and_another_seed_other_bytes(tmp_path: Path) -> None:
    def files(seed: int, name: str) -> dict[str, bytes]:
        out = tmp_path / name
        generate(out, 600, seed, profile="noisy")
        return {p.name: p.read_bytes() for p in sorted(out.iterdir())}

    first = files(5, "a")
    assert first == files(5, "b")
    assert first["truth.csv"] != files(6, "c")["truth.csv"]
    assert "reports-KDESK.csv" in first


def test_the_phone_type_of_a_dropped_country_code_is_the_reporting_country() -> None:
    n = Noise(9)
    written = {n.phone("+66 81 234 5678", "TH") for _ in range(200)}
    national = [w for w in written if w.startswith("0") and not w.startswith("00")]
    assert national
    for w in national:
        found = parse_field("phones", w, "TH")
        assert [(i.type, i.value) for i in found] == [(IndicatorType.PHONE, "+66812345678")]


def test_the_command_line_noise_option_writes_the_noisy_world(tmp_path: Path) -> None:
    args = ["demo", "generate", "--reports", "300", "--seed", "4", "--noise"]
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    generate(tmp_path / "api", 300, 4, profile="noisy")
    assert (tmp_path / "cli" / "truth.csv").read_bytes() == (
        tmp_path / "api" / "truth.csv"
    ).read_bytes()
    generate(tmp_path / "plain", 300, 4)
    assert (tmp_path / "cli" / "truth.csv").read_bytes() != (
        tmp_path / "plain" / "truth.csv"
    ).read_bytes()
