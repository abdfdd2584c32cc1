"""Loss of a name: how surprised the model is by each bigram of a typed name, and by the whole dataset."""

import math

import streamlit as st

from core import SETTINGS, UnknownCharacterError, snippets
from core.bigram import uniform_nll
from core.evaluation import NameScore, score_name
from ui import fmt, i18n, share, state
from ui.charts import plot
from ui.figures.loss import bigram_bars, curve_figure, dataset_nlls, rank_figure
from ui.i18n import N_, _
from ui.inputs import parse_names, separator
from ui.page import page

s = page(N_("The loss of a name"), chapter="loss", url_keys=("name",))
corpus, k, lang = s.corpus, s.smoothing, i18n.language()
baseline, dataset_nll = uniform_nll(len(corpus.vocab)), corpus.nll(k)
st.markdown(_(
    "The model gives every bigram of a name a probability; their product is the probability of the name (its "
    "likelihood). Taking logs turns the product into a sum, and the negative average of that sum — the **NLL** — is "
    "the loss: 0 for a sure thing, larger the more surprised the model is."
))


def log_p(x: float) -> str:
    return "−∞" if x == -math.inf else f"{x:.4f}"


def rank_sentence(score: NameScore) -> str:
    r, word = score.rank, fmt.md_code(score.word)
    if not math.isfinite(score.nll):
        return _("every one is more likely than {word}, whose loss is infinite.").format(word=word)
    if r.lower == 0:
        template = _("{word} is more likely than {share}% of them; {n} have a lower loss — it would be the most "
                     "likely of all.")
    else:
        template = _("{word} is more likely than {share}% of them; {n} have a lower loss.")
    return template.format(word=word, share=f"{r.beats:.1f}", n=fmt.count(r.lower))


def show_name(score: NameScore) -> None:
    m = st.columns(4)
    m[0].metric(_("Log-likelihood"), log_p(score.loglik),
                help=_("Sum of log P over the name's bigrams: the log of the probability of the whole name"))
    delta = _("{d} vs the dataset").format(d=f"{score.nll - dataset_nll:+.4f}") if math.isfinite(score.nll) else None
    m[1].metric(_("Average NLL"), fmt.loss(score.nll), delta=delta, delta_color="inverse",
                help=_("−log-likelihood / {n} bigrams: the name's loss").format(n=len(score.table)))
    m[2].metric(_("Dataset average NLL"), fmt.loss(dataset_nll), help=_("Over every bigram of the dataset"))
    m[3].metric(_("Uniform guess"), f"{baseline:.4f}", help=_("log V: every next symbol equally likely"))
    if score.unseen:
        st.warning(_(
            "{pairs} never occurs in the dataset, so at smoothing 0 its probability is 0, and log 0 = −∞: one "
            "impossible bigram makes the whole name infinitely unlikely. Move the sidebar's **Smoothing** one notch "
            "above 0 and every pair gets a little probability."
        ).format(pairs=", ".join(fmt.md_code(b) for b in dict.fromkeys(score.unseen))), icon="♾️")
    left, right = st.columns([2, 3])
    t = score.table
    shown = t.assign(prob=t["prob"].map("{:.4f}".format), logprob=t["logprob"].map(log_p), nll=t["nll"].map(fmt.loss))
    left.dataframe(shown.rename(columns={"prob": "P", "logprob": "log P", "nll": "−log P"}), hide_index=True,
                   key="bigrams", column_config={"bigram": _("bigram"), "count": _("count")})
    with right:
        plot(bigram_bars(corpus.digest, k, score.word, lang, score, baseline), "bigram_bars")
    st.markdown(_("**Among the dataset's own {n} names**, {sentence}").format(
        n=fmt.count(score.rank.total), sentence=rank_sentence(score)))
    plot(rank_figure(corpus.digest, k, score.word, lang, score, corpus), "rank_hist")


@st.fragment
def names_box() -> None:
    sep = separator(corpus.vocab)
    how = (_("separate several with {sep}").format(sep=fmt.md_code(sep)) if sep else _("one name at a time"))
    text = st.text_input(_("Names ({how})").format(how=how), key="name", on_change=state.publish)
    if len(text) > SETTINGS.max_typed_chars:
        st.warning(_("That is {n} characters: only the first {cap} were used.").format(
            n=fmt.count(len(text)), cap=SETTINGS.max_typed_chars))
    names, dropped = parse_names(text[:SETTINGS.max_typed_chars], corpus.vocab, SETTINGS.max_typed_names)
    if dropped:
        st.warning(_("Only the first {n} names are scored; {m} more were left out.").format(
            n=SETTINGS.max_typed_names, m=dropped))
    nlls = dataset_nlls(corpus.digest, k, corpus)
    scores, unknown = [], []
    for name in names:
        try:
            scores.append(score_name(name, s.probs, corpus.vocab, corpus.counts, nlls))
        except UnknownCharacterError as e:
            unknown.append(_("- {name} contains {char} (U+{cp})").format(
                name=fmt.md_code(name), char=fmt.md_code(fmt.symbol(e.char)), cp=f"{ord(e.char):04X}"))
    if unknown:
        st.error(_("These characters never occur in {data}, so the model has no row or column for them and cannot "
                   "score the name. Remove them, or load a dataset that uses them.").format(
                       data=fmt.md_code(corpus.name)) + "\n" + "\n".join(unknown))
    if not names:
        st.info(_("Type a name above — for example `andrej` — to see how the model scores it."))
    elif len(scores) > 1:
        st.dataframe({_("name"): [sc.word for sc in scores], _("bigrams"): [len(sc.table) for sc in scores],
                      _("average NLL"): [fmt.loss(sc.nll) for sc in scores],
                      _("more likely than"): [_("{x}% of the dataset").format(x=f"{sc.rank.beats:.1f}")
                                              for sc in scores]},
                     hide_index=True, key="names_table")
        if st.session_state.get("loss_detail", 0) not in range(len(scores)):
            st.session_state.loss_detail = 0  # fewer names than before (or a label the browser kept): start over
        pick = st.selectbox(_("Show the bigrams of"), range(len(scores)), format_func=lambda i: scores[i].word,
                            key="loss_detail")
        show_name(scores[pick])
    elif scores:
        show_name(scores[0])
    if scores:
        share.show_code(snippets.loss_code(share.data_file_name(corpus.name), k, scores[0].word), "loss",
                        _("the loss of the first name"))


names_box()
st.header(_("The loss of the whole dataset"), anchor=False)
st.markdown(_(
    "The same average over every bigram of all {n} names is **{nll}** at smoothing {k}. More fake counts pull every "
    "row toward uniform, so the loss climbs slowly from the raw counts' value toward log V."
).format(n=fmt.count(len(corpus.words)), nll=fmt.loss(dataset_nll), k=fmt.smoothing(k)))
plot(curve_figure(corpus.digest, k, lang, corpus), "nll_curve")
if k == 0:
    st.caption(_("You are at k = 0: the dotted line. A log axis has no place for 0, so it is drawn as a level."))
