"""Beyond the lecture: counting models that look back 1 to 4 characters, and why the table runs out."""

import streamlit as st

from core import SETTINGS, ngram
from core.data import split_sizes
from ui import fmt, i18n, state
from ui.charts import plot
from ui.figures.context import nll_figure, samples, summaries
from ui.i18n import N_, _
from ui.page import page

s = page(N_("How much context? Counting with 1 to 4 characters"), chapter="together",
         url_keys=("ngram_num_samples",))
corpus, k, V = s.corpus, s.smoothing, len(s.corpus.vocab)
st.markdown(_(
    "The lecture's model looks back one character; a table indexed by the last two, three or four characters guesses "
    "the next one much better on the names it counted. But it needs a row for each of V^n contexts, and most of them "
    "never occur even once — the lecture's closing reason to switch to a neural net, which shares what it learns "
    "between similar contexts."
))
if len(corpus.words) < 3:
    st.warning(_("This needs at least 3 names — some to count, some held out to test on — and {name} has {n}. Load a "
                 "longer word list.").format(name=fmt.md_code(corpus.name), n=len(corpus.words)))
    st.stop()
n_train, n_dev, _n_test = split_sizes(len(corpus.words))
st.caption(_(
    "Counted on the training part of a seeded {split} split ({train} names, seed {seed}) and scored on the dev part "
    "({dev} names) it never saw. V = {V}; smoothing k = {k} fake counts per cell (sidebar)."
).format(split=fmt.split_shares(), train=fmt.count(n_train), seed=s.seed,
         dev=fmt.count(n_dev), V=V, k=fmt.smoothing(k)))


def size(n_bytes: int) -> str:
    """Bytes as one reads a file size."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.3g} {unit}"
    return _("{n} bytes").format(n=n_bytes)


def share(x: float) -> str:
    return "0%" if x == 0 else f"{x:.2%}"


def label(n: int) -> str:
    return _("{n} (bigram)").format(n=n) if n == 1 else str(n)


with st.spinner(_("Counting n-grams…")):  # shown only if it takes more than half a second
    rows = summaries(corpus.digest, s.seed, k, corpus)
st.dataframe({
    "n": [label(r.n) for r in rows],
    "contexts": [r.contexts for r in rows],
    "cells": [r.cells for r in rows],
    "dense": [size(r.dense_bytes) for r in rows],
    "seen": [f"{fmt.count(r.seen)} ({share(r.seen_share)})" for r in rows],
    "dev_unseen": [share(r.dev_unseen_share) for r in rows],
    "train_nll": [fmt.loss(r.train_nll) for r in rows],
    "dev_nll": [fmt.loss(r.dev_nll) for r in rows],
}, hide_index=True, key="ngram_table", column_config={
    "n": st.column_config.TextColumn("n", help=_("Characters of context the model looks back")),
    "contexts": st.column_config.NumberColumn(_("contexts V^n"), format="localized", help=_("Rows of the full table")),
    "cells": st.column_config.NumberColumn(_("cells V^(n+1)"), format="localized",
                                           help=_("One count for every context and next symbol")),
    "dense": st.column_config.TextColumn(_("dense size"), help=_("The full count table as int64, 8 bytes a cell")),
    "seen": st.column_config.TextColumn(_("contexts seen"), help=_(
        "Contexts that occur in the training names at least once: the only rows stored here")),
    "dev_unseen": st.column_config.TextColumn(_("dev: unseen context"), help=_(
        "Share of the dev names' n-grams whose context never occurs in training: the model can only guess uniformly "
        "there")),
    "train_nll": st.column_config.TextColumn(_("train NLL"), help=_("Average NLL on the names that were counted")),
    "dev_nll": st.column_config.TextColumn(_("dev NLL"), help=_("Average NLL on the held-out dev names")),
})
if k == 0:
    st.info(_("At k = 0 a dev name that continues a known context in a way training never saw gets probability 0, so "
              "the dev loss is ∞ — more likely the longer the context. A context never seen at all has no counts to go "
              "on: it is given the uniform row (the limit of k → 0)."), icon="♾️")


def reading() -> str:
    """What the table and the chart show at this smoothing, in words."""
    if ngram.train_falls(rows):
        train = _("The **train** loss falls with every extra character: the table comes close to memorising the names "
                  "it counted.")
    else:
        train = _("The **train** loss stops falling: even on the names it counted, the fake counts swamp the sparse "
                  "rows of long contexts.")
    best = ngram.best_context(rows)
    if best is None:
        dev = _("The **dev** loss is ∞: some dev n-gram continues a known context in a way training never saw.")
    elif best < rows[-1].n:
        dev = _("The **dev** loss is lowest at n = {n}, and longer contexts do worse on names they never counted: "
                "their rows hold a handful of counts or none — overfitting.").format(n=best)
    else:
        dev = _("The **dev** loss is lowest at n = {n}.").format(n=best)
    if k == 0:
        return " ".join([train, dev, _("At k = 0 no fake counts are added, so every continuation training never saw "
                                       "is impossible.")])
    fake, part = ngram.fake_counts(3, V, k)
    return " ".join([train, dev, _(
        "Fake counts weigh more as rows get sparse: a context seen 3 times gets {fake} fake counts beside its 3 real "
        "ones (k = {k} in each of V = {V} cells), so its row is {share} made up."
    ).format(fake=fmt.smoothing(fake), k=fmt.smoothing(k), V=V, share=f"{part:.0%}")])


left, right = st.columns([3, 2])
with left:
    st.header(_("Loss against context length"), anchor=False)
    plot(nll_figure(corpus.digest, s.seed, k, i18n.language(), corpus), "ngram_nll",
         alt=_("Train and dev NLL against the characters of context"))
with right:
    st.header(_("What the numbers say"), anchor=False)
    st.markdown(reading())


@st.fragment
def names_per_model() -> None:
    st.header(_("Names from each model"), anchor=False)
    state.remember("ngram_num_samples", SETTINGS.ngram_samples)
    num = st.columns([1, 4])[0].number_input(_("Names per model"), min_value=1, max_value=SETTINGS.max_ngram_samples,
                                             step=1, key="ngram_num_samples", on_change=state.publish)
    drawn = samples(corpus.digest, s.seed, k, int(num), corpus)
    st.dataframe({str(n): [name or _("(empty)") for name in names] for n, (names, _copied) in drawn.items()},
                 hide_index=True, key="ngram_samples",
                 column_config={str(n): _("n = {n}").format(n=label(n)) for n in drawn})
    copied = ", ".join(_("n = {n}: {copied} of {total}").format(n=n, copied=c, total=len(names))
                       for n, (names, c) in drawn.items())
    caption = _("Seed {seed} for every column, so the columns start alike. Copied straight from the training names — "
                "{copied}.").format(seed=s.seed, copied=copied)
    if k > 0:
        caption += " " + _("Long garbled names come from contexts the table barely knows: their rows are mostly fake "
                           "counts, so nearly uniform.")
    st.caption(caption)


names_per_model()
