"""Step 2–3 of the lecture: count every bigram into the V×V table N and read it."""

import math

import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from core import snippets
from core.explore import followers, grid, neg_log, structure, top_bigrams
from ui import fmt, share
from ui.heatmap import MAX_SHOWN, bigram_heatmap, top_symbols
from ui.share import show_code
from ui.sidebar import sidebar

st.set_page_config(page_title="Counts · makemore explorer", page_icon=":material/text_fields:", layout="wide")
s = sidebar()
corpus, k = s.corpus, s.smoothing
itos, N, P = corpus.vocab.itos, corpus.counts, s.probs
V = len(itos)
B = itos[0]  # the boundary as displayed: "." (or "<.>" when the data itself uses ".")

st.title("Counting bigrams")
st.markdown(
    f"Wrap every name in the boundary token (`emma` → `{B}emma{B}`) and count each pair of "
    "neighbours. The table **N** holds all those counts: row = the first character, column = the "
    "one that follows it, so each row says what tends to come next."
)

MODES = {
    "counts": "N: how often the pair occurs",
    "probabilities": f"P: each row of N + {fmt.smoothing(k)} scaled to sum to 1",
    "−log P": "−log P: how surprised the model is by the pair (∞ = impossible)",
}
mode = st.segmented_control(
    "Colour and label the cells by", list(MODES), default="counts", required=True, key="heatmap_mode"
)
st.caption(f"{MODES[mode]} — smoothing k = {fmt.smoothing(k)} (sidebar). "
           "Hover a cell for all three numbers.")

NLL = neg_log(P)  # (V, V) inf where P = 0
counts, probs, nlls = N.tolist(), P.tolist(), NLL.tolist()  # Python lists: fast per-cell access


def cell_value(i: int, j: int) -> str:
    if mode == "counts":
        return str(counts[i][j])
    if mode == "probabilities":
        return f"{probs[i][j]:.3f}".removeprefix("0")  # ".138": three decimals fit a cell
    return "∞" if math.isinf(nlls[i][j]) else f"{nlls[i][j]:.2f}"


def cell_hover(i: int, j: int) -> str:
    return (f"count {counts[i][j]:,}<br>P = {probs[i][j]:.4f}<br>"
            f"−log P = {fmt.loss(nlls[i][j])}")


keep = top_symbols(N)
if len(keep) < V:
    st.info(f"This dataset has {V} symbols: only the boundary and the {MAX_SHOWN - 1} most frequent "
            "characters are shown (a full table would be too large to read).")
z = {"counts": N, "probabilities": P, "−log P": NLL}[mode]
fig = bigram_heatmap(
    z, itos,
    cell_text=grid(V, keep, cell_value),
    hover=grid(V, keep, cell_hover),
    colorscale="Oranges" if mode == "−log P" else "Blues",
    colorbar_title={"counts": "count", "probabilities": "P", "−log P": "−log P"}[mode],
    keep=keep,
)
st.plotly_chart(fig, key="heatmap")
d1, d2, _ = st.columns([1, 1, 3])
d1.download_button("Counts N as CSV", share.table_csv(N, itos), file_name="counts.csv", mime="text/csv",
                   key="download_counts", icon=":material/download:")
d2.download_button(f"P (k = {fmt.smoothing(k)}) as CSV", share.table_csv(P, itos), file_name="probs.csv",
                   mime="text/csv", key="download_probs", icon=":material/download:")
show_code(snippets.counting_code(share.data_file_name(corpus.name), k), "counting", "N, P and the average NLL")

def names(n: int) -> str:
    return f"{fmt.count(n)} name" + ("" if n == 1 else "s")


st.subheader("Reading the table")
info = structure(N, itos)
c = st.columns(4)
c[0].metric(f"Most common first character (row {B})", info.top_first[0])
c[0].caption(f"{fmt.md_code(B + info.top_first[0])} starts {names(info.top_first[1])}.")
c[1].metric(f"Most common last character (column {B})", info.top_last[0])
c[1].caption(f"{fmt.md_code(info.top_last[0] + B)} ends {names(info.top_last[1])}.")
c[2].metric(f"Empty names (cell {B}{B})", fmt.count(info.empty_names))
c[2].caption("No name is empty, so the boundary is never followed by the boundary.")
c[3].metric("Pairs never seen", f"{fmt.count(info.unseen)} of {fmt.count(V * V)}")
c[3].caption("At smoothing 0 these get P = 0, so −log P = ∞.")
st.markdown(
    f"Row {fmt.md_code(B)} is the distribution of first letters and column {fmt.md_code(B)} that of "
    "last letters. Every occurrence of a character starts one pair and ends another, so each row "
    "sums to the same total as the matching column"
    + (" — true here." if info.row_sums_equal_col_sums else ".")
)

TOP = 15
left, right = st.columns([2, 3], gap="large")
with left:
    st.subheader("The most common bigrams")
    st.dataframe(
        top_bigrams(N, P, itos, n=TOP),
        key="top_bigrams",
        hide_index=True,
        height=35 * (TOP + 1) + 3,  # every row visible, no inner scrolling
        column_config={
            "count": st.column_config.NumberColumn("count", format="localized"),
            "prob": st.column_config.NumberColumn(f"P (k = {fmt.smoothing(k)})", format="%.4f"),
            "nll": st.column_config.NumberColumn("−log P", format="%.4f"),
        },
    )


def label(ch: str) -> str:
    return f"{ch} (start of a name)" if ch == B else ch


def follow_figure(i: int) -> go.Figure:
    df = followers(N, P, itos, i)
    names = [fmt.plotly_text(x) for x in df["next"]]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    fig.add_bar(x=names, y=df["count"], name="count", marker_color="#4C78A8", row=1, col=1,
                hovertemplate="%{x}: %{y:,} times<extra></extra>")
    fig.add_bar(x=names, y=df["prob"], name="P", marker_color="#6C5CE7", row=2, col=1,
                hovertemplate="%{x}: P = %{y:.4f}<extra></extra>")
    fig.update_yaxes(title_text="count", row=1, col=1)
    fig.update_yaxes(title_text=f"P (k = {fmt.smoothing(k)})", row=2, col=1)
    fig.update_xaxes(type="category", tickfont={"size": 12})
    fig.update_layout(height=420, showlegend=False, margin={"t": 10, "b": 10, "l": 10, "r": 10})
    return fig


with right:
    st.subheader("What follows a character?")
    # options are the characters themselves, so a choice survives a change of dataset
    i = corpus.vocab.stoi[st.selectbox("Character", itos, format_func=label, key="follow_char")]
    st.plotly_chart(follow_figure(i), key="follow_chart")
    st.caption(f"Row {fmt.md_code(itos[i])} of N (top) and of P (bottom): the counts, and the "
               "probabilities the model draws the next character from.")
