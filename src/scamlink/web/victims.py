"""JSON routes for victims' personal data: the owning agency's own staff only, every read
audited (`sharing.victims.read_victim`). A victim that is absent and one the caller may not
read are the same 404."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from scamlink.sharing.keystore import KeyStore
from scamlink.sharing.victims import read_victim
from scamlink.web.scopes import ReadingViewer
from scamlink.web.state import web_state

API_V1 = "/api/v1"

router = APIRouter()


class VictimOut(BaseModel):
    ref: str
    agency: str
    name: str | None
    date_of_birth: date | None
    nationality: str | None
    id_number: str | None
    phone: str | None
    address: str | None
    family_contact: str | None
    reports: int


@router.get(
    f"{API_V1}/victims/{{ref}}",
    tags=["victims"],
    responses={401: {"description": "Not signed in"}, 404: {"description": "No such victim"}},
)
def victim(request: Request, ref: str, viewer: ReadingViewer) -> VictimOut:
    """A victim's personal data, for staff of the owning agency (not partners); audited."""
    state = web_state(request)
    keystore = KeyStore(state.settings.data_dir)
    with state.engine.begin() as conn:
        found = read_victim(conn, keystore, viewer, ref)
    if found is None:
        raise HTTPException(status_code=404)
    p = found.personal
    return VictimOut(
        ref=found.ref,
        agency=found.agency,
        name=p.name,
        date_of_birth=p.date_of_birth,
        nationality=p.nationality,
        id_number=p.id_number,
        phone=p.phone,
        address=p.address,
        family_contact=p.family_contact,
        reports=len(found.report_ids),
    )
