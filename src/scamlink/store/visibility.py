"""The sharing policy as a SQL condition on the reports table."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_

from scamlink.sharing.policy import visibility
from scamlink.sharing.roles import Viewer
from scamlink.store.schema import reports


def visible_reports(viewer: Viewer) -> ColumnElement[bool]:
    rule = visibility(viewer)
    anyone = reports.c.tlp.in_(sorted(rule.any_owner)) if rule.any_owner else false()
    if rule.own_agency is None or not rule.own_markings:
        return anyone
    own = and_(reports.c.agency == rule.own_agency, reports.c.tlp.in_(sorted(rule.own_markings)))
    return or_(anyone, own)
