"""Reproducible set-up: every dependency pyproject.toml names is pinned in
requirements.lock, which make installs from."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import REPO


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_dependency_is_pinned_in_the_lock():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["test"]}
    pins = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: {line!r} is not pinned with =="
            pins[_name(name)] = version
    assert sorted(wanted - set(pins)) == []


def test_make_installs_from_the_lock_after_the_pango_check():
    recipe = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "-c $(LOCK)" in recipe and "LOCK := requirements.lock" in recipe
    assert recipe.index("generator.syscheck") < recipe.index("pip install")


def _without(monkeypatch, *gone: str) -> None:
    import ctypes.util

    real = ctypes.util.find_library
    monkeypatch.setattr(
        ctypes.util, "find_library", lambda name: None if name in gone else real(name) or name
    )


def test_the_set_up_stops_in_one_line_without_pango(monkeypatch, capsys):
    from generator import syscheck

    _without(monkeypatch, "pango-1.0")
    assert syscheck.main() == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "apt-get install libpango-1.0-0" in err and "libpangoft2" not in err


def test_without_the_font_subsetter_the_set_up_goes_on_with_a_note(monkeypatch, capsys):
    """HarfBuzz's subsetter only makes the PDF quicker: named, not required."""
    from generator import syscheck

    _without(monkeypatch, "harfbuzz-subset")
    assert syscheck.main() == 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("aibrief: note:") and "apt-get install libharfbuzz-subset0" in err

    _without(monkeypatch)
    assert syscheck.main() == 0
    assert capsys.readouterr().err == ""


def test_an_old_harfbuzz_gets_the_note_too(monkeypatch, capsys):
    """WeasyPrint takes HarfBuzz's subsetter only from HarfBuzz 4.1.0."""
    from generator import syscheck

    _without(monkeypatch)
    monkeypatch.setattr(syscheck, "_harfbuzz_at_least", lambda version: False)
    assert syscheck.main() == 0
    assert "HarfBuzz 4.1 or newer" in capsys.readouterr().err
