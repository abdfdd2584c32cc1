"""The neural-net page's views of one learner's net: a word through it, and what W learned in the counting model's
terms. The page shows one view at a time; each draws the run's current weights."""

from dataclasses import dataclass

import pandas as pd
import streamlit as st
import torch

from core import SETTINGS, Corpus, TrainingDiverged, UnknownCharacterError, init_weights, sample
from core.bigram import to_probs, uniform_nll
from core.neural import (
    Run,
    closest_smoothing,
    converged_weights,
    gradient,
    net_probs,
    smoothing_curve,
    unseen_fake_counts,
    word_gradient,
)

from . import fmt, state
from .charts import plot
from .figures import net
from .i18n import N_, _, option_labels

N_SAMPLES = 10
VIEWS = {"forward": N_("Forward pass of a word"), "probs": N_("softmax(W) against P"),
         "counts": N_("Logits are log-counts"), "reg": N_("Regularisation is smoothing"), "grad": N_("W.grad"),
         "samples": N_("Names from the net")}
GRAD_SCOPES = {"dataset": N_("the whole dataset's loss (what the next step follows)"),
               "word": N_("only the word's examples (the lecture's first backward pass, no regularisation)")}


@dataclass(frozen=True)
class Ctx:
    """What every view draws from."""

    corpus: Corpus
    run: Run
    smoothing: float
    seed: int
    lang: str

    @property
    def wkey(self) -> str:
        return net.weights_key(self.run.W)


def forward_view(c: Ctx) -> None:
    vocab, V = c.corpus.vocab, len(c.corpus.vocab)
    st.markdown(_("Each bigram of a word is one training example: the input `x` is the first character, the label `y` "
                  "the one that follows. Push a word's examples through the net, freshly initialised from the seed "
                  "(the lecture's starting point) or as trained above."))
    left, right = st.columns([1, 2])
    word = left.text_input(_("Word"), key="nn_word", max_chars=SETTINGS.max_line_chars,
                           on_change=state.publish).strip()
    weights = {False: _("random, from the seed"), True: _("trained ({n} steps)").format(n=fmt.count(c.run.steps))}
    trained = right.radio(_("Weights"), list(weights), key="nn_forward_trained", horizontal=True,
                          format_func=weights.get)
    W = c.run.W if trained else init_weights(V, c.seed)
    if not word:
        st.warning(_("Type a word to push through the net."))
        return
    try:
        fw = net.word_forward(c.corpus.digest, net.weights_key(W), word, W, c.corpus)
    except UnknownCharacterError as e:
        st.error(_("{word} contains {char}, which never occurs in {data}: the net has no input row for it. Try another "
                   "word.").format(word=fmt.md_code(e.word), char=fmt.md_code(fmt.symbol(e.char)),
                                   data=fmt.md_code(c.corpus.name)))
        return
    xs, ys = fw.xs.tolist(), fw.ys.tolist()
    pairs = [fmt.symbol(vocab.itos[x]) + fmt.symbol(vocab.itos[y]) for x, y in zip(xs, ys)]
    st.markdown(_("**{n} examples:**").format(n=len(xs)) + " " + " ".join(fmt.md_code(p) for p in pairs)
                + f" — xs = `{xs}`, ys = `{ys}`")
    c1, c2 = st.columns([3, 2])
    with c1:
        st.subheader(_("One-hot inputs"), anchor=False)
        st.caption(_("`F.one_hot(xs, {V})`: one row per example, a single 1 in its input character's column.")
                   .format(V=V))
        plot(net.onehot_figure(c.corpus.digest, word, c.lang, fw, c.corpus), "nn_onehot")
    with c2:
        st.subheader(_("one_hot @ W is a row lookup"), anchor=False)
        if st.session_state.get("nn_example", 0) not in range(len(xs)):
            st.session_state.nn_example = 0  # a shorter word than before (or a label the browser kept): start over
        i = st.selectbox(_("Example"), range(len(xs)), key="nn_example", format_func=lambda i: f"{i}: {pairs[i]}")
        st.markdown(_("Multiplying the one-hot row by W adds up W's rows weighted by 0 or 1, so it returns row {x} of "
                      "W itself (the row of {c}):").format(x=xs[i], c=fmt.md_code(fmt.symbol(vocab.itos[xs[i]]))))
        columns = pd.Index([fmt.symbol(ch) for ch in vocab.itos], name=_("column"))  # a named index: no empty header
        st.dataframe(pd.DataFrame({"one_hot(x) @ W": fw.logits[i].tolist(), f"W[{xs[i]}]": W[xs[i]].tolist()},
                                  index=columns), key="nn_lookup", height=250)
        same = torch.equal(fw.logits[i], W[xs[i]])
        (st.success if same else st.error)(_("Identical: {same}. The logits are just W's row for the input.")
                                           .format(same=same))
    st.subheader(_("What the net predicts for each example"), anchor=False)
    plot(net.bars_figure(c.corpus.digest, net.weights_key(W), word, c.lang, fw, c.corpus), "nn_bars")
    if len(xs) > net.MAX_BARS:
        st.caption(_("Bars for the first {n} of {m} examples; the table lists all.").format(n=net.MAX_BARS, m=len(xs)))
    t1, t2 = st.columns([3, 1])
    t1.dataframe(pd.DataFrame({_("input x"): [fmt.symbol(vocab.itos[x]) for x in xs],
                               _("label y"): [fmt.symbol(vocab.itos[y]) for y in ys],
                               _("p(label)"): [f"{p:.4f}" for p in fw.p],
                               _("log-likelihood"): [fmt.loss(-n) for n in fw.nll],
                               "NLL": [fmt.loss(n) for n in fw.nll]}), key="nn_examples", hide_index=True)
    t2.metric(_("Average NLL over {n} examples").format(n=len(xs)), fmt.loss(fw.mean_nll),
              help=_("The loss of this word: the mean of the NLL column. Random W is worse than a uniform guess "
                     "(log V = {u}).").format(u=f"{uniform_nll(V):.4f}"))


def probs_view(c: Ctx) -> None:
    vocab, k = c.corpus.vocab, c.smoothing
    st.markdown(_("Exponentiate the logits and normalise each row: that is the net's probability table. Next to it, "
                  "the counting model's P at smoothing {k}.").format(k=fmt.smoothing(k)))
    net_fig, counts_fig = net.prob_pair(c.corpus.digest, c.wkey, k, c.lang, c.run.W, c.corpus)
    h1, h2 = st.columns(2)
    with h1:
        st.markdown(_("**The net: softmax(W)**"))
        plot(net_fig, "nn_probs")
    with h2:
        st.markdown(_("**The counts: P at smoothing {k}**").format(k=fmt.smoothing(k)))
        plot(counts_fig, "nn_counts_probs")
    d, fig = net.difference(c.corpus.digest, c.wkey, k, c.lang, c.run.W, c.corpus)
    st.markdown(_("**Difference softmax(W) − P** (blue: the net gives more, red: less)"))
    g1, g2 = st.columns([4, 1])
    with g1:
        plot(fig, "nn_diff")
    g2.metric(_("Largest |Δ|"), f"{abs(d.value):.4f}", help=_("The biggest disagreement between the two tables."))
    g2.markdown(_("at {pair}: net {a}, counts {b}").format(
        pair=fmt.md_code(fmt.symbol(vocab.itos[d.row]) + fmt.symbol(vocab.itos[d.col])),
        a=f"{float(net_probs(c.run.W)[d.row, d.col]):.4f}", b=f"{float(c.corpus.probs(k)[d.row, d.col]):.4f}"))


def counts_view(c: Ctx) -> None:
    st.markdown(_("exp(W) plays the role of N. A row of logits is only fixed up to an added constant (softmax ignores "
                  "it), so scale each row of exp(W) to the row total of N and compare cell by cell."))
    e1, e2 = st.columns([3, 1])
    with e1:
        plot(net.counts_scatter(c.corpus.digest, c.wkey, c.lang, c.run.W, c.corpus), "nn_counts")
    fake = unseen_fake_counts(c.run.W, c.corpus.counts)
    if fake is not None:
        e2.metric(_("Counts the net gives an unseen pair"), f"{fake:.2f}",
                  help=_("Mean rescaled exp(W) over the bigrams that never occur: N says 0."))
        e2.caption(_("{n} bigrams never occur. The net cannot give them exactly 0 (that would need a logit of −∞), so "
                     "it hands them a few fake counts: smoothing, again.").format(
                         n=fmt.count(int((c.corpus.counts == 0).sum()))))


@st.cache_data(max_entries=16, show_spinner=False)
def _curve(digest: str, _counts: torch.Tensor) -> list[tuple[float, float]]:
    return smoothing_curve(_counts, SETTINGS.curve_regs, max_steps=converge_steps(_counts.shape[0]))


@st.cache_data(max_entries=64, show_spinner=False)
def _converged_k(digest: str, reg: float, _counts: torch.Tensor) -> float:
    W = converged_weights(_counts, reg, max_steps=converge_steps(_counts.shape[0]))
    return closest_smoothing(W, _counts)[0]


@st.cache_data(max_entries=64, show_spinner=False)
def _closest_k(digest: str, wkey: str, _W: torch.Tensor, _counts: torch.Tensor) -> tuple[float, float]:
    return closest_smoothing(_W, _counts)


def converge_steps(V: int) -> int:
    """A step costs ~V² work: a large vocabulary gets fewer steps toward convergence, so the page stays quick."""
    return max(500, int(20_000 * (27 / V) ** 2))


def reg_view(c: Ctx) -> None:
    N, reg, digest = c.corpus.counts, float(st.session_state.reg), c.corpus.digest
    st.markdown(_("The reg·mean(W²) term pulls every logit toward 0, i.e. every row toward uniform, just as adding "
                  "fake counts does. For each strength, find the smoothing k whose P is closest to the net's (smallest "
                  "KL divergence, rows weighted by how often they occur)."))
    k_now, kl_now = _closest_k(digest, c.wkey, c.run.W, N) if c.run.steps else (None, None)
    with st.spinner(_("Training a net to convergence…")):  # shown only if it takes more than half a second
        k_conv = _converged_k(digest, reg, N) if reg > 0 else None
        curve = _curve(digest, N)
    r1, r2 = st.columns([1, 2])
    with r1:
        if k_now is not None:
            st.metric(_("Your net ({n} steps) ≈ smoothing").format(n=fmt.count(c.run.steps)), f"{k_now:.3g}",
                      help=_("KL from the counting model at this k: {kl} nats per character.").format(
                          kl=f"{kl_now:.2e}"))
        else:
            st.info(_("Train the net to see which smoothing it matches."))
        if k_conv is not None:
            st.metric(_("reg {r} trained to convergence ≈ smoothing").format(r=f"{reg:g}"), f"{k_conv:.3g}")
            if k_now is not None:
                st.caption(_("Stopping early smooths too: until they converge, the rare rows stay close to the uniform "
                             "start, so a short run matches a larger k."))
        else:
            st.caption(_("With reg 0 nothing holds W back: trained long enough, the net approaches k = 0."))
    with r2:
        plot(net.curve_figure(curve, reg, k_conv, k_now), "nn_reg_curve")
    if k_now is None:
        return
    V = len(c.corpus.vocab)
    rarest = int(N.sum(1).argmin())
    after = _("after {c} ({n} examples)")  # translated now: the widget may call format_func outside this run
    row = st.selectbox(_("Compare one row"), range(V), index=rarest, key="nn_row",
                       format_func=lambda i: after.format(
                           c=fmt.symbol(c.corpus.vocab.itos[i]), n=fmt.count(int(N[i].sum()))))
    plot(net.row_compare_figure({
        _("the net: softmax(W)"): net_probs(c.run.W)[row],
        _("counts at k = {k}").format(k=f"{k_now:.3g}"): to_probs(N, k_now)[row],
        _("raw counts (k = 0)"): to_probs(N, 0.0)[row],
    }, c.corpus.vocab), "nn_row_compare")
    st.caption(_("Rare rows show it best: the fewer examples a row has, the more the pull toward uniform."))


def grad_view(c: Ctx) -> None:
    scope = st.radio(_("Gradient of"), list(GRAD_SCOPES), key="nn_grad_scope", horizontal=True,
                     format_func=option_labels(GRAD_SCOPES))
    word, vocab = st.session_state.get("nn_word", "emma").strip(), c.corpus.vocab
    reg = float(st.session_state.reg)
    try:
        if scope == "word":
            G, key = word_gradient(word, c.run.W, vocab), f"{c.wkey} word {word}"
        else:
            G, key = gradient(c.corpus.counts, c.run.W, reg)[1], f"{c.wkey} reg {reg!r}"
    except UnknownCharacterError:
        st.warning(_("Type a valid word in the forward-pass view to see its gradient."))
        return
    except TrainingDiverged:
        st.warning(_("These weights are too far gone for a finite gradient: reset the training."))
        return
    plot(net.grad_heatmap(c.corpus.digest, key, c.lang, G, c.corpus), "nn_grad")
    end = fmt.md_code(vocab.boundary)
    moving = [fmt.md_code(fmt.symbol(vocab.itos[i])) for i in range(len(vocab)) if G[i].abs().max() > 0]
    st.caption(_("Row i of W is used only when character i is the input, so only rows of characters that occur as "
                 "inputs get a gradient. {end} always does: it is the input of every name's first bigram; the closing "
                 "{end} is only a label, so it shows up in a column, not a row.").format(end=end) + " "
               + (_("For {word} that is the rows {rows}; every other row is exactly 0.").format(
                   word=fmt.md_code(word), rows=", ".join(moving)) if scope == "word" else
                  _("In the whole dataset every character is followed by something (at least the end), so every row "
                    "moves.")))


def samples_view(c: Ctx) -> None:
    st.markdown(_("The same seed ({seed}) draws from softmax(W) and from the counts' P, one after the other.")
                .format(seed=c.seed))
    n1, n2 = st.columns(2)
    vocab = c.corpus.vocab
    n1.markdown(_("**The net after {n} steps**").format(n=fmt.count(c.run.steps)))
    n1.dataframe({_("name"): sample(net_probs(c.run.W), vocab, N_SAMPLES, seed=c.seed)}, key="nn_net_names",
                 hide_index=True)
    n2.markdown(_("**The counting model, smoothing {k}**").format(k=fmt.smoothing(c.smoothing)))
    n2.dataframe({_("name"): sample(c.corpus.probs(c.smoothing), vocab, N_SAMPLES, seed=c.seed)},
                 key="nn_count_names", hide_index=True)


SHOW = {"forward": forward_view, "probs": probs_view, "counts": counts_view, "reg": reg_view, "grad": grad_view,
        "samples": samples_view}
