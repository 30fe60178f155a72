"""The sample is data files read by a small loader; the frames it generates are the same,
bit for bit, as those of the sample written as code (recorded before the move, sample
VERSION 4). A change to the data files or the generator must bump `sample.VERSION` and
record new digests here."""

from __future__ import annotations

import hashlib
import json
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.data.sources import sample, sample_catalog

REPO = Path(__file__).resolve().parents[1]

# sha256 per frame of sample.generate(**params), recorded with the catalogue in code.
GOLDEN = {
    "default": (
        {"seed": 2025, "scale": 1.0, "start": "2023-01", "end": "2025-12"},
        {
            "imports": "4174f6dcbc4e6e55264617bdfbc807d60a2d47e8c10dfde843907d617ef62845",
            "exports": "21886e2588f28af879b50cd11d216754a2e2ee1a1372ef6befa907e8cb46cf14",
            "countries": "fce30858cca4009efb1a1264235503684f09a2ef160f732a67e97fbbf8105636",
            "commodities": "3b8b644f1d8538aca8acb72185a2bdcb91102f13ff5f0c22c8d4d318fe9e4eed",
        },
    ),
    "scaled": (
        {"scale": 2.5},
        {
            "imports": "66601be38ceaf36910fbf71d523aa017cdf4a6186dcedd8714d6b2469e5364b2",
            "exports": "5e8998918946642bd711d9d87c03b63d0e4cc75fc39619a0b9d6edc5888cb648",
            "countries": "fce30858cca4009efb1a1264235503684f09a2ef160f732a67e97fbbf8105636",
            "commodities": "b7826f5adc936a0fc72d1615bf708816e840e25ab6cf9707d72919bf9833baa8",
        },
    ),
    # Outside the calibrated years the trends relax to long-run growth.
    "wide": (
        {"start": "2013-01", "end": "2026-12"},
        {
            "imports": "501cc7eab743beea1167d85af553a2e4e58773d2ce1601e37df217fae2e5f2b6",
            "exports": "6da92c39e65fd9354ade04bfdb6350a7a7b51cfac0aea762645c10eb6e80689b",
            "countries": "fce30858cca4009efb1a1264235503684f09a2ef160f732a67e97fbbf8105636",
            "commodities": "3b8b644f1d8538aca8acb72185a2bdcb91102f13ff5f0c22c8d4d318fe9e4eed",
        },
    ),
}
CATALOGUE_20 = "999563926715b319c8cfffcad6c332c3a91ecf0a41fad3b95f6e17373199b642"


def digest(frame: pd.DataFrame) -> str:
    """sha256 of a frame's column names, dtypes, length and every value's bytes."""
    h = hashlib.sha256()
    h.update(json.dumps([[c, str(t)] for c, t in frame.dtypes.items()]).encode())
    h.update(str(len(frame)).encode())
    for col in frame.columns:
        s = frame[col]
        if s.dtype == "string":
            h.update("\x1f".join("\x00" if v is pd.NA else v for v in s.tolist()).encode())
        else:
            h.update(np.ascontiguousarray(s.to_numpy()).tobytes())
    return h.hexdigest()


def test_the_version_is_the_one_the_digests_were_recorded_with():
    assert sample.VERSION == 4


@pytest.mark.parametrize("case", sorted(GOLDEN))
def test_the_sample_is_bit_for_bit_what_it_was(case):
    params, expected = GOLDEN[case]
    data = sample.generate(**params)
    got = {name: digest(getattr(data, name)) for name in expected}
    assert got == expected


def test_the_scaled_catalogue_is_what_it_was():
    assert digest(sample.catalogue(scale=20)) == CATALOGUE_20


def test_the_data_files_ship_with_the_package():
    """Every file in sample_data/ is matched by the package-data globs of pyproject.toml."""
    globs = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["generator"]
    package = REPO / "generator"
    files = sorted(p for p in sample_catalog.DATA.iterdir() if p.is_file())
    assert {p.name for p in files} >= {"products.csv", "countries.csv", "calibration.yaml"}
    for p in files:
        rel = p.relative_to(package)
        assert any(rel.match(g) for g in globs), rel


def test_a_broken_data_file_names_the_folder(tmp_path):
    folder = tmp_path / "sample_data"
    shutil.copytree(sample_catalog.DATA, folder)
    path = folder / "profiles.yaml"
    path.write_text(path.read_text().replace("TWN: 5,", "XXX: 5,", 1))
    with pytest.raises(RuntimeError, match="unknown partner XXX") as err:
        sample_catalog.load(folder)
    assert str(folder) in str(err.value)


def test_the_loaded_catalogue_is_consistent():
    cat = sample_catalog.CATALOGUE
    assert len(cat.products) == len({p.hs10 for p in cat.products})
    assert set(cat.import_mixes) <= {*cat.groups, *(f"ch{c}" for c in cat.excluded_chapters)}
    assert all(p.exempt == cat.is_exempt(p.hs10) for p in cat.products)
    assert cat.code["CHN"] == "5700" and cat.code["MEX"] == "2010" and cat.code["CAN"] == "1220"
