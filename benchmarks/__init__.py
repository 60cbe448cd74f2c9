"""Benchmarks run by `make bench` (never by the tests): figures go into docs/performance.md."""
