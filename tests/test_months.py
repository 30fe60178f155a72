"""Month arithmetic (generator/months.py), worked by hand."""

from datetime import date

from generator import months


def test_shift_crosses_years_both_ways():
    assert months.shift("2026-01", -1) == "2025-12"
    assert months.shift("2026-09", -12) == "2025-09"
    assert months.shift("2025-12", 1) == "2026-01"
    assert months.previous_month("2024-03") == "2024-02"


def test_month_days_know_leap_years():
    assert months.month_days("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert months.month_days("2026-02")[1] == date(2026, 2, 28)
    assert months.month_days("2026-07")[1] == date(2026, 7, 31)
