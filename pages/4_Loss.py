"""Loss of a name: how surprised the model is by each bigram of a typed name, and by the whole dataset."""

import math

import numpy as np
import plotly.graph_objects as go
import streamlit as st

import core
from core import snippets
from core.scoring import SMOOTHING_GRID, NameScore, nll_curve, parse_names, score_name, uniform_nll, word_nlls
from ui import fmt, share, state
from ui.share import show_code
from ui.sidebar import sidebar

MAX_NAMES = 10
MAX_CHARS = 300
INF_COLOR = "#7a0019"


@st.cache_data(max_entries=32, show_spinner=False)
def _dataset_nlls(digest: str, smoothing: float, _corpus: core.Corpus) -> np.ndarray:
    """Each dataset name's average NLL at this smoothing, for ranking a typed name. (W,)"""
    return word_nlls(_corpus.words, _corpus.probs(smoothing), _corpus.vocab)


@st.cache_data(max_entries=16, show_spinner=False)
def _curve(digest: str, _corpus: core.Corpus) -> np.ndarray:
    return nll_curve(_corpus.counts)


def log_p(x: float) -> str:
    return "−∞" if x == -math.inf else f"{x:.4f}"


def bigram_table(score: NameScore):
    t = score.table
    return t.assign(prob=t["prob"].map("{:.4f}".format), logprob=t["logprob"].map(log_p),
                    nll=t["nll"].map(fmt.loss)).rename(
        columns={"prob": "P", "logprob": "log P", "nll": "−log P"})


def bigram_bars(score: NameScore, baseline: float) -> go.Figure:
    """−log P per bigram, coloured by its value; an infinite one is drawn as a capped dark bar marked ∞."""
    t = score.table
    finite = np.isfinite(t["nll"].to_numpy())
    top = max([baseline, *t["nll"][finite]]) * 1.15  # where an infinite bar is cut off
    x = list(range(len(t)))  # positions, not labels: a bigram can occur twice in a name
    labels = [fmt.plotly_text(b) for b in t["bigram"]]
    fig = go.Figure()
    fig.add_bar(
        x=[i for i in x if finite[i]], y=t["nll"][finite], name="−log P", showlegend=False,
        # one fixed colour range (0 .. 2 log V) so colours compare across names and smoothings
        marker=dict(color=t["nll"][finite], colorscale="Reds", cmin=0, cmax=2 * baseline, showscale=False),
        text=[fmt.loss(v) for v in t["nll"][finite]], textposition="inside", insidetextanchor="start",
        textfont=dict(size=13),
        customdata=[[labels[i], p] for i, p in zip(x, t["prob"]) if finite[i]],
        hovertemplate="%{customdata[0]}: P = %{customdata[1]:.4f}, −log P = %{y:.4f}<extra></extra>",
    )
    if not finite.all():
        fig.add_bar(
            x=[i for i in x if not finite[i]], y=[top] * int((~finite).sum()), name="P = 0: −log P = ∞",
            marker=dict(color=INF_COLOR, pattern=dict(shape="/")), text=["∞"] * int((~finite).sum()),
            textposition="outside", customdata=[labels[i] for i in x if not finite[i]],
            hovertemplate="%{customdata}: P = 0, −log P = ∞<extra></extra>",
        )
    # the uniform guess as a legend entry: a label on the line would collide with the bars
    fig.add_scatter(x=[-0.5, len(t) - 0.5], y=[baseline] * 2, mode="lines", hoverinfo="skip",
                    line=dict(dash="dash", color="grey"), name=f"uniform guess: log V = {baseline:.4f}")
    fig.update_layout(
        height=360, uniformtext=dict(minsize=10, mode="hide"), margin=dict(l=10, r=10, t=30, b=10),
        showlegend=True, legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"),
        yaxis=dict(title="−log P", range=[0, top * 1.12]),
        xaxis=dict(tickmode="array", tickvals=x, ticktext=labels, title="bigram", tickfont=dict(size=14)),
    )
    return fig


def rank_sentence(score: NameScore) -> str:
    r, word = score.rank, fmt.md_code(score.word)
    if not math.isfinite(score.nll):
        return f"every one is more likely than {word}, whose loss is infinite."
    top = " — it would be the most likely of all." if r.lower == 0 else "."
    return f"{word} is more likely than {r.beats:.1f}% of them; {fmt.count(r.lower)} have a lower loss{top}"


def rank_figure(dataset_nlls: np.ndarray, score: NameScore) -> go.Figure:
    """Histogram of the dataset names' average NLLs, with the typed name as a line."""
    fig = go.Figure(go.Histogram(x=dataset_nlls, nbinsx=80, marker_color="#8fb3d9",
                                 hovertemplate="NLL %{x}: %{y} names<extra></extra>"))
    word = fmt.plotly_text(score.word)
    if math.isfinite(score.nll):
        fig.add_vline(x=score.nll, line=dict(color="#e4572e", width=3),
                      annotation_text=word, annotation_position="top")
    else:
        fig.add_annotation(text=f"{word}: ∞, off the chart →", x=1, xref="paper", y=1, yref="paper",
                           showarrow=False, font=dict(color=INF_COLOR))
    fig.update_layout(height=260, margin=dict(l=10, r=10, t=30, b=10), bargap=0.05,
                      xaxis_title="average NLL of a dataset name", yaxis_title="names")
    return fig


def curve_figure(nlls: np.ndarray, at_zero: float, k: float, nll_k: float, baseline: float) -> go.Figure:
    """Dataset NLL against smoothing on a log axis; k = 0 (off any log axis) drawn as a level line."""
    fig = go.Figure(go.Scatter(x=SMOOTHING_GRID, y=nlls, mode="lines", name="dataset NLL",
                               hovertemplate="k = %{x:.3g}: NLL %{y:.4f}<extra></extra>"))
    fig.add_hline(y=at_zero, line=dict(dash="dot", color="#e4572e" if k == 0 else "grey"),
                  annotation_text=f"k = 0 (no smoothing; not on a log axis): {fmt.loss(at_zero)}",
                  annotation_position="bottom right")
    fig.add_hline(y=baseline, line=dict(dash="dash", color="grey"),
                  annotation_text=f"uniform: log V = {baseline:.4f}", annotation_position="top left")
    if k > 0:
        fig.add_scatter(x=[k], y=[nll_k], mode="markers+text", marker=dict(size=12, color="#e4572e"),
                        text=[f"k = {fmt.smoothing(k)}: {fmt.loss(nll_k)}"],
                        textposition="top right" if k < 1 else "top left",  # keep the label inside the plot
                        hoverinfo="skip", name="current k")
    fig.update_layout(height=360, margin=dict(l=10, r=10, t=30, b=10), showlegend=False,
                      xaxis=dict(type="log", title="smoothing k (fake counts per cell)"),
                      yaxis_title="average NLL")
    return fig


def show_name(score: NameScore, dataset_nll: float, baseline: float, dataset_nlls: np.ndarray) -> None:
    m = st.columns(4)
    m[0].metric("Log-likelihood", "−∞" if score.loglik == -math.inf else f"{score.loglik:.4f}",
                help="Sum of log P over the name's bigrams: the log of the probability of the whole name")
    delta = f"{score.nll - dataset_nll:+.4f} vs the dataset" if math.isfinite(score.nll) else None
    m[1].metric("Average NLL", fmt.loss(score.nll), delta=delta, delta_color="inverse",
                help=f"−log-likelihood / {len(score.table)} bigrams: the name's loss")
    m[2].metric("Dataset average NLL", fmt.loss(dataset_nll), help="Over every bigram of the dataset")
    m[3].metric("Uniform guess", f"{baseline:.4f}", help="log V: every next symbol equally likely")

    if score.unseen:
        pairs = ", ".join(fmt.md_code(b) for b in score.unseen)
        st.warning(
            f"{pairs} never occurs in the dataset, so at smoothing 0 its probability is 0, and "
            "log 0 = −∞: one impossible bigram makes the whole name infinitely unlikely. Move the "
            "sidebar's **Smoothing** one notch above 0 and every pair gets a little probability.",
            icon="♾️",
        )
    left, right = st.columns([2, 3])
    left.dataframe(bigram_table(score), hide_index=True, key="bigrams")
    right.plotly_chart(bigram_bars(score, baseline), key="bigram_bars")

    st.markdown(f"**Among the dataset's own {fmt.count(score.rank.total)} names**, {rank_sentence(score)}")
    st.plotly_chart(rank_figure(dataset_nlls, score), key="rank_hist")


st.set_page_config(page_title="Loss of a name · makemore explorer", layout="wide")
s = sidebar()
corpus = s.corpus

st.title("The loss of a name")
st.markdown(
    "The model gives every bigram of a name a probability; their product is the probability of "
    "the name (its likelihood). Taking logs turns the product into a sum, and the negative "
    "average of that sum — the **NLL** — is the loss: 0 for a sure thing, larger the more "
    "surprised the model is."
)
state.remember("name", "andrej")
text = st.text_input("Names (separate several with spaces or commas)", max_chars=MAX_CHARS, key="name")
names, dropped = parse_names(text[:MAX_CHARS], MAX_NAMES)  # the box caps typing; the slice caps the rest
if dropped:
    st.warning(f"Only the first {MAX_NAMES} names are scored; {dropped} more were left out.")

baseline = uniform_nll(len(corpus.vocab))
dataset_nll = corpus.nll(s.smoothing)
dataset_nlls = _dataset_nlls(corpus.digest, s.smoothing, corpus)
scores, unknown = [], []
for name in names:
    try:
        scores.append(score_name(name, s.probs, corpus.vocab, corpus.counts, dataset_nlls))
    except core.UnknownCharacterError as e:
        unknown.append(f"- {fmt.md_code(name)} contains {fmt.md_code(e.char)} (U+{ord(e.char):04X})")
if unknown:
    st.error(
        f"These characters never occur in {fmt.md_code(corpus.name)}, so the model has no row or "
        "column for them and cannot score the name. Remove them, or load a dataset that uses them.\n"
        + "\n".join(unknown)
    )

if not names:
    st.info("Type a name above — for example `andrej` — to see how the model scores it.")
elif len(scores) > 1:
    st.dataframe(
        {"name": [sc.word for sc in scores], "bigrams": [len(sc.table) for sc in scores],
         "average NLL": [fmt.loss(sc.nll) for sc in scores],
         "more likely than": [f"{sc.rank.beats:.1f}% of the dataset" for sc in scores]},
        hide_index=True, key="names_table",
    )
    if st.session_state.get("loss_detail", 0) >= len(scores):
        st.session_state.loss_detail = 0  # fewer names than before: the old pick is gone
    pick = st.selectbox("Show the bigrams of", range(len(scores)), format_func=lambda i: scores[i].word,
                        key="loss_detail")
    show_name(scores[pick], dataset_nll, baseline, dataset_nlls)
elif scores:
    show_name(scores[0], dataset_nll, baseline, dataset_nlls)
if scores:
    show_code(snippets.loss_code(share.data_file_name(corpus.name), s.smoothing, scores[0].word), "loss",
              "the loss of the first name")

st.header("The loss of the whole dataset")
st.markdown(
    f"The same average over every bigram of all {fmt.count(len(corpus.words))} names is "
    f"**{fmt.loss(dataset_nll)}** at smoothing {fmt.smoothing(s.smoothing)}. More fake counts pull "
    "every row toward uniform, so the loss climbs slowly from the raw counts' value toward log V."
)
curve = _curve(corpus.digest, corpus)
st.plotly_chart(curve_figure(curve, corpus.nll(0.0), s.smoothing, dataset_nll, baseline), key="nll_curve")
if s.smoothing == 0:
    st.caption("You are at k = 0: the dotted line. A log axis has no place for 0, so it is drawn as a level.")
