from __future__ import annotations

from tests.cli.conftest import Invoke


def test_agencies_lists_the_brief(invoke: Invoke) -> None:
    result = invoke("agencies")
    assert result.exit_code == 0, result.output
    for code in ("KNPA", "CNP", "RTP", "MPS", "POLRI", "PNP", "PDRM", "SPF", "LPF", "MPF"):
        assert code in result.output
    assert "KDESK" in result.output
    assert "ASEANAPOL" in result.output


def test_agencies_add_then_list(invoke: Invoke) -> None:
    added = invoke("agencies", "add", "INTERPOL", "--name", "Interpol IGCI", "--country", "sg")
    assert added.exit_code == 0, added.output
    listed = invoke("agencies")
    assert "INTERPOL" in listed.output
    assert "Interpol IGCI" in listed.output


def test_adding_an_existing_code_is_refused(invoke: Invoke) -> None:
    result = invoke("agencies", "add", "KNPA", "--name", "x", "--country", "KR")
    assert result.exit_code == 2
    assert "error: agency KNPA already exists" in result.output


def test_bad_country_is_named(invoke: Invoke) -> None:
    result = invoke("agencies", "add", "NEW", "--name", "x", "--country", "Korea")
    assert result.exit_code == 2
    assert "alpha-2" in result.output
