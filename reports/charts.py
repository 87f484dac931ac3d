"""Small bar charts drawn on the server as SVG: no JavaScript and no chart library in the browser.

A chart is a picture of the table printed with it, which holds the same figures and is the accessible version. Each
SVG has role="img", a <title> (which `aria-labelledby` names it by) and `aria-describedby` pointing at the caption
under it, which says where the figures are. Every label is escaped. Bars are GOV.UK blue (#1d70b8, 5.2:1 on white),
text is near-black (#0b0c0c), and each bar has its value written beside it, so nothing depends on colour. The
drawing scales to its box (viewBox), prints as drawn, and switches to system colours in forced-colours mode
(frontend/scss/_charts.scss).
"""

from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_COLOUR = "#1d70b8"
TEXT_COLOUR = "#0b0c0c"
AXIS_COLOUR = "#505a5f"
WIDTH = 640
FONT_SIZE = 14
LABEL_CHARACTERS = 26


def number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def short(label: str, limit: int = LABEL_CHARACTERS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _svg(chart_id: str, title: str, caption_id: str, height: int, body: list[str]) -> SafeString:
    chart_id, caption_id = escape(chart_id), escape(caption_id)
    return mark_safe(  # every piece of text in it is escaped
        f'<svg class="app-chart__svg" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{caption_id}" '
        f'font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def horizontal_bars(*, chart_id: str, title: str, caption_id: str, bars: list[tuple[str, float]]) -> SafeString:
    """One bar per category, longest value the full width, each labelled on the left and valued on the right."""
    label_width, value_width, row, bar_height, top_margin = 210, 70, 28, 18, 4
    plot = WIDTH - label_width - value_width
    height = top_margin * 2 + row * max(len(bars), 1)
    largest = max((value for _, value in bars), default=0) or 1
    body = []
    for index, (label, value) in enumerate(bars):
        y = top_margin + index * row
        width = plot * value / largest
        if value and width < 2:
            width = 2  # a non-zero value always shows
        middle = y + bar_height / 2 + FONT_SIZE * 0.35
        body.append(
            f'<text x="{label_width - 8}" y="{middle:.1f}" text-anchor="end" class="app-chart__text">'
            f"{escape(short(label))}</text>"
            f'<rect class="app-chart__bar" x="{label_width}" y="{y}" width="{width:.1f}" height="{bar_height}" '
            f'fill="{BAR_COLOUR}"></rect>'
            f'<text x="{label_width + width + 6:.1f}" y="{middle:.1f}" class="app-chart__text">'
            f"{escape(number(value))}</text>"
        )
    body.append(
        f'<line class="app-chart__axis" x1="{label_width}" y1="0" x2="{label_width}" y2="{height}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"></line>'
    )
    return _svg(chart_id, title, caption_id, height, body)


def month_bars(*, chart_id: str, title: str, caption_id: str, months: list[date], values: list[float]) -> SafeString:
    """One vertical bar per month, oldest on the left; month names below (every one, or every third when there are
    many, and each January), the year under each January and under the first month."""
    side, value_space, plot_height, label_space = 8, 20, 150, 40
    height = value_space + plot_height + label_space
    count = max(len(months), 1)
    slot = (WIDTH - 2 * side) / count
    bar_width = slot * 0.7
    largest = max(values, default=0) or 1
    every = 1 if count <= 12 else 3 if count <= 36 else 6 if count <= 72 else 12
    januaries = {index for index, month in enumerate(months) if month.month == 1}
    # Every month's name (or every third's, …), and always January's, but never next to a January's.
    named = januaries | {
        index for index in range(0, count, every) if every == 1 or not {index - 1, index + 1} & januaries
    }
    # The year under each January, and under the first month unless it is crowded by a January just after it.
    dated = januaries | ({0} if count <= 12 or not {1, 2} & januaries else set())
    show_values = count <= 24
    small = 11 if count > 12 else 12
    baseline = value_space + plot_height
    body = []
    for index, (month, value) in enumerate(zip(months, values, strict=True)):
        x = side + index * slot + (slot - bar_width) / 2
        bar_height = plot_height * value / largest
        if value and bar_height < 2:
            bar_height = 2
        centre = x + bar_width / 2
        body.append(
            f'<rect class="app-chart__bar" x="{x:.1f}" y="{baseline - bar_height:.1f}" width="{bar_width:.1f}" '
            f'height="{bar_height:.1f}" fill="{BAR_COLOUR}"></rect>'
        )
        if show_values:
            body.append(
                f'<text x="{centre:.1f}" y="{baseline - bar_height - 4:.1f}" text-anchor="middle" '
                f'font-size="{small}" class="app-chart__text">{escape(number(value))}</text>'
            )
        if index in named:
            body.append(
                f'<text x="{centre:.1f}" y="{baseline + 15}" text-anchor="middle" font-size="{small}" '
                f'class="app-chart__text">{month:%b}</text>'
            )
        if index in dated:
            body.append(
                f'<text x="{centre:.1f}" y="{baseline + 31}" text-anchor="middle" font-size="{small}" '
                f'class="app-chart__text">{month:%Y}</text>'
            )
    body.append(
        f'<line class="app-chart__axis" x1="0" y1="{baseline}" x2="{WIDTH}" y2="{baseline}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"></line>'
    )
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
