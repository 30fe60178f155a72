"""The floor under `aibrief metrics`: a fresh process that starts the CLI, reads the
config and imports what the metrics command imports, then stops, with no work done.

Whatever the scan and the metrics cost comes on top of this, so `make bench` sets it
beside the plain DuckDB pass: it shows how much of the 1.2 × target the imports alone
use up. The command imports neither pandas nor pyarrow (their import alone took as long
as the whole DuckDB pass: benchmarks/README.md, "Sixth session"); the script fails if
either gets imported, since the floor would then be another command's.

    python benchmarks/floor_metrics.py CONFIG
"""

from __future__ import annotations

import importlib
import sys

# What `aibrief metrics` imports beyond the CLI (generator/cli.py imports the rest lazily,
# inside the command): the document module with the metrics code and numpy, DuckDB, and
# the compiled schema check.
METRICS = ("generator.analysis.document", "duckdb", "jsonschema_rs")


def main(config_path: str) -> int:
    from generator import cli, config

    settings = config.load(config_path)
    for name in METRICS:
        importlib.import_module(name)
    heavy = sorted(m for m in ("pandas", "pyarrow") if m in sys.modules)
    if heavy:  # the floor would be wrong: say so rather than print it
        sys.exit(f"the metrics command's imports pulled in {', '.join(heavy)}")
    print(f"{cli.__name__}: {settings.warehouse_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
