"""Beyond the lecture: counting models that look back 1 to 4 characters, and why the table runs out."""

import math
from itertools import pairwise

import plotly.graph_objects as go
import streamlit as st
from core.split import split_words

import core
from core import ngram
from ui import fmt
from ui.sidebar import sidebar

NS = range(1, ngram.MAX_N + 1)
TRAIN, DEV = "#1f77b4", "#e4572e"
COLUMNS = {
    "n": st.column_config.TextColumn(help="Characters of context the model looks back"),
    "contexts V^n": st.column_config.NumberColumn(format="localized", help="Rows of the full table"),
    "cells V^(n+1)": st.column_config.NumberColumn(format="localized",
                                                   help="One count for every context and next symbol"),
    "dense size": st.column_config.TextColumn(help="The full count table as int64, 8 bytes a cell"),
    "contexts seen": st.column_config.TextColumn(
        help="Contexts that occur in the training names at least once: the only rows stored here"),
    "dev: unseen context": st.column_config.TextColumn(
        help="Share of the dev names' n-grams whose context never occurs in training: "
        "the model can only guess uniformly there"),
    "train NLL": st.column_config.TextColumn(help="Average NLL on the names that were counted"),
    "dev NLL": st.column_config.TextColumn(help="Average NLL on the held-out dev names"),
}


@st.cache_data(max_entries=8, show_spinner=False)
def _split(digest: str, seed: int, _corpus: core.Corpus):
    return split_words(_corpus.words, seed)


@st.cache_data(max_entries=16, show_spinner="Counting n-grams…")
def _fit(digest: str, seed: int, n: int, _corpus: core.Corpus) -> ngram.NgramModel:
    # keyed on the dataset's digest, the split's seed and n; the corpus itself is not hashed
    return ngram.fit(_split(digest, seed, _corpus).train, _corpus.vocab, n)


@st.cache_data(max_entries=32, show_spinner=False)
def _summaries(digest: str, seed: int, smoothing: float, _corpus: core.Corpus) -> list[ngram.Summary]:
    split = _split(digest, seed, _corpus)
    return [ngram.summary(_fit(digest, seed, n, _corpus), split.train, split.dev, smoothing) for n in NS]


@st.cache_data(max_entries=32, show_spinner=False)
def _samples(digest: str, seed: int, smoothing: float, num: int, _corpus: core.Corpus) -> dict[int, list[str]]:
    return {n: ngram.sample(_fit(digest, seed, n, _corpus), num, seed=seed, smoothing=smoothing) for n in NS}


def size(n_bytes: int) -> str:
    """Bytes as one reads a file size."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.3g} {unit}"
    return f"{n_bytes} bytes"


def share(x: float) -> str:
    return "0%" if x == 0 else f"{x:.2%}"


def label(n: int) -> str:
    return f"{n} (bigram)" if n == 1 else str(n)


def table(rows: list[ngram.Summary]) -> dict[str, list]:
    return {
        "n": [label(r.n) for r in rows],
        "contexts V^n": [r.contexts for r in rows],
        "cells V^(n+1)": [r.cells for r in rows],
        "dense size": [size(8 * r.cells) for r in rows],
        "contexts seen": [f"{fmt.count(r.seen)} ({share(r.seen_share)})" for r in rows],
        "dev: unseen context": [share(r.dev_unseen_share) for r in rows],
        "train NLL": [fmt.loss(r.train_nll) for r in rows],
        "dev NLL": [fmt.loss(r.dev_nll) for r in rows],
    }


def reading(rows: list[ngram.Summary], k: float, V: int) -> str:
    """What the table and the chart show at this smoothing, in words."""
    if all(a.train_nll > b.train_nll for a, b in pairwise(rows)):
        train = "falls with every extra character: the table comes close to memorising the names it counted"
    else:
        train = ("stops falling: even on the names it counted, the fake counts swamp the sparse rows "
                 "of long contexts")
    finite = [r for r in rows if math.isfinite(r.dev_nll)]
    if not finite:
        dev = "is ∞: some dev n-gram continues a known context in a way training never saw."
    else:
        best = min(finite, key=lambda r: r.dev_nll).n
        dev = f"is lowest at n = {best}"
        if best < rows[-1].n:
            dev += (", and longer contexts do worse on names they never counted: their rows hold a "
                    "handful of counts or none — overfitting")
        dev += "."
    if k == 0:
        fake = "At k = 0 no fake counts are added, so every continuation training never saw is impossible."
    else:
        fake = (f"Fake counts weigh more as rows get sparse: a context seen 3 times gets {fmt.smoothing(V * k)} "
                f"fake counts beside its 3 real ones (k = {fmt.smoothing(k)} in each of V = {V} cells), so "
                f"its row is {V * k / (3 + V * k):.0%} made up.")
    return f"The **train** loss {train}. The **dev** loss {dev} {fake}"


def nll_figure(rows: list[ngram.Summary], baseline: float) -> go.Figure:
    """Train and dev NLL against n; an infinite dev loss is left out of the line and named instead."""
    x = [r.n for r in rows]
    dev = [r.dev_nll if math.isfinite(r.dev_nll) else None for r in rows]
    fig = go.Figure()
    fig.add_scatter(x=x, y=[r.train_nll for r in rows], mode="lines+markers", name="train (the counted names)",
                    line=dict(color=TRAIN, width=3), hovertemplate="n = %{x}: train NLL %{y:.4f}<extra></extra>")
    fig.add_scatter(x=x, y=dev, mode="lines+markers", name="dev (names never counted)",
                    line=dict(color=DEV, width=3), hovertemplate="n = %{x}: dev NLL %{y:.4f}<extra></extra>")
    finite = [r for r in rows if math.isfinite(r.dev_nll)]
    if finite:
        best = min(finite, key=lambda r: r.dev_nll)
        fig.add_annotation(x=best.n, y=best.dev_nll, text="lowest dev loss", showarrow=True, arrowhead=2,
                           ay=-40, font=dict(color=DEV))
    infinite = [str(r.n) for r in rows if not math.isfinite(r.dev_nll)]
    if infinite:
        fig.add_annotation(text=f"dev NLL = ∞ for n = {', '.join(infinite)} (not drawn)", x=1, xref="paper",
                           y=0, yref="paper", xanchor="right", yanchor="bottom", showarrow=False,
                           font=dict(color=DEV, size=14))
    fig.add_hline(y=baseline, line=dict(dash="dash", color="grey"),
                  annotation_text=f"uniform guess: log V = {baseline:.4f}", annotation_position="bottom left")
    fig.update_layout(
        height=380, margin=dict(l=10, r=10, t=30, b=10),
        legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"),
        xaxis=dict(title="characters of context n", tickmode="array", tickvals=x),
        yaxis_title="average NLL",
    )
    return fig


st.set_page_config(page_title="Context length · makemore explorer", layout="wide")
s = sidebar()
corpus, k = s.corpus, s.smoothing

st.title("How much context? Counting with 1 to 4 characters")
st.markdown(
    "The lecture's model looks back one character; a table indexed by the last two, three or four "
    "characters guesses the next one much better on the names it counted. But it needs a row for each "
    "of V^n contexts, and most of them never occur even once — the lecture's closing reason to "
    "switch to a neural net, which shares what it learns between similar contexts."
)
if len(corpus.words) < 3:
    st.warning(f"This needs at least 3 names — some to count, some held out to test on — and "
               f"{fmt.md_code(corpus.name)} has {len(corpus.words)}. Load a longer word list.")
    st.stop()
split = _split(corpus.digest, s.seed, corpus)
st.caption(
    f"Counted on the training part of a seeded 80/10/10 split ({fmt.count(len(split.train))} names, "
    f"seed {s.seed}) and scored on the dev part ({fmt.count(len(split.dev))} names) it never saw. "
    f"V = {len(corpus.vocab)}; smoothing k = {fmt.smoothing(k)} fake counts per cell (sidebar)."
)

rows = _summaries(corpus.digest, s.seed, k, corpus)
st.dataframe(table(rows), hide_index=True, column_config=COLUMNS, key="ngram_table")
if k == 0:
    st.info(
        "At k = 0 a dev name that continues a known context in a way training never saw gets "
        "probability 0, so the dev loss is ∞ — more likely the longer the context. A context never "
        "seen at all has no counts to go on: it is given the uniform row (the limit of k → 0).",
        icon="♾️",
    )

left, right = st.columns([3, 2])
with left:
    st.subheader("Loss against context length")
    st.plotly_chart(nll_figure(rows, math.log(len(corpus.vocab))), key="ngram_nll")
with right:
    st.subheader("What the numbers say")
    st.markdown(reading(rows, k, len(corpus.vocab)))

st.subheader("Names from each model")
num = st.columns([1, 4])[0].number_input("Names per model", min_value=1, max_value=50, value=8, step=1,
                                         key="ngram_num_samples")
samples = _samples(corpus.digest, s.seed, k, int(num), corpus)
st.dataframe(
    {f"n = {label(n)}": [name or "(empty)" for name in names] for n, names in samples.items()},
    hide_index=True, key="ngram_samples",
)
train_names = set(split.train)
copied = ", ".join(f"n = {n}: {sum(name in train_names for name in names)} of {len(names)}"
                   for n, names in samples.items())
garbled = (" Long garbled names come from contexts the table barely knows: their rows are mostly fake "
           "counts, so nearly uniform." if k > 0 else "")
st.caption(
    f"Seed {s.seed} for every column, so the columns start alike. Copied straight from the training "
    f"names — {copied}.{garbled}"
)
