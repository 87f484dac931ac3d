"""How a report table fits the width it is shown at: the classes (frontend/scss/_tables.scss) that make it a list of
its rows where its columns have no room, chosen from about how wide those columns need to be.

A column needs room for its longest word (headings and row labels wrap between words) or its widest figure, and a
gutter. GOV.UK's tables have 19px text and 20px gutters from tablet up; a table too wide for that is drawn compact
(16px, 10px gutters) before it has to stack on a desktop screen.
"""

from reports.charts import text_width

BOLD = 1.1  # bold text is about this much wider
GAP_TAG = 16  # the padding of the red "None" tag of a gap
MARGIN = 1.1  # the estimate is rough: a table must fit with a tenth to spare
FITS = {"app-table--stacked": 640, "app-table--stacked-below-50em": 800, "app-table--stacked-below-60em": 960}


def _widest(texts, *, font_size: int, bold: bool = False, whole: bool = False) -> float:
    words = []
    for text in texts:
        words += [text] if whole else text.split()
    return max((text_width(word) for word in words), default=0) * font_size / 16 * (BOLD if bold else 1)


def needed_width(table, *, font_size: int = 19, gutter: int = 20) -> float:
    """About how many px the table needs, at `font_size` with `gutter` between columns."""
    rows = table.display_rows
    # A month's name stays on one line ("December 2025", frontend/scss/_charts.scss).
    labels = _widest((label for label, _ in rows), font_size=font_size, bold=True, whole=table.chart == "months")
    widths = [max(_widest([table.columns[0]], font_size=font_size, bold=True), labels)]
    for index, column in enumerate(table.columns[1:]):
        cells = [cells[index] for _, cells in rows]
        values = _widest((value for value, figure, gap in cells if not gap), font_size=font_size, whole=True)
        gaps = text_width("None") * font_size / 16 + GAP_TAG if any(gap for _, _, gap in cells) else 0
        widths.append(max(_widest([column], font_size=font_size, bold=True), values, gaps))
    if table.row_action:
        widths.append(_widest([table.row_action], font_size=font_size))
    return sum(widths) + gutter * (len(widths) - 1)


def layout(table) -> str:
    """The table's classes: stacked below the width it needs (40em at least), compact where that helps it stay a
    table on a desktop screen (60em), and always stacked when even compact it would not fit."""
    wide = needed_width(table) * MARGIN
    for classes, room in FITS.items():
        if wide <= room:
            return "app-table--stacked" if classes == "app-table--stacked" else f"app-table--stacked {classes}"
    if needed_width(table, font_size=16, gutter=10) * MARGIN <= FITS["app-table--stacked-below-60em"]:
        return "app-table--stacked app-table--stacked-below-60em app-table--compact"
    return "app-table--stacked app-table--stacked-always"
