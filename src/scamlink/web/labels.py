"""Names shown for roles and for the reference agencies, marked for translation.

The store keeps each agency's name in English (the name the agencies use with each other);
the interface shows the reference agencies under their name in the reader's language. An
agency added later, or renamed, is shown under its stored name.
"""

from __future__ import annotations

from scamlink.sharing.roles import Role
from scamlink.web.i18n import N_

ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: N_("Administrator"),
    Role.ANALYST: N_("Analyst"),
    Role.INVESTIGATOR: N_("Investigator"),
    Role.DESK_OFFICER: N_("Desk officer"),
    Role.PARTNER: N_("Partner"),
}

# Keyed by agency code; the values are the English names of sharing.agencies.REFERENCE_AGENCIES
# (a test keeps the two in step).
AGENCY_NAMES: dict[str, str] = {
    "KNPA": N_("Korean National Police Agency"),
    "CNP": N_("Cambodian National Police"),
    "RTP": N_("Royal Thai Police"),
    "MPS": N_("Ministry of Public Security, Viet Nam"),
    "POLRI": N_("Indonesian National Police"),
    "PNP": N_("Philippine National Police"),
    "PDRM": N_("Royal Malaysia Police"),
    "SPF": N_("Singapore Police Force"),
    "LPF": N_("Lao People's Security Force"),
    "MPF": N_("Myanmar Police Force"),
    "RBPF": N_("Royal Brunei Police Force"),
    "ASEANAPOL": N_("ASEANAPOL Secretariat"),
    "KDESK": N_("Korea Desk, Phnom Penh (KNPA officers with CNP)"),
}


def agency_msgid(code: str, stored_name: str) -> str | None:
    """The message id to translate for this agency, or None to show the stored name as is."""
    reference = AGENCY_NAMES.get(code)
    return reference if reference == stored_name else None


# --- campaigns and indicators (issue 5) ---

SCAM_TYPE_LABELS: dict[str, str] = {
    "investment": N_("Investment"),
    "romance": N_("Romance"),
    "job_task": N_("Jobs and paid tasks"),
    "impersonation_authority": N_("Impersonating the authorities"),
    "impersonation_business": N_("Impersonating a business"),
    "loan": N_("Loan"),
    "sextortion": N_("Sextortion"),
    "phishing": N_("Phishing"),
    "ecommerce": N_("Online shopping"),
    "crypto_theft": N_("Crypto theft"),
    "other": N_("Other"),
}

SIGHTING_ROLE_LABELS: dict[str, str] = {
    "contact_phone": N_("Contact phone"),
    "phishing_link": N_("Phishing link"),
    "contact_email": N_("Contact e-mail"),
    "payment_wallet": N_("Payment wallet"),
    "payee_account": N_("Payee account"),
    "contact_handle": N_("Messaging handle"),
    "mentioned": N_("Mentioned"),
}

INDICATOR_TYPE_LABELS: dict[str, str] = {
    "phone": N_("Phone number"),
    "email": N_("E-mail address"),
    "domain": N_("Domain"),
    "url": N_("URL"),
    "btc": N_("Bitcoin address"),
    "eth": N_("Ethereum address"),
    "tron": N_("TRON address"),
    "bank_account": N_("Bank account"),
    "telegram": N_("Telegram"),
    "line": N_("LINE"),
    "kakao": N_("KakaoTalk"),
    "wechat": N_("WeChat"),
    "zalo": N_("Zalo"),
    "ipv4": N_("IPv4 address"),
    "ipv6": N_("IPv6 address"),
}
