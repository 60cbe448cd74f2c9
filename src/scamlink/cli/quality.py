"""`scamlink link quality WORLD`: the store's campaigns scored against a world's ground truth."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from scamlink.cli.progress import progress_bar
from scamlink.config import load_settings
from scamlink.store.database import opened_store
from scamlink.store.stats import total_reports

if TYPE_CHECKING:  # the scoring pulls in the demo world and the importers: only when asked
    from scamlink.demo.scoring import JoinedMerge, WorldScore
    from scamlink.linking.quality import BCubed

# The goals (a wrong merge misleads an investigation more than a missed one).
GOAL_PRECISION = 0.98
GOAL_F1_DEFAULT = 0.97
GOAL_F1_NOISY = 0.93


def quality(
    world: Annotated[Path, typer.Argument(help="Folder written by 'scamlink demo generate'")],
    worst: Annotated[int, typer.Option("--worst", min=0, help="Merges to explain")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON")] = False,
) -> None:
    """B-cubed precision, recall and F1 of the campaigns against the world's truth.csv."""
    from scamlink.demo.scoring import score_world

    with opened_store(load_settings()) as engine:
        with engine.connect() as conn:
            stored = total_reports(conn)
        with progress_bar("reading campaigns", stored) as advance:
            score = score_world(engine, world, worst=worst, progress=advance)
    if as_json:
        typer.echo(json.dumps(_as_json(score), ensure_ascii=False))
    else:
        _print(Console(), world, score)


def _scores(b: BCubed) -> dict[str, Any]:
    return {
        "precision": round(b.precision, 6),
        "recall": round(b.recall, 6),
        "f1": round(b.f1, 6),
        "true_clusters": b.true_clusters,
        "predicted_clusters": b.predicted_clusters,
        "split": b.split,
        "merged": b.merged,
    }


def _merge_json(joined: JoinedMerge) -> dict[str, Any]:
    merge = joined.merge
    return {
        "campaign": merge.predicted if isinstance(merge.predicted, int) else None,
        "size": merge.size,
        "precision_loss": round(merge.precision_loss, 3),
        "true_campaigns": [{"campaign": str(t), "reports": n} for t, n in merge.parts],
        "joined_by": [
            {
                "type": b.type,
                "value": b.value,
                "true_campaigns": b.true_campaigns,
                "reports": b.reports,
                "links": b.links,
            }
            for b in joined.bridges
        ],
    }


def _as_json(score: WorldScore) -> dict[str, Any]:
    return {
        "reports": score.truth_reports,
        "missing": score.missing,
        "unknown": score.unknown,
        "unlinked": score.unlinked,
        "alone": score.alone,
        "why_alone": asdict(score.why_alone),
        "campaign": _scores(score.campaigns),
        "compound": _scores(score.compounds),
        "worst_merges": [_merge_json(j) for j in score.worst_merges],
    }


def _print(console: Console, world: Path, score: WorldScore) -> None:
    console.print(
        f"{score.truth_reports:,} reports in {world}: {score.missing:,} not in the store, "
        f"{score.unlinked:,} stored outside any campaign, {score.unknown:,} stored reports "
        f"not in the truth; {score.alone:,} linked to no other report"
    )
    table = Table("against", "precision", "recall", "F1", "true", "predicted", "split", "merged")
    for name, b in (("campaigns", score.campaigns), ("compounds", score.compounds)):
        table.add_row(
            name,
            f"{b.precision:.4f}",
            f"{b.recall:.4f}",
            f"{b.f1:.4f}",
            f"{b.true_clusters:,}",
            f"{b.predicted_clusters:,}",
            f"{b.split:,}",
            f"{b.merged:,}",
        )
    console.print(table)
    why = score.why_alone
    console.print(
        f"linked to no other report: {why.narrative_only:,} with values only in the narrative, "
        f"{why.unreadable:,} whose values were all left out, {why.not_linking:,} with "
        f"warninglisted or hub values only, {why.unshared:,} whose values no other report "
        "shares"
    )
    console.print(
        f"goals: precision ≥ {GOAL_PRECISION}, F1 ≥ {GOAL_F1_DEFAULT} (default world) "
        f"or ≥ {GOAL_F1_NOISY} (noisy world); split = true campaigns spread over several, "
        "merged = predicted campaigns holding several"
    )
    if not score.worst_merges:
        return
    console.print("worst merges (precision lost, in reports):")
    for joined in score.worst_merges:
        merge = joined.merge
        parts = ", ".join(f"{t} ×{n}" for t, n in merge.parts[:6])
        more = f", … {len(merge.parts) - 6} more" if len(merge.parts) > 6 else ""
        console.print(
            f"  campaign {merge.predicted} ({merge.size} reports, −{merge.precision_loss:.1f}): "
            f"{parts}{more}",
            highlight=False,
        )
        for bridge in joined.bridges:
            note = " (does not link: hub or warninglisted)" if bridge.links is False else ""
            console.print(
                f"    joined by {bridge.type} {bridge.value}: in {bridge.true_campaigns} of them, "
                f"{bridge.reports} reports{note}",
                highlight=False,
                markup=False,
            )
