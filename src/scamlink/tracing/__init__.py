"""Crypto tracing (issue 8): transfers in, address labels, taint models, cash-out points.

Pure logic over `model.py`'s records. The engine reads the chain through the small
`source.TransferSource` protocol, so the same trace runs over the store (`store/transfers.py`)
and over an in-memory set of transfers (tests, the synthetic world's ground truth).
"""
