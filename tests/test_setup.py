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
