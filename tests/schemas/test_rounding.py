"""ROUND's float shortcut agrees with rounding the 15-digit decimal with Decimal."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from baocao.schemas._values import round_decimal
from hypothesis import given, settings
from hypothesis import strategies as st


def reference(x: float, places: int) -> float:
    """Half away from zero on the value's 15 significant digits (LibreOffice)."""
    exact = Decimal(format(x, ".15g"))
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


@settings(max_examples=600, deadline=None)
@given(
    x=st.one_of(
        st.floats(-1e12, 1e12, allow_nan=False),
        st.integers(-(10**9), 10**9).map(lambda n: n / 1000),
        st.integers(-(10**7), 10**7).map(lambda n: n / 200),
        st.decimals(-(10**6), 10**6, places=7).map(float),
    ),
    places=st.integers(0, 10),
)
def test_fast_path_matches_decimal(x: float, places: int) -> None:
    assert round_decimal(x, places) == reference(x, places)


def test_known_ties() -> None:
    assert round_decimal(2.675, 2) == 2.68
    assert round_decimal(-2.5, 0) == -3.0
    assert round_decimal(1.005, 2) == 1.01
