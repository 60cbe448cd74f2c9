from __future__ import annotations

from scamlink.sharing.agencies import REFERENCE_AGENCIES
from scamlink.sharing.groups import REFERENCE_GROUPS, ReleaseDirectory


def test_the_reference_groups_of_the_brief() -> None:
    groups = {g.name: g for g in REFERENCE_GROUPS}
    assert groups["KR-KH desk"].members == {"KNPA", "CNP", "KDESK"}
    assert groups["ASEANAPOL all"].members == {a.code for a in REFERENCE_AGENCIES}
    assert len({g.id for g in REFERENCE_GROUPS}) == len(REFERENCE_GROUPS)


def test_the_directory_resolves_codes_names_and_ids_case_insensitively() -> None:
    directory = ReleaseDirectory(frozenset({"RTP"}), {"kr-kh desk": "kr-kh-desk"})
    assert directory.resolve("rtp") == ("agency", "RTP")
    assert directory.resolve("KR-KH Desk") == ("group", "kr-kh-desk")
    assert directory.resolve("CNP") is None
    assert ReleaseDirectory().resolve("RTP") is None
