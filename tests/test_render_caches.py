"""What a process keeps between editions (#15 item 4): compiled templates and the chart
style. Kept by content, so an edited file is picked up on the next render, and handed
out so that one caller cannot change what the next one gets."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
import pytest

from generator import templating
from generator.brief.charts.style import load_style

REPO = Path(__file__).resolve().parents[1]


def test_a_template_is_compiled_once_per_process(tmp_path, monkeypatch):
    (tmp_path / "t.j2").write_text("{{ x }} once", encoding="utf-8")
    calls = []
    real = jinja2.Environment._compile
    monkeypatch.setattr(
        jinja2.Environment, "_compile", lambda self, *a: calls.append(a) or real(self, *a)
    )
    for _ in range(3):  # a new environment for each edition, as the build makes them
        env = templating.environment([tmp_path])
        assert templating.render(env, "t.j2", {"x": 1}) == "1 once"
    assert len(calls) == 1


def test_an_edited_template_is_picked_up(tmp_path):
    path = tmp_path / "t.j2"
    path.write_text("before {{ x }}", encoding="utf-8")
    assert templating.render(templating.environment([tmp_path]), "t.j2", {"x": 1}) == "before 1"
    path.write_text("after {{ x }}", encoding="utf-8")
    assert templating.render(templating.environment([tmp_path]), "t.j2", {"x": 1}) == "after 1"


def test_an_unknown_filter_is_still_an_error_where_it_is_unknown():
    text = "{{ x | shout }}"
    with_filter = templating.environment(filters={"shout": str.upper})
    assert with_filter.from_string(text).render(x="a") == "A"
    with pytest.raises(jinja2.TemplateAssertionError):
        templating.environment().from_string(text)


def test_the_same_text_escapes_per_environment():
    text = "{{ x }}"
    assert templating.environment(autoescape=True).from_string(text).render(x="<b>") == "&lt;b&gt;"
    assert templating.environment().from_string(text).render(x="<b>") == "<b>"


def test_chart_style_follows_the_files_and_is_each_callers_own(tmp_path):
    styles = tmp_path / "styles"
    shutil.copytree(REPO / "templates" / "styles", styles)
    first = load_style([styles])
    first.rc["lines.linewidth"] = 99.0
    first.texts.palette["ai"] = "#000000"
    again = load_style([styles])
    assert again.rc["lines.linewidth"] != 99.0
    assert again.texts.palette["ai"] != "#000000"
    texts = styles / "charts.yaml"
    texts.write_text(
        texts.read_text(encoding="utf-8").replace(again.texts.palette["ai"], "#123456", 1),
        encoding="utf-8",
    )
    assert load_style([styles]).texts.palette["ai"] == "#123456"
