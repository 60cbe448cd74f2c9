"""What an API key may do: a route names the scope it needs; sessions are not limited by it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from scamlink.sharing.api_keys import Scope
from scamlink.sharing.roles import Viewer
from scamlink.web.auth import signed_in_viewer
from scamlink.web.bearer import key_scopes
from scamlink.web.i18n import N_

SCOPE_MISSING = N_("The API key does not allow this request.")


def require_scope(scope: Scope) -> Callable[..., Viewer]:
    """A dependency: the signed-in viewer, refused with 403 when its API key lacks `scope`."""

    def check(request: Request, viewer: Annotated[Viewer, Depends(signed_in_viewer)]) -> Viewer:
        scopes = key_scopes(request)
        if scopes is not None and scope not in scopes:
            raise HTTPException(status_code=403, detail=SCOPE_MISSING)
        return viewer

    return check


ReadingViewer = Annotated[Viewer, Depends(require_scope(Scope.READ))]
