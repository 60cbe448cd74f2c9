"""Administration pages: the audit log of the administrator's own agency.

An agency admin sees the entries whose actor belongs to their agency and those that touched
their agency's accounts or data (for example a failed sign-in to one of its accounts, or an
operator creating one of its users from the command line). Entries of other agencies, and
attempts on e-mail addresses that match no account, are seen only by the operators through
`scamlink audit tail`.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from scamlink.sharing.audit import status
from scamlink.sharing.checkpoints import signing_key
from scamlink.sharing.roles import Role
from scamlink.store.audit import latest_entries
from scamlink.web.auth import SIGN_IN_REQUIRED, CurrentUser
from scamlink.web.i18n import N_
from scamlink.web.rendering import render
from scamlink.web.state import web_state

ADMINS_ONLY = N_("Only your agency's administrators may see this page.")
SHOWN = 100

router = APIRouter(include_in_schema=False)


@router.get("/admin/audit", name="admin_audit", response_class=HTMLResponse)
def audit_page(request: Request, user: CurrentUser) -> HTMLResponse:
    if user is None:
        raise HTTPException(status_code=401, detail=SIGN_IN_REQUIRED)
    if user.role is not Role.ADMIN:
        raise HTTPException(status_code=403, detail=ADMINS_ONLY)
    state = web_state(request)
    key = signing_key(state.settings.data_dir)
    with state.engine.connect() as conn:
        chain = status(conn, key)
        entries = latest_entries(conn, limit=SHOWN, agency=user.agency)
    return render(request, "admin_audit.html", user=user, chain=chain, entries=entries)
