"""The bigram model as a one-layer neural net: one-hot(x) @ W, softmax, trained live until it matches N."""

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
import torch
from plotly.subplots import make_subplots

import core
from core import netviz, snippets
from ui import fmt, share, state, training
from ui.heatmap import bigram_heatmap
from ui.share import show_code
from ui.sidebar import sidebar

MAX_BARS = 12  # examples drawn as probability bars; the table lists every one
N_SAMPLES = 10
HIGHLIGHT, MUTED = "#e4572e", "#b8c4d6"
DEFAULTS = {"nn_word": "emma", "lr": 50.0, "steps": 100, "reg": 0.01, "train_method": "fast"}


@st.cache_data(max_entries=16, show_spinner="Training nets to convergence for a range of strengths…")
def _curve(digest: str, _counts: torch.Tensor) -> list[tuple[float, float]]:
    return netviz.smoothing_curve(_counts)


@st.cache_data(max_entries=64, show_spinner="Training a net to convergence…")
def _converged_k(digest: str, reg: float, _counts: torch.Tensor) -> float:
    return netviz.closest_smoothing(netviz.converged_weights(_counts, reg), _counts)[0]


def chars(vocab: core.Vocab) -> list[str]:
    return [fmt.plotly_text(c) for c in vocab.itos]


def onehot_figure(fw: netviz.Forward, vocab: core.Vocab) -> go.Figure:
    """The one-hot inputs as an n x V image: one lit cell per row, at the input's index."""
    rows = [f"{i}: {fmt.plotly_text(vocab.itos[x])}" for i, x in enumerate(fw.xs.tolist())]
    fig = go.Figure(go.Heatmap(z=fw.xenc.numpy(), x=chars(vocab), y=rows, showscale=False, xgap=1, ygap=1,
                               colorscale=[[0, "#f4f6fb"], [1, "#6C5CE7"]],
                               hovertemplate="example %{y}, column %{x}: %{z:.0f}<extra></extra>"))
    fig.update_layout(height=min(600, 90 + 26 * len(rows)), margin=dict(l=10, r=10, t=30, b=10),
                      xaxis=dict(side="top", type="category", title="column = character index"),
                      yaxis=dict(autorange="reversed", type="category", title="example: input"))
    return fig


def bars_figure(exs: list, vocab: core.Vocab) -> go.Figure:
    """Each example's V output probabilities; the label's bar in colour."""
    shown = exs[:MAX_BARS]
    cols = 2 if len(shown) > 1 else 1
    nrows = math.ceil(len(shown) / cols)
    titles = [f"{fmt.plotly_text(vocab.itos[e.x])} → {fmt.plotly_text(vocab.itos[e.y])}:  p = {e.p:.4f},  "
              f"log p = {-e.nll:.4f},  NLL = {fmt.loss(e.nll)}" for e in shown]
    fig = make_subplots(rows=nrows, cols=cols, subplot_titles=titles, shared_yaxes=True,
                        vertical_spacing=0.5 / nrows, horizontal_spacing=0.04)
    for i, e in enumerate(shown):
        colors = [HIGHLIGHT if j == e.y else MUTED for j in range(len(vocab))]
        fig.add_bar(x=chars(vocab), y=e.probs.tolist(), marker_color=colors, showlegend=False,
                    hovertemplate="next %{x}: %{y:.4f}<extra></extra>", row=i // cols + 1, col=i % cols + 1)
    fig.update_xaxes(type="category", tickfont=dict(size=10))
    fig.update_annotations(font_size=13)
    fig.update_layout(height=70 + 190 * nrows, margin=dict(l=10, r=10, t=40, b=10), bargap=0.15)
    return fig


def prob_pair(net: torch.Tensor, counts: torch.Tensor, vocab: core.Vocab) -> tuple[go.Figure, go.Figure]:
    """The two probability tables as colour only, on one shared scale: at half width, cell numbers would
    be unreadable, so they live in the hover (both values) and in the difference map below."""
    hover = [[f"net {a:.4f} · counts {b:.4f}" for a, b in zip(ra, rb, strict=True)]
             for ra, rb in zip(net.tolist(), counts.tolist(), strict=True)]
    top = float(max(net.max(), counts.max()))
    figs = []
    for P in (net, counts):
        fig = bigram_heatmap(P, vocab.itos, cell_text=hover, hover=hover, colorbar_title="P", show_text=False,
                             zrange=(0.0, top))
        fig.update_layout(height=520)
        fig.update_xaxes(constrain="domain", dtick=1, tickfont_size=10)
        fig.update_yaxes(constrain="domain", dtick=1, tickfont_size=10)
        figs.append(fig)
    return figs[0], figs[1]


def signed(x: float, digits: int) -> str:
    """A signed number, or a plain 0 where it rounds to zero (no '-0.00' noise)."""
    return "0" if round(x, digits) == 0 else f"{x:+.{digits}f}"


def diff_heatmap(d: netviz.ProbDiff, vocab: core.Vocab) -> go.Figure:
    D = d.delta
    text = [[signed(x, 2) for x in row] for row in D.tolist()]
    hover = [[f"softmax(W) − P = {x:+.4f}" for x in row] for row in D.tolist()]
    lim = max(abs(d.value), 1e-6)
    fig = bigram_heatmap(D, vocab.itos, cell_text=text, hover=hover, colorscale="RdBu", zmid=0.0,
                         colorbar_title="Δ", zrange=(-lim, lim))
    fig.update_xaxes(constrain="domain")
    fig.update_yaxes(constrain="domain")
    return fig


def grad_heatmap(G: torch.Tensor, vocab: core.Vocab) -> go.Figure:
    """dloss/dW scaled by one power of ten, so the largest entry reads as a few units (colour bar too)."""
    top = float(G.abs().max())
    exp10 = math.floor(math.log10(top)) if top > 0 else 0
    scaled = G.double() / 10.0**exp10
    text = [[signed(x, 1) for x in row] for row in scaled.tolist()]
    hover = [[f"W.grad = {x:.3e}" for x in row] for row in G.tolist()]
    fig = bigram_heatmap(scaled, vocab.itos, cell_text=text, hover=hover, colorscale="RdBu", zmid=0.0,
                         colorbar_title=f"×10^{exp10}")
    fig.update_xaxes(constrain="domain")
    fig.update_yaxes(constrain="domain")
    return fig


def counts_scatter(N: torch.Tensor, C: torch.Tensor, vocab: core.Vocab) -> go.Figure:
    """Each seen bigram's count against the net's rescaled exp(W): on the diagonal, logits are log-counts."""
    seen = (N > 0).nonzero().tolist()
    names = chars(vocab)
    x = [int(N[i, j]) for i, j in seen]
    y = [float(C[i, j]) for i, j in seen]
    fig = go.Figure(go.Scatter(x=x, y=y, mode="markers", marker=dict(size=6, color="#6C5CE7", opacity=0.6),
                               text=[names[i] + names[j] for i, j in seen],
                               hovertemplate="%{text}: N = %{x}, rescaled exp(W) = %{y:.1f}<extra></extra>"))
    lo, hi = 0.5, max(x) * 2
    fig.add_scatter(x=[lo, hi], y=[lo, hi], mode="lines", line=dict(color="grey", dash="dash"),
                    hoverinfo="skip", showlegend=False)
    fig.update_layout(height=420, margin=dict(l=10, r=10, t=30, b=10), showlegend=False,
                      xaxis=dict(type="log", title="N (bigram count)"),
                      yaxis=dict(type="log", title="exp(W), each row rescaled to N's row total"))
    return fig


def curve_figure(curve: list[tuple[float, float]], reg: float, k_conv: float, k_now: float | None
                 ) -> go.Figure:
    """Closest smoothing k against regularisation strength (log-log), with this page's strength marked."""
    fig = go.Figure()
    fig.add_scatter(x=[r for r, _ in curve], y=[k for _, k in curve], mode="lines+markers",
                    name="trained to convergence", line=dict(color="#6C5CE7"),
                    hovertemplate="reg %{x:g} ≈ smoothing %{y:.3g}<extra></extra>")
    if reg > 0:
        fig.add_scatter(x=[reg], y=[k_conv], mode="markers", name=f"reg {reg:g}, converged",
                        marker=dict(size=13, color=HIGHLIGHT, symbol="diamond"),
                        hovertemplate="reg %{x:g} ≈ smoothing %{y:.3g}<extra></extra>")
    if k_now is not None and reg > 0:
        fig.add_scatter(x=[reg], y=[k_now], mode="markers", name="your net now",
                        marker=dict(size=12, color="#00a884", symbol="circle-open", line=dict(width=3)),
                        hovertemplate="your net: smoothing %{y:.3g}<extra></extra>")
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=30, b=10),
                      legend=dict(orientation="h", y=1.1, x=0),
                      xaxis=dict(type="log", title="regularisation strength"),
                      yaxis=dict(type="log", title="closest smoothing k (fake counts)"))
    return fig


def row_compare_figure(rows: dict[str, torch.Tensor], vocab: core.Vocab) -> go.Figure:
    fig = go.Figure()
    for (name, p), color in zip(rows.items(), ["#6C5CE7", HIGHLIGHT, MUTED], strict=True):
        fig.add_bar(x=chars(vocab), y=p.tolist(), name=name, marker_color=color,
                    hovertemplate="next %{x}: %{y:.4f}<extra></extra>")
    fig.update_layout(height=340, margin=dict(l=10, r=10, t=30, b=10), barmode="group",
                      legend=dict(orientation="h", y=1.12, x=0), xaxis=dict(type="category"), yaxis_title="P")
    return fig


# ---------------------------------------------------------------------------------------------
st.set_page_config(page_title="Neural net · makemore explorer", layout="wide")
s = sidebar()
corpus = s.corpus
vocab, N, V = corpus.vocab, corpus.counts, len(corpus.vocab)
for key, value in DEFAULTS.items():
    state.remember(key, value)
run = training.current_run(corpus, s.seed)

st.title("The same model as a neural net")
st.markdown(
    "Instead of counting, let a single layer of weights **W** (V×V, no bias) guess the next "
    "character: the input character is one-hot encoded, multiplied by W to give V *logits*, and a "
    "softmax turns those into probabilities. Gradient descent on the average NLL then tunes W "
    "until its predictions match the counts."
)

# --- 1. forward pass ------------------------------------------------------------------------
st.header("1 · Forward pass, one word at a time")
st.markdown(
    "Each bigram of a word is one training example: the input `x` is the first character, the "
    "label `y` the one that follows. Push a word's examples through the net: freshly initialised from "
    "the seed (the lecture's starting point) or as trained below."
)
left, right = st.columns([1, 2])
word = left.text_input("Word", key="nn_word", max_chars=64).strip()
weights = {False: "random, from the seed", True: f"trained ({fmt.count(run.steps)} steps)"}
use_trained = right.radio("Weights", list(weights), key="nn_forward_trained", horizontal=True,
                          format_func=weights.get)
W_fwd = run.W if use_trained else core.init_weights(V, s.seed)
fw = exs = None
if not word:
    st.warning("Type a word to push through the net.")
else:
    try:
        fw, exs = netviz.forward(word, W_fwd, vocab), core.examples(word, W_fwd, vocab)
    except core.UnknownCharacterError as e:
        st.error(f"{fmt.md_code(e.word)} contains {fmt.md_code(e.char)}, which never occurs in "
                 f"{fmt.md_code(corpus.name)}: the net has no input row for it. Try another word.")

if exs:
    pairs = [vocab.itos[e.x] + vocab.itos[e.y] for e in exs]
    st.markdown(f"**{len(exs)} examples:** " + " ".join(fmt.md_code(p) for p in pairs)
                + f" — xs = `{fw.xs.tolist()}`, ys = `{fw.ys.tolist()}`")
    c1, c2 = st.columns([3, 2])
    with c1:
        st.subheader("One-hot inputs")
        st.caption(f"`F.one_hot(xs, {V})`: one row per example, a single 1 in its input character's column.")
        st.plotly_chart(onehot_figure(fw, vocab), key="nn_onehot")
    with c2:
        st.subheader("one_hot @ W is a row lookup")
        i = st.selectbox("Example", range(len(exs)), key="nn_example",
                         format_func=lambda i: f"{i}: {pairs[i]}")
        x = exs[i].x
        same = torch.equal(fw.logits[i], W_fwd[x])
        st.markdown(f"Multiplying the one-hot row by W adds up W's rows weighted by 0 or 1, so it returns "
                    f"row {x} of W itself (the row of {fmt.md_code(vocab.itos[x])}):")
        st.dataframe(pd.DataFrame({"one_hot(x) @ W": fw.logits[i].tolist(), f"W[{x}]": W_fwd[x].tolist()},
                                  index=vocab.itos).T, key="nn_lookup")
        (st.success if same else st.error)(f"Identical: {same}. The logits are just W's row for the input.")
    st.subheader("What the net predicts for each example")
    st.plotly_chart(bars_figure(exs, vocab), key="nn_bars")
    if len(exs) > MAX_BARS:
        st.caption(f"Bars for the first {MAX_BARS} of {len(exs)} examples; the table lists all.")
    table = pd.DataFrame({
        "input x": [vocab.itos[e.x] for e in exs], "label y": [vocab.itos[e.y] for e in exs],
        "p(label)": [f"{e.p:.4f}" for e in exs], "log-likelihood": [f"{e.logp:.4f}" for e in exs],
        "NLL": [fmt.loss(e.nll) for e in exs],
    })
    avg = sum(e.nll for e in exs) / len(exs)
    t1, t2 = st.columns([3, 1])
    t1.dataframe(table, key="nn_examples")
    t2.metric(f"Average NLL over {len(exs)} examples", fmt.loss(avg),
              help="The loss of this word: the mean of the NLL column. Random W is worse than a uniform "
                   f"guess (log V = {math.log(V):.4f}).")

# --- 2. training -----------------------------------------------------------------------------
st.header("2 · Training, live")
st.markdown(
    "Each step runs every example of the dataset through the net, averages the NLL, adds a pull "
    "of W toward zero (regularisation) and moves W a little against the gradient. **fast** gets "
    "the same loss and gradient from the counts N in one V×V operation; **one-hot** repeats the "
    f"lecture's loop over all {fmt.count(int(N.sum()))} examples and shows its real pace."
)
floor = corpus.nll(s.smoothing)
training.panel(N, floor, f"counting model, smoothing {fmt.smoothing(s.smoothing)}: {fmt.loss(floor)}",
               math.log(V), drawn_reg=float(st.session_state.reg))
st.caption(
    "The red line is the NLL the counting model reaches at the sidebar's smoothing: the floor the "
    "net heads for. The training loss also contains reg·mean(W²), so it levels off a little above "
    "its NLL part; the grey line is the uniform guess every row starts near."
)

# --- 3. what it learned ------------------------------------------------------------------------
st.header("3 · What it learned")
st.caption(f"Weights after {fmt.count(run.steps)} steps"
           + (" — these views catch up when the run finishes or is paused." if run.training else "."))
W = run.W
P = s.probs
st.download_button(f"W after {fmt.count(run.steps)} steps as .pt", share.weights_pt(W, vocab.itos),
                   file_name="W.pt", mime="application/octet-stream", key="download_W",
                   icon=":material/download:", help="torch.load('W.pt') gives {'W': (V, V) tensor, 'itos': list}")
show_code(snippets.training_code(share.data_file_name(corpus.name), int(st.session_state.steps),
                                 float(st.session_state.lr), float(st.session_state.reg), s.seed),
          "training", "the lecture's training loop with these settings")
st.subheader("softmax(W) against the counts' P")
st.markdown(
    "Exponentiate the logits and normalise each row: that is the net's probability table. Next to it, "
    f"the counting model's P at smoothing {fmt.smoothing(s.smoothing)}."
)
net_fig, counts_fig = prob_pair(netviz.net_probs(W), P, vocab)
h1, h2 = st.columns(2)
h1.markdown("**The net: softmax(W)**")
h1.plotly_chart(net_fig, key="nn_probs")
h2.markdown(f"**The counts: P at smoothing {fmt.smoothing(s.smoothing)}**")
h2.plotly_chart(counts_fig, key="nn_counts_probs")
d = netviz.prob_diff(W, P)
big = vocab.itos[d.row] + vocab.itos[d.col]
st.markdown("**Difference softmax(W) − P** (blue: the net gives more, red: less)")
g1, g2 = st.columns([4, 1])
g1.plotly_chart(diff_heatmap(d, vocab), key="nn_diff")
g2.metric("Largest |Δ|", f"{abs(d.value):.4f}",
          help="The biggest disagreement between the two tables, over all cells.")
g2.markdown(f"at {fmt.md_code(big)}: net {float(netviz.net_probs(W)[d.row, d.col]):.4f}, "
            f"counts {float(P[d.row, d.col]):.4f}")

st.subheader("Logits are log-counts")
st.markdown(
    "exp(W) plays the role of N. A row of logits is only fixed up to an added constant (softmax "
    "ignores it), so scale each row of exp(W) to the row total of N and compare cell by cell."
)
C = netviz.as_counts(W, N.sum(1))
e1, e2 = st.columns([3, 1])
e1.plotly_chart(counts_scatter(N, C, vocab), key="nn_counts")
unseen = N == 0
if unseen.any():
    e2.metric("Counts the net gives an unseen pair", f"{float(C[unseen].mean()):.2f}",
              help="Mean rescaled exp(W) over the bigrams that never occur: N says 0.")
    e2.caption(f"{int(unseen.sum())} bigrams never occur. The net cannot give them exactly 0 "
               "(that would need a logit of −∞), so it hands them a few fake counts: smoothing, again.")

st.subheader("Regularisation is smoothing")
reg = float(st.session_state.reg)
st.markdown(
    "The reg·mean(W²) term pulls every logit toward 0, i.e. every row toward uniform, just as adding "
    "fake counts does. For each strength, find the smoothing k whose P is closest to the net's "
    "(smallest KL divergence, rows weighted by how often they occur)."
)
k_now, kl_now = netviz.closest_smoothing(W, N) if run.steps else (None, None)
k_conv = _converged_k(corpus.digest, reg, N) if reg > 0 else None
r1, r2 = st.columns([1, 2])
with r1:
    if k_now is not None:
        st.metric(f"Your net ({fmt.count(run.steps)} steps) ≈ smoothing", f"{k_now:.3g}",
                  help=f"KL from the counting model at this k: {kl_now:.2e} nats per character.")
    else:
        st.info("Train the net to see which smoothing it matches.")
    if k_conv is not None:
        st.metric(f"reg {reg:g} trained to convergence ≈ smoothing", f"{k_conv:.3g}")
        if k_now is not None:
            st.caption("Stopping early smooths too: until they converge, the rare rows stay close to the "
                       "uniform start, so a short run matches a larger k.")
    else:
        st.caption("With reg 0 nothing holds W back: trained long enough, the net approaches k = 0.")
with r2:
    curve = _curve(corpus.digest, N)
    st.plotly_chart(curve_figure(curve, reg, k_conv or math.nan, k_now), key="nn_reg_curve")
if k_now is not None:
    rarest = int(N.sum(1).argmin())
    row = st.selectbox("Compare one row", range(V), index=rarest, key="nn_row",
                       format_func=lambda i: f"after {vocab.itos[i]} ({fmt.count(int(N[i].sum()))} examples)")
    st.plotly_chart(row_compare_figure({
        "the net: softmax(W)": netviz.net_probs(W)[row],
        f"counts at k = {k_now:.3g}": core.to_probs(N, k_now)[row],
        "raw counts (k = 0)": core.to_probs(N, 0.0)[row],
    }, vocab), key="nn_row_compare")
    st.caption("Rare rows show it best: the fewer examples a row has, the more the pull toward uniform.")

st.subheader("W.grad at the current step")
GRAD_SCOPES = {"dataset": "the whole dataset's loss (what the next step follows)",
               "word": "only the word's examples (the lecture's first backward pass, no regularisation)"}
scope = st.radio("Gradient of", list(GRAD_SCOPES), key="nn_grad_scope", horizontal=True,
                 format_func=GRAD_SCOPES.get)
G = None
if scope == "word" and not exs:
    st.warning("Type a valid word in section 1 to see its gradient.")
else:
    try:
        G = netviz.gradient(netviz.word_counts(word, vocab), W, 0.0)[1] if scope == "word" else \
            netviz.gradient(N, W, reg)[1]
    except core.TrainingDiverged:
        st.warning("These weights are too far gone for a finite gradient: reset the training.")
if G is not None:
    st.plotly_chart(grad_heatmap(G, vocab), key="nn_grad")
    moving = [vocab.itos[i] for i in range(V) if G[i].abs().max() > 0]
    end = fmt.md_code(vocab.boundary)
    st.caption(
        "Row i of W is used only when character i is the input, so only rows of characters that occur as "
        f"inputs get a gradient. {end} always does: it is the input of every name's first bigram; the "
        f"closing {end} is only a label, so it shows up in a column, not a row. "
        + (f"For {fmt.md_code(word)} that is the rows " + ", ".join(fmt.md_code(c) for c in moving)
           + "; every other row is exactly 0." if scope == "word" else
           "In the whole dataset every character is followed by something (at least the end), so every "
           "row moves.")
    )

st.subheader("Names from the net")
st.markdown(f"The same seed ({s.seed}) draws from softmax(W) and from the counts' P, one after the other.")
n1, n2 = st.columns(2)
n1.markdown(f"**The net after {fmt.count(run.steps)} steps**")
n1.dataframe(pd.DataFrame({"name": netviz.sample_net(W, vocab, N_SAMPLES, s.seed)}), key="nn_net_names")
n2.markdown(f"**The counting model, smoothing {fmt.smoothing(s.smoothing)}**")
n2.dataframe(pd.DataFrame({"name": core.sample(P, vocab, N_SAMPLES, seed=s.seed)}), key="nn_count_names")
