"""Linking reports into campaigns: reports sharing a specific indicator are one campaign.

`rules` decides which indicators link; `incremental.link_reports` keeps campaigns current as
each batch of reports is stored; `rebuild` recomputes the whole partition with a batch engine
(`engine.DuckDBEngine`) and writes it back keeping campaign ids stable.
"""
