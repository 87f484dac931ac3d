"""Small bar charts drawn on the server as SVG: no JavaScript and no chart library in the browser.

A chart is a picture of the table printed with it, which holds the same figures and is the accessible version. Each
SVG has role="img", a <title> (which `aria-labelledby` names it by) and `aria-describedby` pointing at the caption
under it, which says where the figures are. Every label is escaped. Bars are GOV.UK blue (#1d70b8, 5.2:1 on white),
text is near-black (#0b0c0c), and each bar has its value written beside it where there is room, so nothing depends
on colour.

The charts fit any width without shrinking their text (WCAG 1.4.10 reflow, and text never under 16px): an SVG has no
viewBox, so its units are CSS pixels at every size; it is as wide as its box, with positions across it in
percentages and text 16px high. A horizontal bar chart puts each label above its bar, wrapped to lines that fit the
narrowest chart (290px, on a 320px screen). A month chart has more months than a narrow chart has room to name, so
its names, years and values are laid out once for each of a few widths (BANDS), and the stylesheet shows the set for
the width it is shown at (frontend/scss/_charts.scss); without the stylesheet the widest set shows. Charts print as
drawn and switch to system colours in forced-colours mode.
"""

import textwrap
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_COLOUR = "#1d70b8"
TEXT_COLOUR = "#0b0c0c"
AXIS_COLOUR = "#505a5f"
FONT_SIZE = 16  # CSS px, whatever the chart's width
LINE = 22  # a line of text
LABEL_CHARACTERS = 28  # a label's line, at 16px, fits the narrowest chart
WIDEST_BAR = 70  # % of the chart's width: the rest holds the value written after the longest bar
GAP = 8  # px between two pieces of text on a line
EDGE = 2  # px between text and the chart's edge (a letter such as J reaches a little before where it starts)
# The widths (px) a month chart's text is laid out for: a chart from one up to the next shows the first's. The
# narrowest is the chart on a 320px screen; the widest, the chart's most (640px) but a little, and its print.
BANDS = (288, 360, 440, 520, 600)
CHARACTER_WIDTHS = {"upper": 0.75, "lower": 0.6, "digit": 0.65, "narrow": 0.35}  # in em: generous, as fonts vary


def number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def text_width(text: str) -> float:
    """About how wide `text` is at FONT_SIZE, in px: a little wider than most fonts draw it."""
    em = 0.0
    for character in text:
        if character in " ,.:;'’":
            em += CHARACTER_WIDTHS["narrow"]
        elif character.isdigit():
            em += CHARACTER_WIDTHS["digit"]
        elif character.isupper():
            em += CHARACTER_WIDTHS["upper"]
        else:
            em += CHARACTER_WIDTHS["lower"]
    return em * FONT_SIZE


def _svg(chart_id: str, title: str, caption_id: str, height: int, body: list[str]) -> SafeString:
    chart_id, caption_id = escape(chart_id), escape(caption_id)
    return mark_safe(  # every piece of text in it is escaped
        f'<svg class="app-chart__svg" xmlns="http://www.w3.org/2000/svg" role="img" width="100%" height="{height}" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{caption_id}" '
        f'font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _percent(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def horizontal_bars(*, chart_id: str, title: str, caption_id: str, bars: list[tuple[str, float]]) -> SafeString:
    """One bar per category, the longest value WIDEST_BAR of the width; each label on the lines above its bar, its
    value after it."""
    bar_height, space_between = 20, 14
    largest = max((value for _, value in bars), default=0) or 1
    body, y = [], 0
    for label, value in bars:
        for line in textwrap.wrap(label, LABEL_CHARACTERS) or [""]:
            y += LINE
            body.append(f'<text x="{EDGE}" y="{y - 6}" class="app-chart__text">{escape(line)}</text>')
        top = y + 2
        width = WIDEST_BAR * value / largest
        if value and width < 0.5:
            width = 0.5  # a non-zero value always shows
        body.append(
            f'<rect class="app-chart__bar" x="0" y="{top}" width="{width:.1f}%" height="{bar_height}" '
            f'fill="{BAR_COLOUR}"></rect>'
            f'<text x="{width:.1f}%" dx="6" y="{top + 15}" class="app-chart__text">{escape(number(value))}</text>'
        )
        y = top + bar_height + space_between
    return _svg(chart_id, title, caption_id, max(y - space_between + 4, LINE), body)


class _Line:
    """A line of text pieces under (or over) a month chart's bars, at one chart width: each piece centred on its
    bar, or against the chart's edge where centring would cross it, and never on top of another."""

    def __init__(self, width: float, count: int):
        self.width, self.count = width, count

    def place(self, index: int, text: str) -> tuple[float, float, str]:
        """(left, right, the text's position attributes) of `text` under the bar `index`."""
        share = (index + 0.5) / self.count  # of the width, at the bar's middle
        centre, half = share * self.width, text_width(text) / 2
        if centre - half < EDGE:
            return EDGE, EDGE + 2 * half, f'x="{EDGE}" text-anchor="start"'
        if centre + half > self.width - EDGE:
            return self.width - EDGE - 2 * half, self.width - EDGE, f'x="100%" dx="-{EDGE}" text-anchor="end"'
        return centre - half, centre + half, f'x="{_percent(100 * share)}" text-anchor="middle"'

    def fit(self, pieces: list[tuple[int, str]]) -> list[tuple[str, str]] | None:
        """(position attributes, text) for each piece, or None when they do not all fit side by side."""
        spots = sorted((*self.place(index, text), text) for index, text in pieces)
        for (_, right, *_), (left, *_) in zip(spots, spots[1:]):
            if left < right + GAP:
                return None
        return [(position, text) for _, _, position, text in spots]


def _month_names(width: float, months: list[date]) -> list[tuple[str, str]]:
    """Every month's name if they fit; else every second (January, March, …), third (January, April, …), sixth or
    twelfth (January); else none."""
    line = _Line(width, len(months))
    for step in (1, 2, 3, 6, 12):
        named = [(index, f"{month:%b}") for index, month in enumerate(months) if (month.month - 1) % step == 0]
        if (fitted := line.fit(named)) is not None:
            return fitted
    return []


def _years(width: float, months: list[date]) -> list[tuple[str, str]]:
    """The year under each January (or every second, third, … one where they crowd), and under the first month
    too when there is room."""
    line = _Line(width, len(months))
    januaries = [(index, f"{month:%Y}") for index, month in enumerate(months) if month.month == 1]
    for step in (1, 2, 3, 4, 5, 10):
        chosen = januaries[::step]
        if (fitted := line.fit(chosen)) is not None:
            break
    else:
        chosen, fitted = [], []
    if months and months[0].month != 1:
        with_first = line.fit([(0, f"{months[0]:%Y}"), *chosen])
        fitted = with_first if with_first is not None else fitted
    return fitted


def _values(width: float, heights: list[float], values: list[float], baseline: float) -> list[str]:
    """Each bar's value over it, where it fits within the bar's share of the width."""
    slot, texts = width / len(values), []
    for index, (value, height) in enumerate(zip(values, heights, strict=True)):
        text = number(value)
        if text_width(text) + 4 <= slot:
            x = _percent(100 * (index + 0.5) / len(values))
            texts.append(
                f'<text x="{x}" y="{baseline - height - 6:.1f}" text-anchor="middle" class="app-chart__text">'
                f"{escape(text)}</text>"
            )
    return texts


def month_bars(*, chart_id: str, title: str, caption_id: str, months: list[date], values: list[float]) -> SafeString:
    """One vertical bar per month, oldest on the left; under them the months' names and the years, over them the
    values, as many of each as the chart's width has room for (BANDS)."""
    value_space, plot_height = 26, 150
    baseline = value_space + plot_height
    height = baseline + 2 * LINE + 6
    count = max(len(months), 1)
    largest = max(values, default=0) or 1
    heights = []
    body = []
    for index, value in enumerate(values):
        bar_height = plot_height * value / largest
        if value and bar_height < 2:
            bar_height = 2  # a non-zero value always shows
        heights.append(bar_height)
        body.append(
            f'<rect class="app-chart__bar" x="{_percent(100 * (index + 0.15) / count)}" '
            f'y="{baseline - bar_height:.1f}" width="{_percent(70 / count)}" height="{bar_height:.1f}" '
            f'fill="{BAR_COLOUR}"></rect>'
        )
    body.append(
        f'<line class="app-chart__axis" x1="0" y1="{baseline}" x2="100%" y2="{baseline}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"></line>'
    )
    for band in BANDS:
        texts = _values(band, heights, values, baseline) if values else []
        for y, line in ((baseline + 20, _month_names(band, months)), (baseline + 20 + LINE, _years(band, months))):
            texts += [
                f'<text {position} y="{y}" class="app-chart__text">{escape(text)}</text>' for position, text in line
            ]
        hidden = "" if band == BANDS[-1] else ' display="none"'  # the stylesheet shows the band that fits
        body.append(f'<g class="app-chart__band app-chart__band--{band}"{hidden}>{"".join(texts)}</g>')
    return _svg(chart_id, title, caption_id, height, body)


def chart_for(table, *, months: list[date]) -> SafeString:
    """The chart a report table asks for (`table.chart`), or "" when it has none or has no rows."""
    if not table.chart or not table.rows:
        return mark_safe("")
    chart_id, caption_id = f"chart-{table.slug}", f"chart-{table.slug}-caption"
    if table.chart == "months":
        return month_bars(
            chart_id=chart_id, title=table.chart_title, caption_id=caption_id, months=months,
            values=[value for _, value in table.chart_bars],
        )
    return horizontal_bars(chart_id=chart_id, title=table.chart_title, caption_id=caption_id, bars=table.chart_bars)
