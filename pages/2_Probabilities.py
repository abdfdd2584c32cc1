"""Step 4 of the lecture: rows of counts into probabilities, and the keepdim bug done for real."""

import math

import plotly.graph_objects as go
import streamlit as st
import torch

from core.explore import grid, samples, smoothed, sums, wrong_probs
from ui import fmt
from ui.heatmap import MAX_SHOWN, bigram_heatmap, top_symbols
from ui.sidebar import sidebar

st.set_page_config(page_title="Probabilities · makemore explorer", page_icon=":material/text_fields:", layout="wide")
s = sidebar()
corpus, k = s.corpus, s.smoothing
itos, N = corpus.vocab.itos, corpus.counts
V = len(itos)
B = itos[0]  # the boundary as displayed
NUM_SAMPLES = 10

right, wrong = s.probs, wrong_probs(N, k)  # (V, V) each
Nk = smoothed(N, k)  # (V, V) what both divide
row_sums = Nk.sum(1)  # (V,)

st.title("Rows into probabilities — and the broadcasting bug")
st.markdown(
    f"To sample the next character we need each row of N (plus k = {fmt.smoothing(k)} fake counts) "
    "to sum to 1, so we divide every row by its own total. One missing argument, `keepdim=True`, "
    "still runs without an error but divides by the wrong totals."
)
st.code(
    f"P = (N + k) / (N + k).sum(1, keepdim=True)  # ({V}, {V}) / ({V}, 1): row i ÷ the sum of row i\n"
    f"W = (N + k) / (N + k).sum(1)                # ({V}, {V}) / ({V},)  : column j ÷ the sum of row j",
    language="python",
)
st.markdown(
    f"**Broadcasting** lines shapes up from the right: a ({V}, 1) column is stretched across the "
    f"{V} columns, so each row is divided by its own sum. A ({V},) vector is read as a row "
    f"(1, {V}) and stretched down the {V} rows, so the cell in column j is divided by the sum of "
    "row j — the columns end up summing to 1, not the rows."
)

wrong_row0, wrong_col0 = float(wrong[0].sum()), float(wrong[:, 0].sum())
c = st.columns(3)
c[0].metric(f"Row {B} of P sums to", f"{float(right[0].sum()):.2f}")
c[1].metric(f"Row {B} of W sums to", f"{wrong_row0:.2f}", delta=f"{wrong_row0 - 1:+.2f} from 1",
            delta_color="inverse" if abs(wrong_row0 - 1) > 1e-6 else "off")
c[2].metric(f"Column {B} of W sums to", f"{wrong_col0:.2f}")


def fraction(x: float) -> str:
    """A count that may carry fractional fake counts: 4,411 or 4,410.01."""
    return f"{x:,.2f}".rstrip("0").rstrip(".")


nk, rs = Nk.tolist(), row_sums.tolist()
names = [fmt.plotly_text(x) for x in itos]
keep = top_symbols(N)
if len(keep) < V:
    st.info(f"This dataset has {V} symbols: the heatmaps show only the boundary and the "
            f"{MAX_SHOWN - 1} most frequent characters; the sums use every symbol.")


def heatmap(table: torch.Tensor, is_wrong: bool) -> go.Figure:
    """A colour-only heatmap (cells too small for text) whose hover shows the division done."""
    t = table.tolist()

    def hover(i: int, j: int) -> str:
        d = j if is_wrong else i  # the bug divides cell [i, j] by the sum of row j
        return f"{fraction(nk[i][j])} ÷ sum of row {names[d]} ({fraction(rs[d])})<br>= {t[i][j]:.4f}"

    fig = bigram_heatmap(table, itos, cell_text=grid(V, keep, lambda i, j: ""),  # hover has the values
                         hover=grid(V, keep, hover), keep=keep, show_text=False, showscale=False)
    fig.update_layout(height=450, margin={"t": 10})
    # label every character while they fit; constrain: the square sits at the top, no gap under labels
    dtick = 1 if len(keep) <= 30 else None
    fig.update_xaxes(title=None, dtick=dtick, tickfont_size=10, constrain="domain")
    fig.update_yaxes(title=None, dtick=dtick, tickfont_size=10, constrain="domain", constraintoward="top")
    return fig


def sums_figure(table: torch.Tensor) -> go.Figure:
    fig = go.Figure()
    fig.add_bar(x=names, y=table.sum(1).numpy(), name="row sums", marker_color="#4C78A8")
    fig.add_bar(x=names, y=table.sum(0).numpy(), name="column sums", marker_color="#F58518")
    fig.add_hline(y=1, line_dash="dash", line_color="gray", annotation_text="1")
    fig.update_layout(height=260, barmode="group", margin={"t": 10, "b": 10, "l": 10, "r": 10},
                      legend={"orientation": "h", "y": 1.12}, xaxis_type="category")
    return fig


left, rightcol = st.columns(2, gap="large")
with left:
    st.subheader("P = N / N.sum(1, keepdim=True)")
    st.caption("Every row sums to 1. Hover a cell to see the division.")
    st.plotly_chart(heatmap(right, is_wrong=False), key="probs_right")
    st.plotly_chart(sums_figure(right), key="sums_right")
    st.caption("Rows (blue) are all exactly 1: each is a distribution over the next character. "
               "Column sums mean nothing in particular.")
with rightcol:
    st.subheader("W = N / N.sum(1)  ✗")
    st.caption("Every column sums to 1. Hover a cell: it was divided by another row's sum.")
    st.plotly_chart(heatmap(wrong, is_wrong=True), key="probs_wrong")
    st.plotly_chart(sums_figure(wrong), key="sums_wrong")
    st.caption(f"Now the columns (orange) are 1 and the rows are anything: row {B} sums to "
               f"{wrong_row0:.2f}. A row that does not sum to 1 is not a distribution.")

with st.expander("All row and column sums as numbers"):
    st.dataframe(sums(right, wrong, itos), key="sums_table", hide_index=True,
                 column_config={name: st.column_config.NumberColumn(format="%.4f")
                                for name in ["right row sum", "right column sum", "wrong row sum",
                                             "wrong column sum"]})

st.subheader("Sampling from each table")
st.markdown(
    "The sampler rescales each row to sum to 1 before it draws (as `torch.multinomial` does), so "
    "the broken table never raises an error: it silently draws from rows proportional to "
    "N[i, j] ÷ sum of row j. Each count is divided by how common the *next* character is, which "
    "boosts rare characters and makes the end token unlikely: names run long, some to the "
    "50-character cap."
)
table, nll_right, nll_wrong = samples(right, wrong, corpus.vocab, NUM_SAMPLES, s.seed)
for nll_col in ["right: NLL", "wrong: NLL"]:
    table[nll_col] = table[nll_col].map(fmt.loss)
st.dataframe(table, key="samples", hide_index=True,
             column_config={"right: name": "name from P (keepdim=True)", "right: NLL": "NLL (P's name)",
                            "wrong: name": "name from W (no keepdim)", "wrong: NLL": "NLL (W's name)"})
c = st.columns(2)
for col, side, name, nll_side in ((c[0], "P", "right", nll_right), (c[1], "W", "wrong", nll_wrong)):
    col.metric(f"Average NLL of the names from {side}", fmt.loss(nll_side))
    col.caption(f"Average length {table[name + ': name'].str.len().mean():.1f} characters")
st.caption(f"Both scored by the right P at k = {fmt.smoothing(k)}, with the same seed ({s.seed}); "
           "lower is more name-like. Uniform guessing scores "
           f"log {V} = {fmt.loss(math.log(V))}.")
