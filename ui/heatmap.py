"""The lecture's annotated V x V heatmap: every cell shows its bigram and a number, coloured by value."""

from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go
import torch

from . import fmt

MAX_ANNOTATED = 40  # above this many symbols, text in cells is unreadable: colour and hover only
MAX_SHOWN = 60  # above this, show only the most frequent symbols (a V of 1,000 would be 1M cells)


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
    out = [[""] * V for _ in range(V)]
    for i in keep:
        row = out[i]
        for j in keep:
            row[j] = cell(i, j)
    return out


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
    axis_titles: tuple[str, str] = ("", ""),
) -> go.Figure:
    """z is (V, V), row = first character. cell_text/hover are per-cell strings (already formatted).

    Labels come from user data, so they are escaped before plotly can read them as markup.
    `axis_titles`: (x, y), already translated.
    """
    idx = keep if keep is not None else list(range(len(itos)))
    names = [fmt.plotly_symbol(itos[i]) for i in idx]
    zz = z.double()[idx][:, idx].numpy()
    V = len(idx)
    annotated = V <= MAX_ANNOTATED
    labels = [[names[r] + names[c] for c in range(V)] for r in range(V)]
    text = [[f"{labels[r][c]}<br>{cell_text[i][j]}" for c, j in enumerate(idx)] for r, i in enumerate(idx)]
    hovertext = [[f"<b>{labels[r][c]}</b><br>{hover[i][j]}" for c, j in enumerate(idx)] for r, i in enumerate(idx)]
    fig = go.Figure(
        go.Heatmap(
            z=np.where(np.isfinite(zz), zz, np.nan),  # -log 0 = inf: left uncoloured, hover says ∞
            x=names,
            y=names,
            text=text if annotated else None,
            texttemplate="%{text}" if annotated else None,
            textfont=dict(size=9 if V > 28 else 10),
            hovertext=hovertext,
            hovertemplate="%{hovertext}<extra></extra>",
            colorscale=colorscale,
            zmid=zmid,
            xgap=1,
            ygap=1,
            colorbar=dict(title=colorbar_title, thickness=12),
        )
    )
    side = int(min(960, max(420, 34 * V)))
    fig.update_layout(
        height=side,
        margin=dict(l=10, r=10, t=30, b=10),
        # square cells; when the width is the limit, the grid hugs the top axis instead of floating below it
        xaxis=dict(side="top", type="category", title=axis_titles[0], tickfont=dict(size=11), constrain="domain"),
        yaxis=dict(autorange="reversed", type="category", scaleanchor="x", title=axis_titles[1],
                   tickfont=dict(size=11), constrain="domain", constraintoward="top"),
        plot_bgcolor="white",
    )
    return fig
