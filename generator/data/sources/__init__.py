"""Where trade data come from: the embedded sample, the Census API, or bulk files.

Every source returns a TradeData in the warehouse schema (generator.data.schema).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class TradeData:
    """Monthly trade by HS10 × country, plus the reference tables that name them."""

    imports: pd.DataFrame  # columns: schema.IMPORT_COLUMNS
    exports: pd.DataFrame  # columns: schema.EXPORT_COLUMNS
    countries: pd.DataFrame  # columns: schema.COUNTRY_COLUMNS
    commodities: pd.DataFrame  # columns: schema.COMMODITY_COLUMNS
    source: str = "sample"
    sample: bool = True
    params: dict = field(default_factory=dict)  # what produced it (seed, scale, …)
