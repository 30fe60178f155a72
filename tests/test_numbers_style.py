"""House style of numbers (BRIEF-STYLE.md, "Words and numbers"): rates always with one
decimal, gaps as the difference of the rates shown, money of a trillion or more in
trillions. Expected strings are written by hand."""

from __future__ import annotations

import pytest

from generator import numbers


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (0.04, "4.0%"),
        (0.12, "12.0%"),
        (0.0823, "8.2%"),
        (0.03949, "3.9%"),
        (0.0395, "4.0%"),  # half up, as a reader rounds (not float's 3.9)
        (0.0, "0.0%"),
        (-0.0123, "−1.2%"),
        (0.10049, "10.0%"),
    ],
)
def test_a_rate_has_one_decimal(x, text):
    assert numbers.rate(x) == text


def test_a_share_keeps_the_share_style():
    assert numbers.pct(0.23) == "23%" and numbers.pct(0.018) == "1.8%"


@pytest.mark.parametrize(
    ("high", "low", "gap"),
    [
        (0.08249, 0.04, "4.2 points"),  # 8.2 − 4.0
        (0.0815, 0.0396, "4.2 points"),  # 8.2 (half up) − 4.0; unrounded 4.19
        (0.08249, 0.03951, "4.2 points"),  # 8.2 − 4.0; unrounded 4.298 would say 4.3
        (0.1204, 0.0456, "7.4 points"),  # 12.0 − 4.6
        (0.0461, 0.0451, "0.1 points"),  # 4.6 − 4.5
        (0.0455, 0.0451, "0.1 points"),  # 4.6 − 4.5 (half up), unrounded 0.04
        (0.046, 0.046, "0.0 points"),
        (0.2, 0.05, "15.0 points"),
    ],
)
def test_a_gap_is_the_difference_of_the_rates_shown(high, low, gap):
    assert numbers.rate_points(numbers.rate_gap(high, low)) == gap


def test_a_gap_keeps_its_sign_and_prints_without_it():
    g = numbers.rate_gap(0.0396, 0.0815)
    assert g == pytest.approx(-0.042, abs=1e-12)
    assert numbers.rate_points(g) == "4.2 points"
    assert numbers.rate_points(0.01) == "1.0 point"


def test_shown_rate_is_the_value_printed():
    assert numbers.shown_rate(0.08249) == pytest.approx(0.082, abs=1e-12)
    assert numbers.shown_rate(0.0395) == pytest.approx(0.040, abs=1e-12)
    assert numbers.shown_rate(None) is None


@pytest.mark.parametrize(
    ("x", "prose", "short"),
    [
        (1.2359e12, "$1.24 trillion", "$1.24T"),
        (2.598e12, "$2.60 trillion", "$2.60T"),
        (-1.046e12, "−$1.05 trillion", "−$1.05T"),
        (0.994e12, "$994 billion", "$994B"),
        (0.9996e12, "$1.00 trillion", "$1.00T"),
        (654e9, "$654 billion", "$654B"),
        (4.5e9, "$4.5 billion", "$4.5B"),
    ],
)
def test_money_of_a_trillion_or_more(x, prose, short):
    assert numbers.money(x) == prose
    assert numbers.money_short(x) == short


def test_the_filters_are_registered():
    for name in ("rate", "rate_points", "rate_gap", "shown_rate"):
        assert name in numbers.FILTERS
