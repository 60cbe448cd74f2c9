"""Address labels (`/api/v1/labels`): list, add or change, delete — for agency staff.

Reading: every member agency's staff (admins, analysts, investigators, desk officers; an API
key needs the `read` scope). Changing: analysts and investigators, only their own agency's
labels (an API key needs the `report` scope). Partners and the public: 403 and 401. Every change
is audited (`tracing/labelling.py`). Problems are `{"error": {"code", "message", "field"}}`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from scamlink.indicators.types import InvalidIndicator
from scamlink.sharing.api_keys import Scope
from scamlink.sharing.roles import Viewer
from scamlink.store.labels import get_label, list_labels
from scamlink.tracing.labelling import (
    LabelRefused,
    label_json,
    may_edit,
    may_read,
    remove_label,
    save_label,
)
from scamlink.tracing.model import Category, Chain, Label
from scamlink.tracing.tagpacks import canonical_address
from scamlink.web.api import API_V1
from scamlink.web.errors import error_body, error_code
from scamlink.web.i18n import N_
from scamlink.web.scopes import require_scope
from scamlink.web.state import web_state

router = APIRouter(tags=["tracing"])

NOT_FOR_YOU = N_("Address labels are for the staff of member agencies.")
NOT_EDITOR = N_("Only analysts and investigators may change address labels.")
CHAINS = ", ".join(c.value for c in Chain)
CATEGORIES = ", ".join(c.value for c in Category)

RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in, or the API key was refused"},
    403: {"description": "Not allowed (role, API key scope, another agency's label)"},
    404: {"description": "No label for that address"},
    422: {"description": "Bad input, with its field"},
}


def _reader(viewer: Annotated[Viewer, Depends(require_scope(Scope.READ))]) -> Viewer:
    if not may_read(viewer):
        raise HTTPException(status_code=403, detail=NOT_FOR_YOU)
    return viewer


def _editor(viewer: Annotated[Viewer, Depends(require_scope(Scope.REPORT))]) -> Viewer:
    if not may_edit(viewer):
        raise HTTPException(status_code=403, detail=NOT_EDITOR)
    return viewer


Reader = Annotated[Viewer, Depends(_reader)]
Editor = Annotated[Viewer, Depends(_editor)]


class LabelBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    chain: str = Field(description=f"One of: {CHAINS}")
    address: str = Field(max_length=200)
    label: str = Field(max_length=200)
    category: str = Field(description=f"One of: {CATEGORIES}")
    source: str = Field(max_length=500, description="Where the attribution comes from")
    confidence: int = Field(default=50, description="0–100")
    verified: bool = False


def _problem(status: int, message: str, field: str | None = None) -> JSONResponse:
    return JSONResponse(error_body(error_code(status), message, field=field), status_code=status)


def _chain(text: str) -> Chain:
    try:
        return Chain(text.strip().lower())
    except ValueError:
        raise ValueError(f"unknown chain {text!r}; use one of {CHAINS}") from None


def _label(body: LabelBody) -> Label | JSONResponse:
    try:
        chain = _chain(body.chain)
    except ValueError as e:
        return _problem(422, str(e), "chain")
    try:
        address = canonical_address(chain, body.address).value
    except InvalidIndicator as e:
        return _problem(422, str(e), "address")
    try:
        category = Category(body.category.strip().lower())
    except ValueError:
        return _problem(
            422, f"unknown category {body.category!r}; use one of {CATEGORIES}", "category"
        )
    if not body.label.strip():
        return _problem(422, "the label is empty", "label")
    if not body.source.strip():
        return _problem(422, "say where the attribution comes from", "source")
    if not 0 <= body.confidence <= 100:
        return _problem(422, f"{body.confidence} is outside 0–100", "confidence")
    return Label(
        chain,
        address,
        body.label.strip(),
        category,
        body.source.strip(),
        body.confidence,
        body.verified,
    )


@router.get(f"{API_V1}/labels", responses=RESPONSES)
def get_labels(
    request: Request,
    viewer: Reader,
    chain: str | None = None,
    category: str | None = None,
    address: str | None = None,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> JSONResponse:
    """Labels in creation order (keyset pages: `after` = the last `id` seen); `address` (with
    `chain`) answers for one address."""
    wanted: Chain | None = None
    if chain is not None:
        try:
            wanted = _chain(chain)
        except ValueError as e:
            return _problem(422, str(e), "chain")
    kind: Category | None = None
    if category is not None:
        try:
            kind = Category(category.strip().lower())
        except ValueError:
            return _problem(
                422, f"unknown category {category!r}; use one of {CATEGORIES}", "category"
            )
    with web_state(request).engine.connect() as conn:
        if address is not None:
            if wanted is None:
                return _problem(422, "give the chain of the address", "chain")
            try:
                canonical = canonical_address(wanted, address).value
            except InvalidIndicator as e:
                return _problem(422, str(e), "address")
            found = get_label(conn, wanted, canonical)
            rows = [] if found is None else [found]
        else:
            rows = list_labels(conn, wanted, category=kind, limit=limit, after_id=after)
    items = [{"id": r.id, **label_json(r)} for r in rows]
    return JSONResponse({"labels": items, "next_after": rows[-1].id if rows else None})


@router.post(f"{API_V1}/labels", responses=RESPONSES, status_code=201)
def post_label(request: Request, viewer: Editor, body: LabelBody) -> JSONResponse:
    """Add a label (201), or change one your agency created (200)."""
    label = _label(body)
    if isinstance(label, JSONResponse):
        return label
    try:
        with web_state(request).engine.begin() as conn:
            row, new = save_label(conn, viewer, label)
    except LabelRefused as e:
        return _problem(e.status, str(e), "address")
    return JSONResponse({"id": row.id, **label_json(row)}, status_code=201 if new else 200)


@router.delete(f"{API_V1}/labels/{{chain}}/{{address}}", responses=RESPONSES)
def delete_label(request: Request, viewer: Editor, chain: str, address: str) -> JSONResponse:
    """Delete a label your agency created."""
    try:
        wanted = _chain(chain)
    except ValueError as e:
        return _problem(422, str(e), "chain")
    try:
        canonical = canonical_address(wanted, address).value
    except InvalidIndicator as e:
        return _problem(422, str(e), "address")
    try:
        with web_state(request).engine.begin() as conn:
            old = remove_label(conn, viewer, wanted, canonical)
    except LabelRefused as e:
        return _problem(e.status, str(e), "address")
    return JSONResponse({"deleted": label_json(old)})
