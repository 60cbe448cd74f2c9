"""The campaign graph as the browser draws it: reports and indicators as nodes, sightings as
edges, cut to a size a person can read with a clear "showing N of M".

The store picks the newest visible reports (at most its cap) with their sightings; this module
keeps at most `max_edges` sightings (report by report, so a shown report keeps all its edges
while there is room) and the indicators they reach, and says what was left out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scamlink.store.campaign_views import GraphData

MAX_GRAPH_REPORTS = 150
MAX_GRAPH_EDGES = 1200


def graph_json(
    data: GraphData,
    *,
    report_href: Callable[[int], str],
    indicator_href: Callable[[int], str],
    max_edges: int = MAX_GRAPH_EDGES,
) -> dict[str, Any]:
    """Cytoscape.js elements (`nodes`, `edges`) and the counts of what is shown."""
    per_report: dict[int, int] = {}
    for sighting in data.sightings:
        per_report[sighting.report_id] = per_report.get(sighting.report_id, 0) + 1
    kept_reports: list[int] = []
    room = max_edges
    for report in data.reports:
        needed = per_report.get(report.id, 0)
        if needed > room and kept_reports:
            break
        kept_reports.append(report.id)
        room -= needed
    keep = set(kept_reports)
    edges = [x for x in data.sightings if x.report_id in keep][:max_edges]
    reached = {x.indicator_id for x in edges}
    nodes: list[dict[str, Any]] = [
        {
            "data": {
                "id": f"r{report.id}",
                "kind": "report",
                "label": f"{report.agency} {report.external_id}",
                "country": report.victim_country,
                "scam_type": report.scam_type,
                "href": report_href(report.id),
            }
        }
        for report in data.reports
        if report.id in keep
    ]
    nodes += [
        {
            "data": {
                "id": f"i{indicator.id}",
                "kind": "indicator",
                "label": indicator.display,
                "type": indicator.type,
                "hub": indicator.hub,
                "href": indicator_href(indicator.id),
            }
        }
        for indicator in data.indicators
        if indicator.id in reached
    ]
    return {
        "nodes": nodes,
        "edges": [
            {
                "data": {
                    "id": f"s{x.report_id}-{x.indicator_id}",
                    "source": f"r{x.report_id}",
                    "target": f"i{x.indicator_id}",
                    "role": x.role,
                }
            }
            for x in edges
        ],
        "shown_reports": len(keep),
        "total_reports": data.total_reports,
        "shown_sightings": len(edges),
        "total_sightings": len(data.sightings),
        "truncated": len(keep) < data.total_reports or len(edges) < len(data.sightings),
    }
