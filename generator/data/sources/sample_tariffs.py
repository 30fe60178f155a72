"""The sample's duties (step 4 of `sample`).

Base rates scaled per tier and year to the pre-2025 effective rates, China Section
301, Section 232 on the lines it covers, and the IEEPA duties (the China duty and a
tariff step solved month by month so that the non-AI effective rate follows the
target path; the AI-related rate follows) until February 23, 2026; then the Section
122 surcharge until July 24, 2026, and after it none (no extension is recorded). A
month that straddles one of these days pays each regime for its share of the month's
days, as entries made on either side of the day would.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import numpy as np

from generator.data.sources.sample_catalog import CATALOGUE as cat
from generator.data.sources.sample_flows import Flow, countries
from generator.data.sources.sample_paths import anchor_weights, month_index, month_label


@dataclass
class Tariffs:
    base: np.ndarray  # lines: base ad valorem rate
    s301: np.ndarray  # lines: Section 301 rate on China
    tier: np.ndarray  # lines: 0 AI-related, 1 medium, 2 low, 3 excluded
    k: dict[int, np.ndarray]  # year -> factor per tier
    exposed: np.ndarray  # lines: subject to the reciprocal step (not exempt)
    surcharge_exposed: np.ndarray  # lines: subject to the Section 122 surcharge
    s232: list[tuple[int, np.ndarray]]  # (first month, rate per line) in date order
    china_duty: np.ndarray  # lines: subject to the 2025 China duties
    china: np.ndarray  # partners: is China
    usmca: np.ndarray  # partners: Mexico or Canada
    reciprocal: np.ndarray  # partners: exposure from partner-specific rates
    baseline: np.ndarray  # partners: exposure before partner-specific rates

    def rate_232(self, month: int) -> np.ndarray:
        """Section 232 rate per line in a month (a later entry replaces an earlier one)."""
        out = np.zeros(self.base.size)
        for first, rate in self.s232:
            if month >= first:
                out = np.where(rate > 0, rate, out)
        return out


_TIER = {g: 0 for g in cat.ai_groups} | {"medium": 1, "low": 2, "excluded": 3}


def _scale_base_rates(t: Tariffs, fl: Flow) -> None:
    """Scale base rates per tier and year so that the expected effective rate hits."""
    targets = cat.tariffs.base_rate_targets
    weights = anchor_weights(fl.span)
    before = month_index(cat.tariffs.new_tariffs_from, "tariff")
    china = t.china
    for year in sorted(set(targets["high"]) | set(targets["low"])):
        sel = (fl.span // 12 == year) & (fl.span < before)
        coef = fl.path[:, sel] @ weights[sel]  # buckets x anchors
        expected = np.einsum("kl,klc->lc", coef[fl.bucket].T, fl.anchors)
        k = np.ones(4)
        for name, tr in (("high", 0), ("low", 2)):
            rows = t.tier == tr
            value = expected[rows].sum()
            d301 = (t.s301[rows] * expected[rows][:, china].sum(1)).sum()
            dbase = (t.base[rows, None] * ~fl.pref[rows] * expected[rows]).sum()
            k[tr] = max((targets[name][year] * value - d301) / dbase, 0.0)
        t.k[year] = k


def _section_232(fl: Flow) -> list[tuple[int, np.ndarray]]:
    codes = [ln.hs10 for ln in fl.lines]
    out = []
    for entry in sorted(cat.tariffs.section_232, key=lambda e: e.start):
        covered = np.array([code.startswith(entry.prefixes) for code in codes])
        out.append((month_index(entry.start, "section_232"), np.where(covered, entry.rate, 0.0)))
    return out


def build_tariffs(fl: Flow, codes: list[str]) -> Tariffs:
    """The rates of an import flow's lines and partners, base rates scaled to target."""
    tc = cat.tariffs
    products = [ln.base for ln in fl.lines]
    s301 = np.array(
        [tc.section_301[p.group] if p.section301 is None else p.section301 for p in products]
    )
    tier = np.array([_TIER[p.group] for p in products])
    chn, mex, can = cat.code["CHN"], cat.code["MEX"], cat.code["CAN"]
    exposed = np.array(
        [not cat.is_exempt(ln.hs10) and ln.base.chapter not in tc.reciprocal_exempt_chapters
         for ln in fl.lines]
    )  # fmt: skip
    surcharge_exposed = np.array(
        [not cat.is_surcharge_exempt(ln.hs10)
         and ln.base.chapter not in tc.surcharge_exempt_chapters for ln in fl.lines]
    )  # fmt: skip
    t = Tariffs(
        base=np.array([p.duty for p in products]),
        s301=s301,
        tier=tier,
        k={},
        exposed=exposed,
        surcharge_exposed=surcharge_exposed,
        s232=_section_232(fl),
        china_duty=tier != 3,
        china=np.array([code == chn for code in codes]),
        usmca=np.array([code in (mex, can) for code in codes]),
        reciprocal=np.array([x.reciprocal for x in countries(codes)]),
        baseline=np.array([tc.reciprocal_baseline.get(code, 1.0) for code in codes]),
    )
    _scale_base_rates(t, fl)
    return t


def day_shares(month: int) -> tuple[float, float]:
    """Shares of a month's days under the IEEPA duties and under the surcharge."""
    tc = cat.tariffs
    year, mon = month // 12, month % 12 + 1
    days = calendar.monthrange(year, mon)[1]
    first, last = date(year, mon, 1), date(year, mon, days)

    def share(start: date, end: date) -> float:
        lo, hi = max(first, start), min(last, end)
        return max((hi - lo).days + 1, 0) / days

    ieepa = 0.0
    if month >= month_index(tc.step_from, "tariff"):
        ieepa = share(first, tc.ieepa_last_day)
    return ieepa, share(tc.surcharge.first_day, tc.surcharge.last_day)


def _ieepa(
    t: Tariffs,
    month: int,
    rows: tuple[np.ndarray, np.ndarray, np.ndarray],
    value: np.ndarray,
    rate: np.ndarray,
) -> np.ndarray:
    """Rates under the IEEPA duties: the China duty and the step solved to the target."""
    tc = cat.tariffs
    pi, ci, pref = rows
    china_all = (t.china[ci] & t.china_duty[pi]).astype(float)
    if month < month_index(tc.new_tariffs_from, "tariff"):
        exposure = china_all
    else:
        rate = rate + tc.china_ieepa * china_all
        partner_rates = month >= month_index(tc.reciprocal_partner_rates_from, "tariff")
        phi = (t.reciprocal if partner_rates else t.baseline)[ci]
        exposure = t.exposed[pi] * phi * ~(pref & t.usmca[ci])
    exposure = exposure * (t.rate_232(month)[pi] == 0)  # Section 232 goods: no step
    path = tc.low_tariff_path
    label = month_label(month)
    target = path[label] if label in path else path[max(k for k in path if k < label)]
    low = t.tier[pi] == 2
    gap = target * value[low].sum() - (rate[low] * value[low]).sum()
    spread = (exposure[low] * value[low]).sum()
    step = max(gap / spread, 0.0) if spread > 0 else 0.0
    return rate + step * exposure


def rates(
    t: Tariffs, fl: Flow, month: int, pi: np.ndarray, ci: np.ndarray, value: np.ndarray
) -> np.ndarray:
    """Ad valorem rate of each row of a month."""
    tc = cat.tariffs
    years = sorted(t.k)
    year = min(max(month // 12, years[0]), years[-1])
    china = t.china[ci]
    pref = fl.pref[pi, ci]
    rate = t.base[pi] * t.k[year][t.tier[pi]] * ~pref + t.s301[pi] * china
    if month < month_index(tc.step_from, "tariff"):
        return rate
    r232 = t.rate_232(month)[pi]
    rate = rate + r232
    ieepa, surcharge = day_shares(month)
    out = (1.0 - ieepa - surcharge) * rate
    if ieepa > 0:
        out = out + ieepa * _ieepa(t, month, (pi, ci, pref), value, rate)
    if surcharge > 0:
        liable = t.surcharge_exposed[pi] & (r232 == 0) & ~(pref & t.usmca[ci])
        out = out + surcharge * (rate + tc.surcharge.rate * liable)
    return out
