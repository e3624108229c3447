"""The server's own drawing of a timeline as SVG: what a reader sees at first paint,
before plotly.js has loaded, or without it.

``layout_svg`` draws a timeline's layout (events.layout), as charts.layout_figure draws it
for plotly, and a counted view's (``layout.counted_layout``), as charts.density_figure
does. Pure functions, like charts.py. The width is the reader's screen, unknown here, so the lane names sit in a
column of their own and every mark's x is a percentage of the plot's width, its label a
few pixels beyond (``dx``); nothing is stretched. plotly.js draws the same chart over it
and then removes it (static/js/timeline.js).
"""

import datetime
import math
import textwrap
from html import escape

from . import layout

TOP = 40  # the legend's band, as plotly's top margin
BOTTOM = 30  # the date labels
LABEL_PX = 7.2  # the width of a character at 13 px, to size the lane names' column
SYMBOLS = {
    "circle": "M7,0A7,7 0 1,1 0,-7A7,7 0 0,1 7,0Z",
    "square": "M-6,-6H6V6H-6Z",
    "diamond": "M0,-8L8,0L0,8L-8,0Z",
    "star": "M0,-8L2,-2.5H8L3,1L5,7L0,3.5L-5,7L-3,1L-8,-2.5H-2Z",
}
# (days, unit, count): candidate distances between two date labels, the first that gives
# at most MAX_TICKS labels across the range is used.
STEPS = [(1, "day", 1), (7, "day", 7), (30.44, "month", 1), (91.3, "month", 3), (182.6, "month", 6)] + [
    (365.25 * years, "year", years) for years in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
]
MAX_TICKS = 7
DEFS = "<defs>" + "".join(f'<path id="symbol-{name}" d="{path}"/>' for name, path in SYMBOLS.items()) + "</defs>"


def ticks(first, last):
    """(day number, label) of the dates to label between first and last."""
    days, unit, count = next((step for step in STEPS if (last - first) / step[0] <= MAX_TICKS), STEPS[-1])
    start = datetime.date.fromordinal(max(1, math.floor(first)))
    if unit == "year":
        year = start.year + (-start.year) % count
        dates = (datetime.date(y, 1, 1) for y in range(year, 10000, count))
        label = "{:%Y}".format
    elif unit == "month":
        index = start.year * 12 + start.month - 1
        index += (-index) % count
        dates = (datetime.date(i // 12, i % 12 + 1, 1) for i in range(index, 12 * 10000, count))
        label = "{:%b %Y}".format
    else:
        # By day number, which stops at 31 December 9999 where adding a day would overflow.
        dates = map(datetime.date.fromordinal, range(start.toordinal(), datetime.date.max.toordinal() + 1, count))
        label = "{:%-d %b %Y}".format
    result = []
    for date in dates:
        if date.toordinal() > last:
            break
        if date.toordinal() >= first:
            result.append((date.toordinal(), label(date)))
    return result


def mark_svg(symbol, size, colour, width, x, y, kind="mark", unit="%", slug=""):
    hollow = symbol.endswith("-open")
    fill = "none" if hollow else colour
    outline = f' stroke="{colour}" stroke-width="{width or 2}"' if hollow or width else ""
    shape = symbol.removesuffix("-open")
    if slug:
        outline += f' data-slug="{escape(slug)}"'
    if shape == "circle":
        return f'<circle class="{kind}" cx="{x:.3f}{unit}" cy="{y:.1f}" r="{size / 2:.1f}" fill="{fill}"{outline}/>'
    return f'<use class="{kind}" href="#symbol-{shape}" x="{x:.3f}{unit}" y="{y:.1f}" fill="{fill}"{outline}/>'


def fades():
    """A gradient per precision, for "as early as": its colour fading toward later dates."""
    return "".join(
        f'<linearGradient id="fade-{precision}"><stop offset="0" stop-color="{shape.colour}" stop-opacity="0.45"/>'
        f'<stop offset="1" stop-color="{shape.colour}" stop-opacity="0.04"/></linearGradient>'
        for precision, shape in layout.SHAPES.items()
    )


def scale_of(drawing, width):
    """(plot width, its unit, day number to x): a percentage of the plot's width, or pixels
    of ``width`` when given (an image)."""
    first, last = drawing.range
    span = (last - first) or 1
    full, unit = (100, "%") if width is None else (width, "")
    return full, unit, lambda day_number: (day_number - first) / span * full


def frame(drawing, at, unit, full, lines=""):
    """The date grid and labels, the lines between lanes, and today when the range reaches it;
    ``lines``: attributes for every line."""
    first, last = drawing.range
    bottom = drawing.height - layout.BOTTOM_PX
    down = f'y1="{layout.TOP_PX}" y2="{bottom}"'
    parts = []
    for day, label in ticks(first, last):
        x = at(day)
        parts.append(f'<line class="grid"{lines} x1="{x:.3f}{unit}" x2="{x:.3f}{unit}" {down}/>')
        parts.append(f'<text class="tick" x="{x:.3f}{unit}" y="{bottom + 18}">{label}</text>')
    for i in range(1, len(drawing.lanes)):
        y = drawing.lane_top(i)
        parts.append(f'<line class="lane-edge"{lines} x1="0" x2="{full}{unit}" y1="{y:.1f}" y2="{y:.1f}"/>')
    if first <= drawing.today <= last:
        x = at(drawing.today)
        parts.append(f'<line class="today"{lines} x1="{x:.3f}{unit}" x2="{x:.3f}{unit}" {down}/>')
        # Its word on the line's left near the right edge, where there is no room on its right.
        side = 'dx="-3" text-anchor="end"' if layout.late_in(drawing.range, drawing.today) else 'dx="3"'
        parts.append(f'<text class="today" x="{x:.3f}{unit}" {side} y="{layout.TOP_PX + 11}">Today</text>')
    return parts


def plot_body(drawing, width=None):
    """The plot of a timeline's drawing: date grid and labels, the lines between lanes,
    today, bands, marks and their labels, and the legend. x is a percentage of the plot's
    width, or pixels of ``width`` when given (an image); a label sits ``dx`` pixels beyond."""
    height = drawing.height
    first, last = drawing.range
    full, unit, at = scale_of(drawing, width)
    plot = [DEFS.replace("</defs>", fades() + "</defs>")]
    if drawing.marks:
        plot += frame(drawing, at, unit, full)
    else:
        plot.append(f'<text class="note" x="{full / 2}{unit}" y="{height / 2:.0f}">No events match this view.</text>')
    for mark in drawing.marks:
        y = drawing.row_y(mark.lane, mark.sub_row)
        if mark.key and mark.end + 1 >= first and mark.start <= last:
            x1, x2 = max(at(mark.start), 0), min(at(mark.end + 1), full)
            fill = f"url(#fade-{mark.precision})" if mark.key == "fade" else mark.shape.colour
            opacity = "" if mark.key == "fade" else ' fill-opacity="0.3"'
            plot.append(
                f'<rect class="band" x="{x1:.3f}{unit}" width="{max(x2 - x1, 0):.3f}{unit}" y="{y - 5:.1f}" '
                f'height="10" fill="{fill}"{opacity}/>'
            )
    for mark in drawing.marks:
        x, y = at(mark.x), drawing.row_y(mark.lane, mark.sub_row)
        if not 0 <= x <= full:
            continue
        shape = mark.shape
        symbol = f"{shape.symbol}-open" if mark.hollow else shape.symbol
        plot.append(
            mark_svg(symbol, layout.MARK_PX, shape.colour, 2 if mark.hollow else 0, x, y, unit=unit, slug=mark.slug)
        )
        if mark.label:
            dx = layout.MARK_PX / 2 + layout.GAP_PX
            plot.append(
                f'<text class="label" x="{x:.3f}{unit}" dx="{dx:.0f}" y="{y + 4:.1f}">{escape(mark.label)}</text>'
            )
    legend_x = 0
    for precision in drawing.shapes:
        shape = layout.SHAPES[precision]
        key = mark_svg(shape.symbol, 12, shape.colour, 0, 0, 16, "key")
        plot.append(f'<g transform="translate({legend_x + 8},0)">{key}</g>')
        plot.append(f'<text class="legend" x="{legend_x + 20}" y="20">{escape(shape.name)}</text>')
        legend_x += 40 + len(shape.name) * LABEL_PX
    return "".join(plot)


COUNT_PX = 11  # a count's font size
CRISP = ' shape-rendering="crispEdges"'
LEAST_COUNT_PX = 8  # an image scaled down further shows the shades alone: counts would be specks


def counted_body(drawing, width=None, scale=1):
    """The plot of a counted view (events.layout.counted_layout): the event timeline's grid
    and lanes, a band over each period darker the more events it holds, with their number on
    it where it fits: at a phone's plot width on a page, whose width is unknown here, or as
    an image ``scale``s it down. Then the key. Its bands are marks, as plotly's bars are, so
    the zoom buttons are offered."""
    height = drawing.height
    first, last = drawing.range
    full, unit, at = scale_of(drawing, width)
    fits_px = layout.NARROW_PX if width is None else width * scale
    readable = COUNT_PX * scale >= LEAST_COUNT_PX
    if not drawing.cells:
        note = f'<text class="note" x="{full / 2}{unit}" y="{height / 2:.0f}">No events match this view.</text>'
        return DEFS + note
    # Every band and line is square to the axes: an image draws them without anti-aliasing,
    # in half the time (a line at least a pixel wide, however far the image is scaled down);
    # a page parts neighbouring bands with a hairline.
    lines, edges = "", ' stroke="#ffffff" stroke-width="0.5"'
    if width is not None:
        lines, edges = f' shape-rendering="crispEdges" stroke-width="{max(1, 1 / scale):.2f}"', CRISP
    plot = [DEFS, *frame(drawing, at, unit, full, lines)]
    counts = []
    for cell in drawing.cells:
        if cell.end + 1 < first or cell.start > last:
            continue
        x1, x2 = max(at(cell.start), 0), min(at(cell.end + 1), full)
        y = drawing.row_y(cell.lane, 0)
        plot.append(
            f'<rect class="mark" x="{x1:.3f}{unit}" width="{x2 - x1:.3f}{unit}" y="{y - layout.ROW_PX / 2:.1f}" '
            f'height="{layout.ROW_PX}" fill="{cell.shade}"{edges}/>'
        )
        if readable and drawing.fits(cell, fits_px):
            colour = "#ffffff" if cell.dark else "#1f2328"
            counts.append(
                f'<text class="count" x="{(x1 + x2) / 2:.3f}{unit}" y="{y + 4:.1f}" text-anchor="middle" '
                f'font-size="{COUNT_PX}" fill="{colour}">{cell.label}</text>'
            )
    plot += counts
    low, high = layout.COUNT_SHADES
    plot.append(
        f'<linearGradient id="counts"><stop offset="0" stop-color="{low}"/>'
        f'<stop offset="1" stop-color="{high}"/></linearGradient>'
        '<rect class="key" x="2" y="9" width="28" height="14" fill="url(#counts)"/>'
        f'<text class="legend" x="36" y="20">{drawing.key}</text>'
    )
    return "".join(plot)


def lane_names(drawing):
    """The lane names' column: its width, and the names, right-aligned to it."""
    width = round(max((len(lane.name) for lane in drawing.lanes), default=0) * LABEL_PX + 16)
    names = [
        f'<text class="lane" x="{width - 8}" y="{drawing.lane_y(i) + 4:.1f}">{escape(lane.name)}</text>'
        for i, lane in enumerate(drawing.lanes)
    ]
    return width, "".join(names)


def layout_svg(drawing):
    """A timeline's first paint, as wide as the reader's screen: its events, or their counts."""
    width, names = lane_names(drawing)
    height = drawing.height
    plot = counted_body(drawing) if isinstance(drawing, layout.CountedLayout) else plot_body(drawing)
    return (
        f'<div class="chart-static" aria-hidden="true">'
        f'<svg class="chart-static-lanes" width="{width}" height="{height}">{names}</svg>'
        f'<svg class="chart-static-plot" width="100%" height="{height}">{plot}</svg></div>'
    )


# The page's styles for the drawing, for an image drawn without the page (events.previews):
# as attributes, not a style sheet, which would cost resvg a third of its drawing time.
IMAGE_ATTRIBUTES = {
    "grid": 'stroke="#e6e9ec"',
    "lane-edge": 'stroke="#d0d7de"',
    "tick": 'text-anchor="middle"',
    "note": 'text-anchor="middle"',
    "lane": 'text-anchor="end"',
    "label": 'font-size="12" fill="#1f2328"',
    "today": 'stroke="#a40e26" stroke-dasharray="2 3" fill="#a40e26" font-size="11"',
}
TEXT = 'font-family="Noto Sans, DejaVu Sans, sans-serif" font-size="13" fill="#444"'


def styled(body):
    for name, attributes in IMAGE_ATTRIBUTES.items():
        body = body.replace(f'class="{name}"', f'class="{name}" {attributes}')
    # A line of today's date is dashed; its word is not.
    return body.replace('<text class="today" stroke="#a40e26" stroke-dasharray="2 3"', '<text class="today"')


def image_svg(drawing, title, subtitle, credit, size=(1200, 630)):
    """A timeline (of events or of counts) as one image of ``size``: its title and what it shows above, the chart
    (scaled down to fit if it is tall), our name and the page's link below."""
    width, height = size
    head, foot, margin = 110, 40, 24
    lanes_width, names = lane_names(drawing)
    plot_width = width - 2 * margin - lanes_width
    scale = min(1, (height - head - foot) / drawing.height)
    lines = textwrap.wrap(title, 60) or [""]
    heading = escape(lines[0] + ("…" if len(lines) > 1 else ""))
    if isinstance(drawing, layout.CountedLayout):
        plot = counted_body(drawing, plot_width / scale, scale)
    else:
        plot = plot_body(drawing, plot_width / scale)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/><g {TEXT}>'
        f'<text x="{margin}" y="{margin + 28}" font-size="30" font-weight="bold" fill="#1f2328">{heading}</text>'
        f'<text x="{margin}" y="{margin + 62}" font-size="18" fill="#3d4650">'
        f"{escape(textwrap.shorten(subtitle, 110))}</text>"
        f'<g transform="translate({margin},{head}) scale({scale:.4f})">'
        f"<g>{styled(names)}</g>"
        f'<g transform="translate({lanes_width},0)">'
        f'<svg width="{plot_width / scale:.1f}" height="{drawing.height}" overflow="hidden">'
        f"{styled(plot)}</svg></g></g>"
        f'<text x="{margin}" y="{height - 14}" font-size="16" fill="#3d4650">{escape(credit)}</text>'
        f'<text x="{width - margin}" y="{height - 14}" text-anchor="end" font-size="20" font-weight="bold" '
        'fill="#0b5cad">newsdash</text></g></svg>'
    )


def rostrum_svg(label, seats, x0, y, width):
    """One rostrum of a card: its label, then each row's seats from left to right as the
    viewer sees them (``seats``: (x, row, name, is_host)), front row lowest, names below."""
    parts = [f'<text x="{x0}" y="{y}" font-size="18" font-weight="bold" fill="#1f2328">{escape(label)}</text>']
    if not seats:
        return "".join(parts)
    rows = sorted({row for _, row, _, _ in seats}, reverse=True)  # the back row drawn first, higher up
    low, high = min(x for x, *_ in seats), max(x for x, *_ in seats)
    step = min(150, (width - 40) / max(high - low, 1))
    left = x0 + 20 + (width - 40 - step * (high - low)) / 2
    for line, row in enumerate(rows):
        cy = y + 40 + line * 70
        for x, seat_row, name, is_host in seats:
            if seat_row != row:
                continue
            cx = left + (x - low) * step
            fill = "#b35900" if is_host else "#0b5cad"
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy}" r="11" fill="{fill}"/>')
            shown = textwrap.shorten(name or "Unknown", 22, placeholder="…")
            parts.append(f'<text x="{cx:.1f}" y="{cy + 32}" text-anchor="middle" font-size="15">{escape(shown)}</text>')
    return "".join(parts)


def card_svg(title, lines, credit, rostrums=(), size=(1200, 630)):
    """A preview card: the title, a few lines of text (date and place, who was there, the
    summary), then up to two rostrums side by side (``rostrums``: (label, seats) for
    ``rostrum_svg``), our name and the page's link."""
    width, height = size
    margin = 24
    titles = textwrap.wrap(title, 52) or [""]
    heading = [escape(titles[0])] + (
        [escape(textwrap.shorten(" ".join(titles[1:]), 52, placeholder="…"))] if titles[1:] else []
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/><g {TEXT}>'
    ]
    y = margin + 30
    for line in heading:
        parts.append(f'<text x="{margin}" y="{y}" font-size="34" font-weight="bold" fill="#1f2328">{line}</text>')
        y += 42
    y += 8
    room = 4 if rostrums else 9
    wrapped = [part for line in lines if line for part in textwrap.wrap(line, 95)]
    for line in wrapped[:room]:
        parts.append(f'<text x="{margin}" y="{y}" font-size="21" fill="#3d4650">{escape(line)}</text>')
        y += 30
    if len(wrapped) > room:
        parts[-1] = parts[-1].replace("</text>", "…</text>")
    if rostrums:
        share = (width - 2 * margin) / len(rostrums)
        for i, (label, seats) in enumerate(rostrums):
            parts.append(rostrum_svg(label, seats, margin + i * share, y + 24, share - 16))
    parts.append(f'<text x="{margin}" y="{height - 14}" font-size="16" fill="#3d4650">{escape(credit)}</text>')
    parts.append(
        f'<text x="{width - margin}" y="{height - 14}" text-anchor="end" font-size="20" font-weight="bold" '
        'fill="#0b5cad">newsdash</text></g></svg>'
    )
    return "".join(parts)
