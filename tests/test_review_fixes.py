"""Defects found in review: each a traceback or a wrong stamp a user could hit."""

from __future__ import annotations

import importlib
import json

import pytest

from generator import config, headers
from tests.conftest import write_config

build = importlib.import_module("generator.outlets.site.build")


@pytest.mark.parametrize("charset", ["hex", "base64", "rot13", "zlib", "idna"])
def test_an_encoded_word_in_a_codec_that_is_no_text_encoding_is_read_as_latin1(charset):
    text, bad = headers.decode(f"=?{charset}?q?41?= <a@b.example>")
    assert bad is None
    assert text == "41 <a@b.example>"


def test_such_a_name_in_the_config_loads_without_a_traceback(tmp_path):
    cfg = write_config(tmp_path, 'email:\n  from: "=?hex?q?41?= <a@b.example>"\n')
    assert config.load(cfg).email.from_ is not None


@pytest.mark.parametrize("doc", ["null", "[]", '{"editions": {"2025-12": 7}}'])
def test_a_hand_edited_site_state_of_another_shape_is_not_a_crash(tmp_path, doc):
    path = tmp_path / "site.json"
    path.write_text(doc, encoding="utf-8")
    state = build._load_state(path)
    assert isinstance(state["editions"], dict)
    assert build._dates(state, [], "2026-12-02T00:00:00Z")["editions"] == {}
    json.dumps(state)
