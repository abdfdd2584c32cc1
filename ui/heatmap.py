"""The lecture's annotated V x V heatmap: every cell shows its bigram and a number, coloured by value.

Readable at any width (a Streamlit rerun does not know the screen's): the height is fixed and the columns
share the width. Cell text is drawn at a readable size or not at all: on a 390 px phone the grid shows
colour, every letter on both axes, and a tap on a cell shows its numbers; a phone turned sideways (or
Fullscreen) has room for the text. A swipe over the chart scrolls the page instead of zooming it.
"""

import re
from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.colors import get_colorscale

from . import fmt
from .i18n import _

MAX_ANNOTATED = 40  # above this many symbols, text in cells is unreadable: colour and hover only
MAX_SHOWN = 60  # above this, show only the most frequent symbols (a V of 1,000 would be 1M cells)
ROW_PX, ROW_PX_COLOUR_ONLY = 32, 16  # 32 fits two lines of 10 px text; columns get whatever width there is
TEXT_PX = 10  # cell text is drawn at this size or hidden, never shrunk
FIGURE_SPACE = "\u2007"  # as wide as a digit; SVG keeps it where it would collapse a plain space
DARK_TEXT, DARK_LUMINANCE = "#111110", 0.0056  # the theme's textColor
# every plotly button (8 Tab stops per chart, and on a phone they cover the top of the figure);
# Streamlit's own Fullscreen button stays: sideways, a phone shows the table with its numbers
MODEBAR_REMOVE = ["toImage", "zoom", "pan", "zoomIn", "zoomOut", "autoScale", "resetScale", "select", "lasso"]


def top_symbols(counts: torch.Tensor, k: int = MAX_SHOWN) -> list[int]:
    """Indices of the boundary plus the k-1 most frequent characters, in vocabulary order."""
    V = counts.shape[0]
    if V <= k:
        return list(range(V))
    freq = counts.sum(0) + counts.sum(1)
    freq[0] = torch.iinfo(freq.dtype).max  # always keep the boundary
    return sorted(freq.topk(k).indices.tolist())


def grid(V: int, keep: list[int], cell: Callable[[int, int], str]) -> list[list[str]]:
    """(V, V) strings for a heatmap: cell(i, j) for the kept rows and columns, "" elsewhere."""
    out = [[""] * V for _row in range(V)]
    for i in keep:
        row = out[i]
        for j in keep:
            row[j] = cell(i, j)
    return out


def _visible(text: str) -> str:
    """Text as drawn: without plotly's markup (<br>, <span style=...>)."""
    return re.sub(r"<[^>]*>", "", text)


def _rgb(colour: str) -> list[float]:
    """plotly's 'rgb(r, g, b)' as three numbers."""
    return [float(v) for v in colour[colour.index("(") + 1 : -1].split(",")]


def _needs_white(zz: np.ndarray, colorscale: str, zmin: float, zmax: float) -> np.ndarray:
    """(V, V) bool: True where white text contrasts more with the cell's colour than DARK_TEXT does."""
    stops = get_colorscale(colorscale)  # [[position, 'rgb(...)'], ...]
    positions = [pos for pos, _colour in stops]
    channels = np.array([_rgb(colour) for _pos, colour in stops]) / 255  # (stops, 3)
    where = np.nan_to_num(np.clip((zz - zmin) / (zmax - zmin or 1.0), 0.0, 1.0))
    fill = np.stack([np.interp(where, positions, channels[:, k]) for k in range(3)], axis=-1)  # (V, V, 3)
    linear = np.where(fill <= 0.03928, fill / 12.92, ((fill + 0.055) / 1.055) ** 2.4)
    lum = linear @ np.array([0.2126, 0.7152, 0.0722])  # WCAG relative luminance
    white = 1.05 / (lum + 0.05) > (lum + 0.05) / (DARK_LUMINANCE + 0.05)
    return white & ~np.isnan(zz)  # an uncoloured cell shows the white background


def _colour_range(zz: np.ndarray, zmid: float | None, zrange: tuple[float, float] | None) -> tuple[float, float]:
    """What plotly maps to the ends of the colour scale (zmid: equidistant around it)."""
    if zrange is not None:
        return zrange
    finite = zz[np.isfinite(zz)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if zmid is None:
        return lo, hi
    reach = max(abs(hi - zmid), abs(lo - zmid))
    return zmid - reach, zmid + reach


def _evenly_wide(labels: list[list[str]], cell_text: list[list[str]], idx: list[int]) -> np.ndarray:
    """Cell text with every number centred in as many figure spaces (a digit's width) as the longest one
    needs: all cells then fit or all are hidden, where "0" or "fj" alone would be left in an empty grid."""
    width = max(3, max(len(_visible(cell_text[i][j])) for i in idx for j in idx))

    def centred(t: str) -> str:  # str.center on the visible text; markup is zero width
        pad = width - len(_visible(t))
        return FIGURE_SPACE * (pad // 2) + t + FIGURE_SPACE * (pad - pad // 2)

    return np.array([[f"{labels[r][c]}<br>{centred(cell_text[i][j])}" for c, j in enumerate(idx)]
                     for r, i in enumerate(idx)], dtype=object)


def _text_layers(names: list[str], text: np.ndarray, white: np.ndarray) -> list[go.Heatmap]:
    """The cell text as two see-through heatmaps over the coloured one: dark text, and white text where the
    colour is dark. plotly draws a heatmap's text natively (fast); a bar per cell took 0.5 s more to draw.
    They never answer a hover or a tap: the heatmap below does."""
    clear = [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]]
    return [go.Heatmap(z=np.zeros(text.shape), x=names, y=names, text=np.where(mask, text, ""),
                       texttemplate="%{text}", textfont=dict(size=TEXT_PX, color=colour), colorscale=clear,
                       showscale=False, hoverinfo="skip", xgap=1, ygap=1)
            for colour, mask in ((DARK_TEXT, ~white), ("white", white)) if mask.any()]


def text_min_width(V: int, text: np.ndarray) -> int:
    """The chart width (px) below which the cell text cannot fit at TEXT_PX: the page hides it there
    (ui.a11y.hide_cell_text_below, called by ui.charts.plot), leaving colour, every letter, and the numbers on a tap."""
    chars = max(len(_visible(line)) for t in text.flat for line in t.split("<br>"))
    return round(V * (chars * 0.52 * TEXT_PX + 2)) + 70  # a digit is 0.5 em; 2 px a gap; 70: the axes' space


def bigram_heatmap(
    z: torch.Tensor,
    itos: list[str],
    *,
    cell_text: list[list[str]],
    hover: list[list[str]],
    colorscale: str = "Blues",
    zmid: float | None = None,
    colorbar_title: str = "",
    keep: list[int] | None = None,
    show_text: bool = True,
    zrange: tuple[float, float] | None = None,
    showscale: bool = True,
    row_px: int | None = None,
    axis_titles: tuple[str, str] | None = None,
) -> go.Figure:
    """z is (V, V), row = first character. cell_text/hover are per-cell strings (already formatted).

    show_text=False: colour only (the hover keeps the numbers); zrange: the values at the ends of the colour
    scale (default: the data's, around zmid if given); row_px: the height of a row; axis_titles: (x, y) if not
    the next and the first character. The figure has more traces for the text, so set these here rather than
    with fig.update_traces afterwards.
    Labels come from user data, so they are escaped before plotly can read them as markup.
    """
    idx = keep if keep is not None else list(range(len(itos)))
    axis_titles = axis_titles or (_("next character"), _("first character"))
    names = [fmt.plotly_symbol(itos[i]) for i in idx]  # a space shows as ␣, a lone mark on a dotted circle
    zz = z.double()[idx][:, idx].numpy()
    zz = np.where(np.isfinite(zz), zz, np.nan)  # -log 0 = inf: left uncoloured, hover says ∞
    V = len(idx)
    annotated = show_text and V <= MAX_ANNOTATED
    zmin, zmax = _colour_range(zz, zmid, zrange)
    labels = [[names[r] + names[c] for c in range(V)] for r in range(V)]
    text = np.array([[f"{labels[r][c]}<br>{cell_text[i][j]}" for c, j in enumerate(idx)]
                     for r, i in enumerate(idx)], dtype=object)
    hovertext = np.array([[f"<b>{labels[r][c]}</b><br>{hover[i][j]}" for c, j in enumerate(idx)]
                          for r, i in enumerate(idx)], dtype=object)  # arrays: plotly validates lists item by item
    traces = [go.Heatmap(
        z=zz,
        x=names,
        y=names,
        text=text if annotated else None,  # the labels as data; the bars below draw them
        hovertext=hovertext,
        hovertemplate="%{hovertext}<extra></extra>",
        colorscale=colorscale,
        zmid=zmid,
        zmin=zrange[0] if zrange else None,  # None: plotly's own range, which _colour_range mirrors
        zmax=zrange[1] if zrange else None,
        xgap=1,
        ygap=1,
        showscale=showscale,
        # under the grid, across: at the side it would take a fifth of a phone's width
        colorbar=dict(title=dict(text=colorbar_title, side="top"), orientation="h", thickness=10,
                      x=0.5, xanchor="center", y=-0.01, yanchor="top", len=0.6),
    )]
    if annotated:
        drawn = _evenly_wide(labels, cell_text, idx)
        traces += _text_layers(names, drawn, _needs_white(zz, colorscale, zmin, zmax))
    every_letter = V <= MAX_ANNOTATED  # beyond that plotly thins the ticks so they do not overlap
    axis = dict(type="category", dtick=1 if every_letter else None, tickfont=dict(size=11), fixedrange=True)
    row_px = row_px or (ROW_PX if annotated else ROW_PX_COLOUR_ONLY)
    layout = dict(
        height=row_px * V + (150 if showscale else 90),  # + the axis above and the colour bar below
        margin=dict(l=10, r=10, t=76, b=10),  # t: the Fullscreen button (25 px), then the title and the letters
        xaxis=dict(axis, side="top", title=dict(text=axis_titles[0], standoff=4)),
        yaxis=dict(axis, autorange="reversed", title=dict(text=axis_titles[1], standoff=10)),
        meta={"text_min_width": text_min_width(V, drawn)} if annotated else None,
        plot_bgcolor="white",
        dragmode=False,  # a swipe scrolls the page (plotly.js#2844); a tap still shows the cell's numbers
        modebar=dict(remove=MODEBAR_REMOVE),
        hoverlabel=dict(font_size=14),
    )
    return go.Figure(data=traces, layout=layout)
