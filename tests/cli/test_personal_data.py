from __future__ import annotations

import base64
import json
from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from scamlink.config import Settings
from scamlink.sharing.keystore import KeyStore
from scamlink.sharing.personal_data import PersonalData
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.victims import add_victim, read_victim
from scamlink.store import audit as audit_rows
from scamlink.store.reports import store_reports
from scamlink.store.schema import victims
from scamlink.store.victims import key_versions_in_use
from tests.cli.conftest import Invoke
from tests.factories import make_report

KNPA = Viewer("KNPA", Role.ANALYST, user_id=1)


def test_rotate_key_re_encrypts_and_keeps_records_readable(
    invoke: Invoke, settings: Settings, engine: Engine
) -> None:
    keystore = KeyStore(settings.data_dir, environ={})
    with engine.begin() as conn:
        people = [PersonalData(name=f"V{i}", date_of_birth=date(1990, 1, i + 1)) for i in range(5)]
        refs = [add_victim(conn, keystore, KNPA, person).ref for person in people]
    result = invoke("personal-data", "rotate-key", "--agency", "knpa", "--batch", "2")
    assert result.exit_code == 0, result.output
    assert (
        "KNPA: rotated to key v2; re-encrypted 5 victim record(s); retired keys: v1"
        in result.stdout
    )
    assert "batch 3: re-encrypted 5 victim record(s)" in result.stderr
    assert set(keystore.data_keys("KNPA").keys) == {2}
    with engine.begin() as conn:
        assert key_versions_in_use(conn, "KNPA") == {2: 5}
        names = [read_victim(conn, keystore, KNPA, ref) for ref in refs]
        actions = [e.action for e in audit_rows.latest_entries(conn, limit=20)]
    assert [v.personal.name if v else None for v in names] == [f"V{i}" for i in range(5)]
    assert "personal_data.rotate_key" in actions


def test_rotate_key_of_an_unknown_agency_is_refused(invoke: Invoke) -> None:
    result = invoke("personal-data", "rotate-key", "--agency", "NOPE")
    assert result.exit_code == 2
    assert "error: unknown agency NOPE" in result.output


def test_rotate_key_refuses_a_zero_batch(invoke: Invoke) -> None:
    result = invoke("personal-data", "rotate-key", "--agency", "KNPA", "--batch", "0")
    assert result.exit_code == 2
    assert "--batch" in result.output


def test_group_key_create_export_import(invoke: Invoke, settings: Settings) -> None:
    created = invoke("personal-data", "group-key", "create", "kr-kh-desk")
    assert created.exit_code == 0, created.output
    exported = invoke("personal-data", "group-key", "export", "kr-kh-desk")
    assert exported.exit_code == 0, exported.output
    key_text = exported.stdout.strip()
    assert len(base64.b64decode(key_text)) == 32
    assert KeyStore(settings.data_dir, environ={}).group_key("kr-kh-desk") == base64.b64decode(
        key_text
    )
    # Another installation (here: another group name in the same data dir) imports it.
    imported = invoke("personal-data", "group-key", "import", "copy", input=key_text + "\n")
    assert imported.exit_code == 0, imported.output
    assert KeyStore(settings.data_dir, environ={}).group_key("copy") == base64.b64decode(key_text)
    again = invoke("personal-data", "group-key", "create", "kr-kh-desk")
    assert again.exit_code == 2
    assert "already exists" in again.output


def test_group_key_errors_are_one_line(invoke: Invoke) -> None:
    bad = invoke("personal-data", "group-key", "import", "g1", input="not base64!")
    assert bad.exit_code == 2
    assert bad.output.strip() == "error: the key of group g1 is not valid base64"
    missing = invoke("personal-data", "group-key", "export", "g2")
    assert missing.exit_code == 2
    assert "error: no key for sharing group g2" in missing.output
    named = invoke("personal-data", "group-key", "create", "../x")
    assert named.exit_code == 2
    assert "sharing group name" in named.output


ADD = ("personal-data", "add-victim", "--agency")
VICTIM_JSON = json.dumps(
    {
        "name": "김민준",
        "date_of_birth": "1990-01-02",
        "nationality": "kr",
        "id_number": "M12345678",
        "phone": "010-1234-5678",
    }
)


def test_add_victim_then_match_across_agencies(
    invoke: Invoke, settings: Settings, engine: Engine
) -> None:
    with engine.begin() as conn:
        store_reports(conn, [make_report("K-1"), make_report("C-9", agency="CNP")])
    assert invoke("personal-data", "group-key", "create", "kr-kh-desk").exit_code == 0
    ours = invoke(*ADD, "KNPA", "--report", "K-1", input=VICTIM_JSON)
    assert ours.exit_code == 0, ours.output
    assert "pseudonyms made for: kr-kh-desk" in ours.stderr
    ours_ref = ours.stdout.strip()
    romanised = {"name": "KIM Min-jun", "date_of_birth": "1990-01-02", "phone": "+82 10 1234 5678"}
    theirs = invoke(*ADD, "cnp", "--report", "C-9", input=json.dumps(romanised))
    assert theirs.exit_code == 0, theirs.output
    theirs_ref = theirs.stdout.strip()
    found = invoke("personal-data", "matches", ours_ref, "--agency", "KNPA")
    assert found.exit_code == 0, found.output
    assert "CNP" in found.stdout
    assert theirs_ref in found.stdout
    assert "name_dob" in found.stdout
    assert "phone" in found.stdout
    assert "김민준" not in found.output
    assert "KIM" not in found.output
    # The victim is stored encrypted, readable by its agency, and linked to its report.
    keystore = KeyStore(settings.data_dir, environ={})
    with engine.begin() as conn:
        read = read_victim(conn, keystore, KNPA, ours_ref)
        actions = [e.action for e in audit_rows.latest_entries(conn, limit=10)]
    assert read is not None
    assert read.personal.name == "김민준"
    assert read.personal.nationality == "KR"
    assert len(read.report_ids) == 1
    assert actions.count("personal_data.create") == 2
    # Another agency asking about our victim learns nothing.
    assert invoke("personal-data", "matches", ours_ref, "--agency", "CNP").stdout == "no matches\n"


def test_add_victim_without_group_keys_makes_no_pseudonyms(invoke: Invoke) -> None:
    added = invoke("personal-data", "add-victim", "--agency", "KNPA", input=VICTIM_JSON)
    assert added.exit_code == 0, added.output
    assert "pseudonyms made for: none" in added.stderr
    ref = added.stdout.strip()
    assert invoke("personal-data", "matches", ref, "--agency", "KNPA").stdout == "no matches\n"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("not json", "standard input is not JSON"),
        ("[1]", "expected one JSON object"),
        ('{"surname": "x"}', "unknown field(s) surname"),
        ('{"name": 5}', "field name must be a string"),
        ('{"name": "  "}', "the victim has no personal data"),
        ('{"name": "A", "date_of_birth": "02/01/1990"}', "date_of_birth must be YYYY-MM-DD"),
        ('{"name": "A", "nationality": "Korea"}', "alpha-2"),
    ],
)
def test_add_victim_bad_input_is_one_line(invoke: Invoke, given: str, message: str) -> None:
    result = invoke("personal-data", "add-victim", "--agency", "KNPA", input=given)
    assert result.exit_code == 2
    assert result.output.startswith("error: ")
    assert message in result.output


def test_add_victim_to_another_agencys_report_is_refused(invoke: Invoke, engine: Engine) -> None:
    with engine.begin() as conn:
        store_reports(conn, [make_report("C-9", agency="CNP")])
    result = invoke(*ADD, "KNPA", "--report", "C-9", input=VICTIM_JSON)
    assert result.exit_code == 2
    assert "error: agency KNPA has no report C-9" in result.output
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(victims)) == 0


def test_add_victim_for_an_unknown_agency_is_refused(invoke: Invoke) -> None:
    result = invoke("personal-data", "add-victim", "--agency", "NOPE", input=VICTIM_JSON)
    assert result.exit_code == 2
    assert "error: unknown agency NOPE" in result.output
