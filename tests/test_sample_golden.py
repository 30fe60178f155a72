"""The frames the sample generates are the same, bit for bit, as when the digests below
were recorded (sample VERSION 5: runs to September 2026, unit-value paths, the 2026
duties, the catalogue regrouped after the research definition and the legal exemption
lists). A change to the data files or the generator must bump `sample.VERSION` and
record new digests here, deliberately."""

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

# sha256 per frame of sample.generate(**params).
GOLDEN = {
    "default": (
        {"seed": 2025, "scale": 1.0, "start": "2023-01", "end": "2025-12"},
        {
            "imports": "bc034a09c9839c42b3623c9fc7eaa646658f950407f4029d626bb41f0f48fd9e",
            "exports": "359ad4ae31d9d006395e818307212ac02bcfa92df9b59249e89219e628ea0d61",
            "countries": "fce30858cca4009efb1a1264235503684f09a2ef160f732a67e97fbbf8105636",
            "commodities": "068afd8064bfccca77200e31a4a1ecad71bec065b7105ebee93f06d4d0cd8fce",
        },
    ),
    "scaled": (
        {"scale": 2.5},
        {
            "imports": "c49b4e191894af0b0705d6e9759c6951d6cde36e75b22104bdf76bde78822db5",
            "exports": "5ef84bdd1777fe5aab45a50aa209ede557d11b71eb746c07516d9b8fa53c1ebc",
            "countries": "fce30858cca4009efb1a1264235503684f09a2ef160f732a67e97fbbf8105636",
            "commodities": "eff5cd4e4d6057cf7724f5d2aef7ecc4f7585f34661270c0f9a2ff7cbe5f90be",
        },
    ),
    # Outside the calibrated years the trends relax to long-run growth.
    "wide": (
        {"start": "2013-01", "end": "2026-12"},
        {
            "imports": "bdbe0ef7bf7a4525a3940c637a8884c69c3f0d8f8539afbfaf09fa5c8fdd361e",
            "exports": "deed73e77e715a5e9b50027160ab408924b51470ed0be39100cb740ce70b47f4",
            "countries": "fce30858cca4009efb1a1264235503684f09a2ef160f732a67e97fbbf8105636",
            "commodities": "068afd8064bfccca77200e31a4a1ecad71bec065b7105ebee93f06d4d0cd8fce",
        },
    ),
}
CATALOGUE_20 = "ac3588f175b31063f0cf7f08b26d720840c314453e8d7a6cc04fbe5936b0307d"


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
    assert sample.VERSION == 5


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
    assert all(p.surcharge_exempt == cat.is_surcharge_exempt(p.hs10) for p in cat.products)
    assert cat.code["CHN"] == "5700" and cat.code["MEX"] == "2010" and cat.code["CAN"] == "1220"
