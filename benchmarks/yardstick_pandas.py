"""Yardstick for `aibrief metrics`: the naive pandas way.

Reads every row of every import and export month file (all columns), merges the
classification (hs10 → tier, category) and groups to month × tier × category × country.
This is what the metrics stage would cost written the obvious way; `make bench` shows how
far below it the stage stays. Run as a whole fresh process.

    python benchmarks/yardstick_pandas.py WAREHOUSE_DIR CLASSIFICATION.parquet
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

KEYS = ["period", "tier", "category", "country_code"]


def _flow(warehouse: Path, flow: str, cls: pd.DataFrame, values: list[str]) -> pd.DataFrame:
    files = sorted((warehouse / flow).glob("*.parquet"))
    rows = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    merged = rows.merge(cls, on="hs10", how="inner")
    return merged.groupby(KEYS, dropna=False)[values].sum().reset_index()


def main(warehouse: str, classification: str) -> int:
    """Run the naive way; print the number of groups."""
    cls = pd.read_parquet(classification)
    wh = Path(warehouse)
    imports = _flow(wh, "imports", cls, ["value_con", "value_gen", "duty"])
    exports = _flow(wh, "exports", cls, ["value"])
    print(f"pandas: {len(imports) + len(exports)} groups")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
