"""Lookup: "has this been reported?" — verdicts for any pasted value, from an in-memory index.

`keys` fixes how a canonical key becomes a hash (the contract private clients implement),
`verdict` what an answer can say, `index` the membership index that answers in microseconds.
"""
