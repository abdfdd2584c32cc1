"""Does it generalise? Loss on held-out names against smoothing and regularisation, samples against the data,
and every name ranked by its loss. One view at a time: the regularisation sweep trains nets only when open."""

import streamlit as st

from core import SETTINGS
from core.evaluation import total_variation
from ui import fmt, i18n
from ui.charts import plot
from ui.figures import evaluation as ev
from ui.i18n import N_, _
from ui.inputs import search
from ui.page import page

N_SAMPLES = 2000
N_SHOWN = 15  # most and least name-like names listed
VIEWS = {"smoothing": N_("Smoothing on unseen names"), "reg": N_("The net's regularisation on unseen names"),
         "samples": N_("Sampled names against the real ones"), "ranking": N_("Every name ranked by its loss")}

s = page(N_("Does it generalise?"), chapter="smoothing")
corpus, k, seed, lang = s.corpus, s.smoothing, s.seed, i18n.language()
st.markdown(_("Every loss so far scored the model on the very names it was counted from. Here it meets names it has "
              "never seen, and its samples are set against the real thing."))
held = ev.held(corpus.digest, seed, corpus) if len(corpus.words) >= 3 else None
no_split = _("No train/dev/test split for this dataset: it needs at least 3 names, and {name} has {n}.").format(
    name=fmt.md_code(corpus.name), n=len(corpus.words))

st.header(_("The split"), anchor=False)
if held is None:
    st.warning(no_split)
else:
    st.markdown(_("A model is only as good as its loss on names it never saw. So the names are shuffled with the "
                  "sidebar's seed and cut {split}: the counts come from **train** only, **dev** picks the settings, "
                  "and **test** is kept for one last, honest number.").format(split=fmt.split_shares()))
    m = st.columns(4)
    for col, label, n in zip(m[:3], [_("train names"), _("dev names"), _("test names")], held.sizes, strict=True):
        col.metric(label, fmt.count(n))
    m[3].metric(_("seed"), str(seed), help=_("The sidebar's seed: change it for another shuffle."))
    chars = (" " + _("Here {chars} occur only in dev names.").format(
        chars=", ".join(fmt.md_code(fmt.symbol(c)) for c in held.dev_only_chars)) if held.dev_only_chars else "")
    st.caption(_("The table's rows and columns come from all the names, so a character that no train name uses still "
                 "has a row (empty: its bigrams count as never seen), and dev names never hit a missing row.") + chars)


def apply(key: str, value: float) -> None:
    # a callback: runs before the next run, so before the widget that owns `key` is drawn
    st.session_state[key] = value
    st.session_state._rerun_page = key == "smoothing"  # the sidebar shows it: a fragment rerun would not redraw it


def smoothing_view() -> None:
    sw = held.smoothing
    st.markdown(_("More fake counts always make the **train** loss worse: the model moves away from the very counts it "
                  "is scored on. On **dev** they first help, because they give names with never-seen pairs a finite "
                  "loss, then hurt once rows become too flat. The dev minimum is the smoothing to use."))
    left, right = st.columns(2)
    with left:
        plot(ev.smoothing_figure(corpus.digest, seed, k, False, lang, corpus), "k_curve",
             alt=_("Train and dev NLL against smoothing"))
    with right:
        plot(ev.smoothing_figure(corpus.digest, seed, k, True, lang, corpus), "k_zoom",
             alt=_("The same, zoomed to the best smoothing"))
        st.caption(_("Zoomed to one decade either side of the best k, where train and dev part."))
    st.markdown(ev.plus_one_sentence(held))
    ladder = sw.best_among(SETTINGS.smoothing_ladder)
    best_dev, ladder_dev = float(sw.dev[sw.best_index]), sw.at(ladder)[1]
    if ladder == sw.best:
        note = _("Dev NLL is lowest at **k = {k}** ({nll}), a sidebar step.").format(
            k=fmt.smoothing(ladder), nll=fmt.loss(best_dev))
    else:
        note = _("Dev NLL is lowest at k ≈ {best} ({nll}). The sidebar's ladder has no such step; its best is "
                 "**k = {k}** (dev {ladder_nll}).").format(best=f"{sw.best:.3g}", nll=fmt.loss(best_dev),
                                                          k=fmt.smoothing(ladder), ladder_nll=fmt.loss(ladder_dev))
    st.markdown(note + (" " + _("The sidebar is set to it.") if k == ladder else ""))
    st.button(_("Apply k = {k}").format(k=fmt.smoothing(ladder)), key="apply_best_k", on_click=apply,
              args=("smoothing", ladder), type="primary", icon=":material/tune:", disabled=k == ladder)


def reg_view() -> None:
    st.markdown(_("The same question for the neural net: trained on the train counts ({steps} steps at learning rate "
                  "{lr:g}, each strength starting from the next stronger one's weights), how well does it score dev "
                  "names? The dev loss here is the plain NLL, without the reg·mean(W²) term.").format(
        steps=SETTINGS.reg_steps, lr=SETTINGS.lr))
    with st.spinner(_("Training the net at each regularisation strength…")):
        sw = ev.regs(corpus.digest, seed, held)
    current = float(st.session_state.get("reg", SETTINGS.reg))
    left, right = st.columns([3, 2], vertical_alignment="center")
    with left:
        plot(ev.reg_figure(corpus.digest, seed, current, lang, sw), "reg_curve",
             alt=_("Train and dev NLL against the regularisation strength"))
    best_train, best_dev = sw.at(sw.best)
    right.markdown(_("Dev NLL is lowest at **reg = {reg}**: {dev} (train {train}). A stronger pull flattens the rows "
                     "like a large k. Reg 0 stays finite only because training stops: with no pull, the logits of "
                     "never-seen pairs keep sinking toward −∞ with every step.").format(
        reg=f"{sw.best:g}", dev=fmt.loss(best_dev), train=fmt.loss(best_train)))
    right.button(_("Apply reg = {reg}").format(reg=f"{sw.best:g}"), key="apply_best_reg", on_click=apply,
                 args=("reg", sw.best), type="primary", icon=":material/tune:", disabled=current == sw.best)
    right.caption((_("The neural-net page's regularisation strength is now {reg} (its default).") if "reg" not in
                   st.session_state else _("The neural-net page's regularisation strength is now {reg}.")).format(
        reg=f"{current:g}"))


def samples_view() -> None:
    r = ev.report(corpus.digest, k, seed, N_SAMPLES, corpus)
    (one_data, one_sampled), tv = r.one_letter, {what: total_variation(t) for what, t in r.tables.items()}
    st.markdown(_(
        "{n} names from the counting model at smoothing {k} (seed {seed}). One character of context cannot tell how "
        "long a name already is: it ends a name whenever the current letter often ends names, so lengths fall off "
        "roughly geometrically — **{one_sampled}** of samples have one letter (dataset: {one_data}) and **{beyond}** "
        "are longer than the longest dataset name ({longest}). First and last letters, which the table does hold (row "
        "{b} and column {b}), come out close: they differ from the data's by {tv_first} and {tv_last} (total "
        "variation).").format(
        n=fmt.count(N_SAMPLES), k=fmt.smoothing(k), seed=seed, one_sampled=fmt.share(one_sampled),
        one_data=fmt.share(one_data), beyond=fmt.share(r.beyond_longest), longest=r.longest,
        b=fmt.md_code(corpus.vocab.boundary), tv_first=fmt.share(tv["first letter"]),
        tv_last=fmt.share(tv["last letter"])))
    plot(ev.overlay_figure(corpus.digest, k, seed, N_SAMPLES, "length", lang, corpus), "hist_length")
    left, right = st.columns(2)
    with left:
        plot(ev.overlay_figure(corpus.digest, k, seed, N_SAMPLES, "first letter", lang, corpus), "hist_first")
    with right:
        plot(ev.overlay_figure(corpus.digest, k, seed, N_SAMPLES, "last letter", lang, corpus), "hist_last")
    if r.empty:
        st.caption(_("{n} sampled names are empty (the end was drawn first): they have a length, 0, but no first or "
                     "last letter.").format(n=fmt.count(r.empty)))


def ranking_view() -> None:
    table = ev.ranked(corpus.digest, k, corpus)
    st.markdown(_("Each of the {n} distinct names scored by the model built from all of them, at smoothing {k}: a low "
                  "average NLL means a name made of common pairs.").format(n=fmt.count(len(table)),
                                                                          k=fmt.smoothing(k)))
    config = {"rank": _("rank"), "name": _("name"), "count": st.column_config.NumberColumn(_("occurrences")),
              "nll": st.column_config.NumberColumn(_("average NLL"), format="%.4f")}
    height = 35 * (N_SHOWN + 1) + 3  # every row, no inner scrolling
    left, right = st.columns(2)
    left.subheader(_("The {n} most name-like").format(n=N_SHOWN), anchor=False)
    left.dataframe(table.head(N_SHOWN), hide_index=True, column_config=config, height=height, key="rank_top")
    right.subheader(_("The {n} least name-like").format(n=N_SHOWN), anchor=False)
    right.dataframe(table.tail(N_SHOWN).iloc[::-1], hide_index=True, column_config=config, height=height,
                    key="rank_bottom")
    query = st.text_input(_("Search the ranking"), key="rank_search", max_chars=100, placeholder=_("e.g. ann"))
    found = search(table, query)
    st.caption((_("{n} of {total} names match.") if query.strip() else _("{n} of {total} names.")).format(
        n=fmt.count(len(found)), total=fmt.count(len(table))))
    st.dataframe(found, hide_index=True, column_config=config, height=min(390, 35 * (len(found) + 1) + 3),
                 key="rank_table")


@st.fragment
def views() -> None:
    if st.session_state.pop("_rerun_page", False):
        st.rerun()  # the whole page: the sidebar's smoothing changed
    view = st.segmented_control(_("View"), list(VIEWS), format_func=i18n.option_labels(VIEWS), default="smoothing",
                                required=True, key="gen_view")
    st.header(_(VIEWS[view]), anchor=False)
    if view in ("smoothing", "reg") and held is None:
        st.warning(no_split)
    else:
        {"smoothing": smoothing_view, "reg": reg_view, "samples": samples_view, "ranking": ranking_view}[view]()


views()
