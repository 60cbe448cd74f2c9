"""The synthetic Korea–ASEAN scam world (the brief's training scenario).

`generate(out_dir, reports, seed)` writes, deterministically (same arguments, same bytes) and in
bounded memory (streamed, whatever `reports` is):

* ``reports-<AGENCY>.csv`` for each of the eleven reporting agencies, in the public bulk-import
  format (`scamlink.interop.report_csv.COLUMNS`): victims' reports to their own police in their
  own language, with the values written the way people write them;
* ``truth.csv`` — ``agency,external_id,compound,campaign,victim`` for every report: which compound
  and campaign produced it, and which reports come from the same victim;
* ``benign.csv`` — ``kind,value,country``: the widely shared benign values mixed into reports
  (bank hotlines, platform links, exchange hot wallets) that must never link them.

Modules: `world` (compounds, campaigns, their schedule), `scams` (how each scam type shows),
`countries`, `pools` and `numbers` (each campaign's indicators), `writing` (how people write
them), `narratives` (one phrasebook per language), `money`, `benign`, `generator` (the writer),
`noise` (what the noisy world adds: format variants, breaking typos, warninglisted values,
second reports to the Korea Desk), `scoring` (the store's campaigns against truth.csv).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scamlink.demo.generator import GenerationSummary, generate

__all__ = ["GenerationSummary", "generate"]


def __getattr__(name: str) -> Any:
    # Imported on first use: `scamlink.demo.load` (and the CLI through it) need not pay for the
    # generator's tables.
    if name in __all__:
        from scamlink.demo import generator

        return getattr(generator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
