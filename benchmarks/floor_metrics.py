"""The floor under `aibrief metrics`: a fresh process that starts the CLI, reads the
config and imports what the metrics command imports, then stops, with no work done.

Whatever the scan and the metrics cost comes on top of this, so `make bench` sets it
beside the plain DuckDB pass: it shows how much of the 1.2 × target the imports alone
use up. `--core-only` imports what a metrics core without pandas (and without pyarrow,
whose Arrow files the per-month caches are) would still need: the CLI and its config
models, numpy, DuckDB and the schema check. That is the floor of a rewrite of the
metrics code, which the issue keeps in pandas.

    python benchmarks/floor_metrics.py CONFIG [--core-only]
"""

from __future__ import annotations

import importlib
import sys

# What `aibrief metrics` imports beyond the CLI (generator/cli.py imports the rest lazily,
# inside the command): the document module pulls pandas, pyarrow and jsonschema, and a
# run with a month to scan opens DuckDB.
METRICS = ("generator.analysis.document", "duckdb")
CORE_ONLY = ("numpy", "duckdb", "jsonschema", "yaml")


def main(config_path: str, core_only: bool) -> int:
    from generator import cli, config

    settings = config.load(config_path)
    for name in CORE_ONLY if core_only else METRICS:
        importlib.import_module(name)
    heavy = sorted(m for m in ("pandas", "pyarrow") if m in sys.modules)
    if core_only and heavy:  # the floor would be wrong: say so rather than print it
        sys.exit(f"--core-only imported {', '.join(heavy)}")
    print(f"{cli.__name__}: {settings.warehouse_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], "--core-only" in sys.argv[2:]))
