"""Benchmarks for the range-ring tool: ``python -m benchmarks [--quick]`` from the repo root.

Every timing is a median over repeated runs; every comparison is a ratio of two
medians taken in the same run. Each section runs in its own Python process so
that caches (``lru_cache``, ``st.cache_data``) and imports of one section do
not flatter the next. See ``docs/benchmarks.md``.
"""
