"""The sample's duties (step 4 of `sample`).

Base rates scaled per tier and year to the pre-2025 effective rates, China Section
301, and a 2025 tariff step solved month by month so that the non-AI effective rate
follows the target path; the AI-related rate follows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from generator.data.sources.sample_catalog import CATALOGUE as cat
from generator.data.sources.sample_flows import Flow, countries
from generator.data.sources.sample_paths import T1, anchor_weights, month_index


@dataclass
class Tariffs:
    base: np.ndarray  # lines: base ad valorem rate
    s301: np.ndarray  # lines: Section 301 rate on China
    tier: np.ndarray  # lines: 0 AI-related, 1 medium, 2 low, 3 excluded
    k: dict[int, np.ndarray]  # year -> factor per tier
    exposed: np.ndarray  # lines: subject to the reciprocal step (not exempt)
    china_duty: np.ndarray  # lines: subject to the 2025 China duties
    china: np.ndarray  # partners: is China
    usmca: np.ndarray  # partners: Mexico or Canada
    reciprocal: np.ndarray  # partners: exposure from partner-specific rates
    baseline: np.ndarray  # partners: exposure before partner-specific rates


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
    t = Tariffs(
        base=np.array([p.duty for p in products]),
        s301=s301,
        tier=tier,
        k={},
        exposed=exposed,
        china_duty=tier != 3,
        china=np.array([code == chn for code in codes]),
        usmca=np.array([code in (mex, can) for code in codes]),
        reciprocal=np.array([x.reciprocal for x in countries(codes)]),
        baseline=np.array([tc.reciprocal_baseline.get(code, 1.0) for code in codes]),
    )
    _scale_base_rates(t, fl)
    return t


def rates(
    t: Tariffs, fl: Flow, month: int, pi: np.ndarray, ci: np.ndarray, value: np.ndarray
) -> np.ndarray:
    """Ad valorem rate of each row of a month."""
    tc = cat.tariffs
    years = sorted(t.k)
    year = min(max(month // 12, years[0]), years[-1])
    tier = t.tier[pi]
    china = t.china[ci]
    pref = fl.pref[pi, ci]
    rate = t.base[pi] * t.k[year][tier] * ~pref + t.s301[pi] * china
    step_start = month_index(tc.step_from, "tariff")
    april = month_index(tc.new_tariffs_from, "tariff")
    if month < step_start:
        return rate
    china_all = (china & t.china_duty[pi]).astype(float)
    if month < april:
        exposure = china_all
    else:
        rate = rate + tc.china_ieepa * china_all
        partner_rates = month >= month_index(tc.reciprocal_partner_rates_from, "tariff")
        phi = (t.reciprocal if partner_rates else t.baseline)[ci]
        exposure = t.exposed[pi] * phi * ~(pref & t.usmca[ci])
    path = tc.low_tariff_path_2025
    target = path[month % 12 + 1] if month <= T1 else path[max(path)]
    low = tier == 2
    gap = target * value[low].sum() - (rate[low] * value[low]).sum()
    spread = (exposure[low] * value[low]).sum()
    step = max(gap / spread, 0.0) if spread > 0 else 0.0
    return rate + step * exposure
