"""The brief's charts: matplotlib in the house style, from the metrics document.

Each chart carries one message, stated in its title. The words (titles, alt texts,
labels, source line) and the colours live in `templates/styles/charts.yaml` (direction
words and thresholds: the narrative's `words.yaml`), fonts and sizes in
`templates/styles/brief.mplstyle` (and `brief-narrow.mplstyle`): editors edit those,
not this package. Python only picks the data, a wording variant (AI ahead or behind, gap
widened or narrowed …) and draws. Every number drawn or written is formatted by `generator.numbers`.

The package, in the order a chart is made:

- `spec`     charts.yaml as a pydantic model (what each key may hold)
- `texts`    charts.yaml → `ChartTexts`, each text located (file:line)
- `style`    brief.mplstyle + charts.yaml → `Style`
- `lines`    the line charts: growth index, AI share, tariffs
- `bars`     the bar charts: top sources, counterfactual balance
- `prices`   "Price or volume?": growth since the base split into unit value and volume
- `draw`     helpers the chart families share (axes, end labels, captions)
- `wording`  titles, alt texts and captions rendered from the texts, by variant
- `output`   `make_charts`: draw, word and write `<key>.svg`, `.png`, `.csv` → `Chart`;
             `drawing`: the same begun in forked workers while the caller goes on
- `narrow`   the narrow variant `<key>-narrow.png` (phones, e-mail): text ≥ 11 px at 390 px
"""

from __future__ import annotations

from generator.brief.charts.output import Chart, drawing, make_charts
from generator.brief.charts.style import STYLE_FILE, Style, load_style
from generator.brief.charts.texts import CHART_KEYS, TEXTS_FILE, ChartTexts
from generator.brief.charts.wording import short_name as _short_name

__all__ = [
    "CHART_KEYS",
    "STYLE_FILE",
    "TEXTS_FILE",
    "Chart",
    "ChartTexts",
    "Style",
    "_short_name",
    "drawing",
    "load_style",
    "make_charts",
]
