"""scamlink: linking scam reports across Korea and ASEAN."""

__version__ = "0.1.0"
