"""The errors of cases, referrals, evidence and notifications in the reader's language.

`cases.*` raise `CaseError`s in English: the CLI prints them and scripts may match them. The
API and the pages read each message against the patterns below and answer with its
translation, the values it quotes (statuses, agencies, field names, numbers) kept as written
and the `field` unchanged; a message no pattern knows is given as it is (as
`web/problem_reasons.py` does for rejected import rows).
"""

from __future__ import annotations

from collections.abc import Callable

from scamlink.web.i18n import N_
from scamlink.web.message_patterns import MessagePattern, translate_message
from scamlink.web.message_patterns import pattern as _p

# The first full match wins. Groups are named after the msgid's placeholders; the groups in
# _NESTED are themselves phrases, translated through _PHRASES.
PATTERNS: tuple[MessagePattern, ...] = (
    _p(r"no such case", N_("no such case")),
    _p(r"no such referral", N_("no such referral")),
    _p(r"no such task", N_("no such task")),
    _p(r"no such subscription", N_("no such subscription")),
    _p(r"no such (?P<kind>\w+) (?P<num>\d+)", N_("no such %(kind)s %(num)s")),
    _p(r"sign in to work on cases", N_("sign in to work on cases")),
    _p(
        r"only officers \(analysts, investigators, desk officers\) work on cases",
        N_("only officers (analysts, investigators, desk officers) work on cases"),
    ),
    _p(r"(?P<field>\w+) is required", N_("%(field)s is required")),
    _p(
        r"(?P<field>\w+) is longer than (?P<num>\d+) characters",
        N_("%(field)s is longer than %(num)s characters"),
    ),
    _p(
        r"(?P<field>\w+) must be a two-letter country code \(ISO 3166-1\)",
        N_("%(field)s must be a two-letter country code (ISO 3166-1)"),
    ),
    _p(r"latitude must be between -90 and 90", N_("latitude must be between -90 and 90")),
    _p(r"longitude must be between -180 and 180", N_("longitude must be between -180 and 180")),
    _p(r"a (?P<kind>\w+) names what to act on", N_("a %(kind)s names what to act on")),
    _p(
        r"the assignee must be a user of the owning agency",
        N_("the assignee must be a user of the owning agency"),
    ),
    _p(
        r"minutes must be a whole number from 1 to (?P<num>\d+)",
        N_("minutes must be a whole number from 1 to %(num)s"),
    ),
    # The workflow (cases/workflow.py).
    _p(r"the case is already (?P<status>\w+)", N_("the case is already %(status)s")),
    _p(
        r"a case cannot go from (?P<status>\w+) to (?P<target>\w+) "
        r"\(from (?P=status): (?P<allowed>.*)\)",
        N_("a case cannot go from %(status)s to %(target)s (from %(status)s: %(allowed)s)"),
    ),
    _p(
        r"(?P<status>\w+) → (?P<target>\w+) happens only (?P<how>.+)",
        N_("%(status)s → %(target)s happens only %(how)s"),
    ),
    _p(
        r"only (?P<who>.+) may move a case to (?P<target>\w+)",
        N_("only %(who)s may move a case to %(target)s"),
    ),
    _p(
        r"moving a case to (?P<target>\w+) needs one of the roles (?P<roles>.+)",
        N_("moving a case to %(target)s needs one of the roles %(roles)s"),
    ),
    _p(
        r"a reason is required to move a case to (?P<target>\w+)",
        N_("a reason is required to move a case to %(target)s"),
    ),
    # Referrals (cases/policy.py, cases/service.py).
    _p(r"only the owning agency refers a case", N_("only the owning agency refers a case")),
    _p(
        r"a case cannot be referred to its own agency",
        N_("a case cannot be referred to its own agency"),
    ),
    _p(
        r"a referral cannot be marked wider than its case \((?P<value>[^)]*)\)",
        N_("a referral cannot be marked wider than its case (%(value)s)"),
    ),
    _p(
        r"a referral reaches an agency: RED names people, use AMBER\+STRICT",
        N_("a referral reaches an agency: RED names people, use AMBER+STRICT"),
    ),
    _p(r"unknown agency (?P<value>.+)", N_("unknown agency %(value)s")),
    _p(
        r"language must be a BCP 47 code such as ko, km or en",
        N_("language must be a BCP 47 code such as ko, km or en"),
    ),
    _p(
        r"these links are not on the case: (?P<value>.+)",
        N_("these links are not on the case: %(value)s"),
    ),
    _p(
        r"the case is already referred to (?P<agency>\S+) \(pending or accepted\)",
        N_("the case is already referred to %(agency)s (pending or accepted)"),
    ),
    _p(r"the referral was already (?P<status>\w+)", N_("the referral was already %(status)s")),
    _p(r"the referral was answered meanwhile", N_("the referral was answered meanwhile")),
    _p(
        r"only the owning agency sets a case's priority",
        N_("only the owning agency sets a case's priority"),
    ),
    _p(
        r"only the owning agency links items to a case",
        N_("only the owning agency links items to a case"),
    ),
    _p(r"the task is already done", N_("the task is already done")),
    # Notifications (cases/notifications.py, cases/notify.py).
    _p(r"sign in to manage notifications", N_("sign in to manage notifications")),
    _p(
        r"only your agency's administrators manage notifications",
        N_("only your agency's administrators manage notifications"),
    ),
    _p(r"channel must be webhook or email", N_("channel must be webhook or email")),
    _p(
        r"target must be one URL or address, without spaces",
        N_("target must be one URL or address, without spaces"),
    ),
    _p(r"(?P<value>'.*') is not an e-mail address", N_("%(value)s is not an e-mail address")),
    _p(
        r"a webhook's target must be an https:// URL",
        N_("a webhook's target must be an https:// URL"),
    ),
    _p(
        r"a webhook's URL must not hold credentials",
        N_("a webhook's URL must not hold credentials"),
    ),
    _p(
        r"unknown event (?P<value>'.*') \(one of (?P<allowed>.*)\)",
        N_("unknown event %(value)s (one of %(allowed)s)"),
    ),
    _p(r"language must be one of (?P<allowed>.+)", N_("language must be one of %(allowed)s")),
    _p(r"the subscription is already removed", N_("the subscription is already removed")),
)

# Phrases quoted inside the workflow's messages.
_PHRASES: dict[str, str] = {
    "by referring, accepting or declining a referral": N_(
        "by referring, accepting or declining a referral"
    ),
    "as a move on the board": N_("as a move on the board"),
    "the owning agency": N_("the owning agency"),
    "the agency it was referred to": N_("the agency it was referred to"),
    "the owning agency or the agency it was referred to": N_(
        "the owning agency or the agency it was referred to"
    ),
}
_NESTED = frozenset({"how", "who"})


def translate_case_error(message: str, gettext: Callable[[str], str]) -> str:
    """The message in the reader's language, or as given when no pattern knows it."""

    def phrase(name: str, value: str) -> str:
        return gettext(_PHRASES[value]) if name in _NESTED and value in _PHRASES else value

    return translate_message(message, PATTERNS, gettext, phrase)
