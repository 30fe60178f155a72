"""The metrics document of the sample is byte-identical to the one the code produced
before `metrics.compute` was split by topic (#14): the golden files in tests/data/metrics/
were written by the single-function version, so any change in a number, a rounding or
the order of keys shows here.

If the sample itself changes on purpose (a new sample VERSION), regenerate the files and
say so in the commit; a failure with an unchanged sample is a change in the metrics.
"""

from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path

import pytest

from generator.analysis import document, metrics
from tests.conftest import refreshed_sample

GOLDEN = Path(__file__).resolve().parent / "data" / "metrics"


@pytest.fixture(scope="module")
def sample_settings(tmp_path_factory):
    """A warehouse refreshed from the sample, with the repository's taxonomy."""
    return refreshed_sample(tmp_path_factory.mktemp("golden"))


def _metrics_json(doc: dict) -> str:
    # The format of metrics.json (generator.analysis.document.metrics_json).
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("month", ["2025-12", "2024-06"])
def test_sample_metrics_match_the_golden_document(sample_settings, month):
    expected = (GOLDEN / f"metrics-{month}.json").read_text(encoding="utf-8")
    inp = document.metrics_input(sample_settings, month)
    # The sample's vintage is the time it was generated: the one input pinned to the golden.
    vintage = json.loads(expected)["data"]["vintage"]
    inp = dataclasses.replace(inp, info=dataclasses.replace(inp.info, vintage=vintage))
    result = metrics.compute(inp, month, document.options(sample_settings))
    assert _metrics_json(result.doc) == expected


def test_golden_documents_cover_every_topic():
    """The golden files exercise every topic module, exemptions and counterfactual included."""
    doc = json.loads((GOLDEN / "metrics-2025-12.json").read_text(encoding="utf-8"))
    assert doc["exemptions"]["any"] is not None and doc["exemptions"]["lists"]
    assert doc["counterfactual"]["ytd"] is not None
    assert doc["sources"] and doc["category_leaders"] and doc["partners"]
    assert doc["tariffs"]["gap"]["ytd"] is not None


def test_metrics_package_stays_pure():
    """No module of generator/analysis/metrics/ reads or writes files: rows come in through
    MetricsInput, the document goes out in Metrics, and the I/O lives around it."""
    package = Path(metrics.__file__).parent
    io_modules = {"os", "io", "pathlib", "shutil", "tempfile", "urllib", "requests", "socket"}
    io_ours = {"generator.config", "generator.fsutil", "generator.data.warehouse"}
    found = []
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open":
                found.append(f"{path.name}: open()")
            found += [
                f"{path.name}: imports {n}"
                for n in names
                if n.split(".")[0] in io_modules or any(n.startswith(o) for o in io_ours)
            ]
    assert found == []
