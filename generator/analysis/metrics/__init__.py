"""Pure computations: trade rows + classification in, the metrics document out.

No I/O here. Every number the brief prints comes from the document this package builds
(README, "How it works"): money in USD, shares and rates as fractions, months YYYY-MM.

  model.py           the contract: MetricsInput, MetricsOptions, Metrics, the share check
  window.py          the edition's calendar, and the money and ratio blocks
  cube.py            rows summed by month × class (× country, × exemption list)
  trade.py           imports, exports, balance, growth index, categories, sources, partners
  tariffs.py         effective tariff rates and the non-AI − AI gap
  exemptions.py      coverage by exemption lists and what exempt goods pay
  counterfactual.py  the balance had AI trade grown like other trade
  assemble.py        `compute`: the topics assembled in the document's order
"""

from generator.analysis.metrics.assemble import compute
from generator.analysis.metrics.model import (
    AI,
    LOW,
    MEDIUM,
    SCHEMA_VERSION,
    Aggregate,
    DataInfo,
    Metrics,
    MetricsError,
    MetricsInput,
    MetricsOptions,
    ShareError,
    check_shares,
    get_path,
)
from generator.analysis.metrics.numeric import month_index, month_name

__all__ = [
    "AI",
    "LOW",
    "MEDIUM",
    "SCHEMA_VERSION",
    "Aggregate",
    "DataInfo",
    "Metrics",
    "MetricsError",
    "MetricsInput",
    "MetricsOptions",
    "ShareError",
    "check_shares",
    "compute",
    "get_path",
    "month_index",
    "month_name",
]
