"""Does it generalise? Loss on held-out names against smoothing and regularisation, samples against
the data, and every name of the dataset ranked by its loss."""

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from core.generalise import (
    REG_GRID,
    REG_STEPS,
    SMOOTHING_KS,
    HeldOut,
    SampleReport,
    Sweep,
    distinct_names,
    held_out,
    ranked_names,
    reg_sweep,
    sample_report,
    search,
    total_variation,
)
from core.scoring import word_nlls
from plotly.subplots import make_subplots

import core
from ui import fmt
from ui.sidebar import SMOOTHING_STEPS, sidebar

N_SAMPLES = 2000
N_SHOWN = 15  # most and least name-like names listed
REG_DEFAULT = 0.01  # the neural-net page's starting strength (the lecture's)
TRAIN_COLOR, DEV_COLOR, MARK_COLOR = "#6C5CE7", "#e4572e", "#00a884"
DATA_COLOR, SAMPLE_COLOR = "#4a78b5", "#e4572e"


@st.cache_data(max_entries=16, show_spinner=False)
def _held_out(digest: str, seed: int, _corpus: core.Corpus) -> HeldOut:
    # the sidebar's ladder is on the curve too, so "Apply" can pick the best step it offers
    return held_out(_corpus.words, _corpus.vocab, seed, np.union1d(SMOOTHING_KS, SMOOTHING_STEPS))


@st.cache_data(max_entries=16, show_spinner="Training the net at each regularisation strength…")
def _reg_sweep(digest: str, seed: int, regs: tuple[float, ...], steps: int, _held: HeldOut) -> Sweep:
    return reg_sweep(_held.train_counts, _held.dev_counts, regs, steps)


@st.cache_data(max_entries=32, show_spinner=False)
def _sample_report(digest: str, smoothing: float, seed: int, n: int, _corpus: core.Corpus) -> SampleReport:
    sampled = core.sample(_corpus.probs(smoothing), _corpus.vocab, n, seed=seed)
    return sample_report(_corpus.words, sampled)


@st.cache_data(max_entries=4, show_spinner=False)
def _distinct(digest: str, _corpus: core.Corpus) -> tuple[list[str], np.ndarray]:
    return distinct_names(_corpus.words)


@st.cache_data(max_entries=32, show_spinner=False)
def _ranked(digest: str, smoothing: float, _corpus: core.Corpus) -> pd.DataFrame:
    names, counts = _distinct(digest, _corpus)
    return ranked_names(names, counts, word_nlls(names, _corpus.probs(smoothing), _corpus.vocab))


def _apply(key: str, value: float) -> None:
    # runs before the next script run, so before the widget that owns `key` is drawn
    st.session_state[key] = value


def log_ticks(lo: float, hi: float) -> list[float]:
    """1, 2, 5 × 10^e inside [lo, hi] for a short range, powers of ten for a long one (never "100µ")."""
    mantissas = (1, 2, 5) if hi / lo <= 1e3 else (1,)
    decades = range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
    return [m * 10.0**e for e in decades for m in mantissas if lo <= m * 10.0**e <= hi]


def zero_marker(fig: go.Figure, y: float, top: float, color: str, hover: str) -> None:
    """A value at 0 in the narrow left panel; an infinite one as a triangle at the top, marked ∞."""
    finite = math.isfinite(y)
    fig.add_scatter(x=["0"], y=[y if finite else top], mode="markers+text", showlegend=False,
                    marker=dict(color=color, size=11, symbol="circle" if finite else "triangle-up"),
                    text=None if finite else [fmt.loss(y)], textposition="bottom center",
                    hovertemplate=f"{hover} {fmt.loss(y)}<extra></extra>", row=1, col=1)


def sweep_figure(sweep: Sweep, knob: str, current: float, current_label: str,
                 window: tuple[float, float] | None = None) -> go.Figure:
    """Train and dev NLL against a knob: 0 in its own narrow panel (a log axis has no 0), the rest on a
    log axis (within `window` if given). The best value for dev is a star; `current` a dotted line."""
    pos = sweep.values > 0
    if window is not None:
        pos &= (sweep.values >= window[0]) & (sweep.values <= window[1])
    x = sweep.values[pos]
    shown = np.concatenate([sweep.train[pos], sweep.dev[pos], sweep.train[:1], sweep.dev[:1]])
    lo, hi = float(shown[np.isfinite(shown)].min()), float(shown[np.isfinite(shown)].max())
    pad = max(hi - lo, 1e-4) * 0.08
    top = hi + pad  # where an infinite value is drawn
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.08, 0.92],
                        horizontal_spacing=0.015)
    # dev drawn first and wider: where the two lines coincide, both stay visible
    lines = [("dev (held out)", sweep.dev, DEV_COLOR, 5), ("train", sweep.train, TRAIN_COLOR, 2)]
    for name, y, color, width in lines:
        fig.add_scatter(x=x, y=y[pos], mode="lines", name=name, line=dict(color=color, width=width),
                        hovertemplate=f"{knob} %{{x:.3g}}: {name} NLL %{{y:.5f}}<extra></extra>",
                        row=1, col=2)
        zero_marker(fig, float(y[0]), top, color, f"{knob} 0: {name} NLL")
    best = sweep.best
    fig.add_scatter(x=[best if best > 0 else "0"], y=[sweep.dev[sweep.best_index]], mode="markers",
                    name=f"best for dev: {best:.3g}", hovertemplate=f"best {knob}: %{{x}}<extra></extra>",
                    marker=dict(symbol="star", size=18, color=MARK_COLOR, line=dict(color="white", width=1)),
                    row=1, col=2 if best > 0 else 1)
    if current == 0 or window is None or window[0] <= current <= window[1]:
        fig.add_scatter(x=[current if current > 0 else "0"] * 2, y=[lo - pad, top + pad], mode="lines",
                        name=f"{current_label}: {fmt.smoothing(current)}", hoverinfo="skip",
                        line=dict(color="grey", dash="dot"), row=1, col=2 if current > 0 else 1)
    ticks = log_ticks(float(x.min()), float(x.max()))
    fig.update_xaxes(type="category", row=1, col=1)
    fig.update_xaxes(type="log", title=knob, tickvals=ticks, ticktext=[fmt.smoothing(t) for t in ticks],
                     row=1, col=2)
    fig.update_yaxes(title="average NLL", range=[lo - pad, top + pad], row=1, col=1)
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    return fig


def overlay_figure(table: pd.DataFrame, title: str, numeric: bool = False) -> go.Figure:
    """Dataset and sample shares of each value as two overlaid bar series."""
    labels = list(table.index) if numeric else [fmt.plotly_text(str(v)) for v in table.index]
    fig = go.Figure()
    series = [("dataset", "dataset names", DATA_COLOR), ("sampled", "sampled names", SAMPLE_COLOR)]
    for col, name, color in series:
        fig.add_bar(x=labels, y=table[col].tolist(), name=name, marker_color=color, opacity=0.55,
                    hovertemplate=f"{name}, %{{x}}: %{{y:.1%}}<extra></extra>")
    xaxis = dict(type="linear", dtick=1 if len(table) <= 40 else 5) if numeric else dict(type="category")
    fig.update_layout(barmode="overlay", height=300, margin=dict(l=10, r=10, t=40, b=10), title=title,
                      xaxis=xaxis, yaxis=dict(tickformat=".0%", title="share of names"),
                      legend=dict(orientation="h", x=1, xanchor="right", y=1.02, yanchor="bottom"))
    return fig


def cost(delta: float) -> str:
    """+1's effect on a loss in words: a higher loss is a cost, a lower one a gain."""
    return f"costs {delta:.4f}" if delta > 0 else f"gains {-delta:.4f}"


def plus_one_sentence(h: HeldOut) -> str:
    p = h.plus_one
    if p.n_unseen == 0:
        return (f"Every bigram of the dev names occurs in train, so k = 0 is finite on dev: "
                f"{fmt.loss(p.dev_k0)}; +1 {cost(p.dev_k1 - p.dev_k0)} ({fmt.loss(p.dev_k1)} at k = 1).")
    unseen = (f"**{fmt.count(p.n_unseen)} of the {fmt.count(p.n_dev)} dev names** hold a bigram that never "
              f"occurs in train, so at k = 0 the dev NLL is **∞**; +1 makes it **{fmt.loss(p.dev_k1)}**, "
              f"with {fmt.loss(p.unseen_k1)} on average for those {fmt.count(p.n_unseen)}.")
    if p.n_unseen == p.n_dev:
        return unseen
    return (unseen + f" On the other {fmt.count(p.n_dev - p.n_unseen)}, +1 {cost(p.seen_k1 - p.seen_k0)} "
            f"({fmt.loss(p.seen_k0)} at k = 0, {fmt.loss(p.seen_k1)} at k = 1): probability taken from pairs "
            "that happen and given to pairs that never do.")


def the_split(h: HeldOut, seed: int) -> None:
    st.header("The split")
    st.markdown(
        "A model is only as good as its loss on names it never saw. So the names are shuffled with the "
        "sidebar's seed and cut 80/10/10: the counts come from **train** only, **dev** picks the "
        "settings, and **test** is kept for one last, honest number."
    )
    m = st.columns(4)
    for col, label, n in zip(m[:3], ["train names", "dev names", "test names"], h.sizes, strict=True):
        col.metric(label, fmt.count(n))
    m[3].metric("seed", str(seed), help="The sidebar's seed: change it for another shuffle.")
    chars = (f" Here {', '.join(fmt.md_code(c) for c in h.dev_only_chars)} occur only in dev names."
             if h.dev_only_chars else "")
    st.caption(
        "The table's rows and columns come from all the names, so a character that no train name uses "
        "still has a row (empty: its bigrams count as never seen), and dev names never hit a missing row."
        + chars
    )


def smoothing_section(h: HeldOut, smoothing: float) -> None:
    sw = h.smoothing
    st.header("Smoothing on unseen names")
    st.markdown(
        "More fake counts always make the **train** loss worse: the model moves away from the very counts it "
        "is scored on. On **dev** they first help, because they give names with never-seen pairs a finite "
        "loss, then hurt once rows become too flat. The dev minimum is the smoothing to use."
    )
    ladder = sw.best_among(SMOOTHING_STEPS)
    left, right = st.columns(2)
    left.plotly_chart(sweep_figure(sw, "smoothing k", smoothing, "sidebar"), key="k_curve")
    center = sw.best if sw.best > 0 else float(sw.values[1])  # a log axis cannot centre on 0
    zoom = sweep_figure(sw, "smoothing k", smoothing, "sidebar", window=(center / 10, center * 10))
    right.plotly_chart(zoom, key="k_zoom")
    right.caption("Zoomed to one decade either side of the best k, where train and dev part.")
    st.markdown(plus_one_sentence(h))
    best_dev, ladder_dev = float(sw.dev[sw.best_index]), sw.at(ladder)[1]
    if ladder == sw.best:
        note = f"Dev NLL is lowest at **k = {fmt.smoothing(ladder)}** ({fmt.loss(best_dev)}), a sidebar step."
    else:
        note = (f"Dev NLL is lowest at k ≈ {sw.best:.3g} ({fmt.loss(best_dev)}). The sidebar's ladder has no "
                f"such step; its best is **k = {fmt.smoothing(ladder)}** (dev {fmt.loss(ladder_dev)}).")
    if smoothing == ladder:
        note += " The sidebar is set to it."
    st.markdown(note)
    st.button(f"Apply k = {fmt.smoothing(ladder)}", key="apply_best_k", on_click=_apply,
              args=("smoothing", ladder), type="primary", icon=":material/tune:",
              disabled=smoothing == ladder)


def reg_section(h: HeldOut, digest: str, seed: int) -> None:
    st.header("The net's regularisation on unseen names")
    st.markdown(
        f"The same question for the neural net: trained on the train counts ({REG_STEPS} steps at learning "
        "rate 50, each strength starting from the next stronger one's weights), how well does it score dev "
        "names? The dev loss here is the plain NLL, without the reg·mean(W²) term."
    )
    sw = _reg_sweep(digest, seed, REG_GRID, REG_STEPS, h)
    current = float(st.session_state.get("reg", REG_DEFAULT))
    left, right = st.columns([3, 2], vertical_alignment="center")
    fig = sweep_figure(sw, "regularisation strength", current, "neural-net page")
    left.plotly_chart(fig, key="reg_curve")
    best_train, best_dev = sw.at(sw.best)
    with right:
        st.markdown(
            f"Dev NLL is lowest at **reg = {sw.best:g}**: {fmt.loss(best_dev)} (train "
            f"{fmt.loss(best_train)}). A stronger pull flattens the rows like a large k. Reg 0 stays finite "
            "only because training stops: with no pull, the logits of never-seen pairs keep sinking toward "
            "−∞ with every step."
        )
        st.button(f"Apply reg = {sw.best:g}", key="apply_best_reg", on_click=_apply, args=("reg", sw.best),
                  type="primary", icon=":material/tune:", disabled=current == sw.best)
        st.caption(f"The neural-net page's regularisation strength is now {current:g}"
                   + (" (its default)." if "reg" not in st.session_state else "."))


def samples_section(corpus: core.Corpus, smoothing: float, seed: int) -> None:
    st.header("Sampled names against the real ones")
    r = _sample_report(corpus.digest, smoothing, seed, N_SAMPLES, corpus)
    (one_data, one_sampled), tv = r.one_letter, {what: total_variation(t) for what, t in r.tables.items()}
    st.markdown(
        f"{fmt.count(N_SAMPLES)} names from the counting model at smoothing {fmt.smoothing(smoothing)} "
        f"(seed {seed}). One character of context cannot tell how long a name already is: it ends a name "
        "whenever the current letter often ends names, so lengths fall off roughly geometrically — "
        f"**{one_sampled:.1%}** of samples have one letter (dataset: {one_data:.1%}) and "
        f"**{r.beyond_longest:.1%}** are longer than the longest dataset name ({r.longest}). First and last "
        "letters, which the table does hold (row `.` and column `.`), come out close: they differ from the "
        f"data's by {tv['first letter']:.1%} and {tv['last letter']:.1%} (total variation)."
    )
    st.plotly_chart(overlay_figure(r.tables["length"], "Length (letters)", numeric=True), key="hist_length")
    left, right = st.columns(2)
    left.plotly_chart(overlay_figure(r.tables["first letter"], "First letter"), key="hist_first")
    right.plotly_chart(overlay_figure(r.tables["last letter"], "Last letter"), key="hist_last")
    if r.empty:
        st.caption(f"{fmt.count(r.empty)} sampled names are empty (the end was drawn first): they have a "
                   "length, 0, but no first or last letter.")


def ranking_section(corpus: core.Corpus, smoothing: float) -> None:
    st.header("Every name ranked by its loss")
    table = _ranked(corpus.digest, smoothing, corpus)
    st.markdown(
        f"Each of the {fmt.count(len(table))} distinct names scored by the model built from all of them, at "
        f"smoothing {fmt.smoothing(smoothing)}: a low average NLL means a name made of common pairs."
    )
    config = {"nll": st.column_config.NumberColumn("average NLL", format="%.4f"),
              "count": st.column_config.NumberColumn("occurrences")}
    left, right = st.columns(2)
    left.subheader(f"The {N_SHOWN} most name-like")
    height = 35 * (N_SHOWN + 1) + 3  # every row, no inner scrolling
    left.dataframe(table.head(N_SHOWN), hide_index=True, column_config=config, height=height, key="rank_top")
    right.subheader(f"The {N_SHOWN} least name-like")
    right.dataframe(table.tail(N_SHOWN).iloc[::-1], hide_index=True, column_config=config, height=height,
                    key="rank_bottom")
    query = st.text_input("Search the ranking", key="rank_search", max_chars=100, placeholder="e.g. ann")
    found = search(table, query)
    matched = " match." if query.strip() else "."
    st.caption(f"{fmt.count(len(found))} of {fmt.count(len(table))} names{matched}")
    st.dataframe(found, hide_index=True, column_config=config, height=min(390, 35 * (len(found) + 1) + 3),
                 key="rank_table")


st.set_page_config(page_title="Does it generalise? · makemore explorer", layout="wide")
s = sidebar()
corpus = s.corpus

st.title("Does it generalise?")
st.markdown(
    "Every loss so far scored the model on the very names it was counted from. Here it meets names it "
    "has never seen, and its samples are set against the real thing."
)
try:
    held = _held_out(corpus.digest, s.seed, corpus)
except ValueError as e:  # fewer than 3 names: nothing to hold out
    held = None
    st.warning(fmt.md_escape(f"No train/dev/test split for this dataset: {e}."))
if held is not None:
    the_split(held, s.seed)
    smoothing_section(held, s.smoothing)
    reg_section(held, corpus.digest, s.seed)
samples_section(corpus, s.smoothing, s.seed)
ranking_section(corpus, s.smoothing)
