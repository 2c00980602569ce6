"""Hypothesis strategies shared by the property tests: hostile JSON/YAML-like data."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

HUGE = 10**300
"""Huge, but below Python's 4300-digit int-to-str limit (that case has its own tests)."""

numbers = (st.integers() | st.integers(-HUGE, HUGE) | st.sampled_from([0, -1, 2**31, 2**63, -2**63])
           | st.floats(allow_nan=True, allow_infinity=True) | st.floats(-1e6, 1e6)
           | st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, -0.0, 5e-324]))
texts = (st.text(max_size=12) | st.text(min_size=200, max_size=400)
         | st.sampled_from(["", " ", "21", "1e400", "nan", "true", "null", "\x00", "é", "℃",
                            "\u202e", "🚗", "\ufeff", "0x10", "-1"]))
scalars = st.none() | st.booleans() | numbers | texts
"""Every JSON/YAML scalar, with the nasty ones over-represented."""


def trees(keys: st.SearchStrategy[Any], max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Nested dicts and lists of `scalars` whose dict keys come from `keys`."""
    return st.recursive(
        scalars,
        lambda inner: (st.lists(inner, max_size=4)
                       | st.dictionaries(keys, inner, max_size=5)),
        max_leaves=max_leaves)
