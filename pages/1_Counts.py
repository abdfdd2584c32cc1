"""Step 2–3 of the lecture: count every bigram into the V×V table N and read it."""

import streamlit as st

from core import snippets
from core.bigram import structure, top_bigrams
from ui import fmt, i18n, share
from ui.charts import plot
from ui.figures.counts import MODES, follow_figure, table_heatmap
from ui.heatmap import MAX_SHOWN
from ui.i18n import N_, _, ngettext
from ui.page import page

MODE_LABELS = {"counts": N_("counts"), "probabilities": N_("probabilities"), "−log P": "−log P"}  # the buttons' labels

s = page(i18n.N_("Counting bigrams"), chapter="counting")
corpus, k = s.corpus, s.smoothing
itos, N, V = corpus.vocab.itos, corpus.counts, len(corpus.vocab)
B = itos[0]  # the boundary as displayed: "." (or "<.>" when the data itself uses ".")
lang = i18n.language()

st.markdown(_(
    "Wrap every name in the boundary token (`emma` → `{b}emma{b}`) and count each pair of neighbours. The table "
    "**N** holds all those counts: row = the first character, column = the one that follows it, so each row says "
    "what tends to come next."
).format(b=B))


@st.fragment
def the_table() -> None:
    mode = st.segmented_control(_("Colour and label the cells by"), list(MODES), default="counts", required=True,
                                format_func=i18n.option_labels(MODE_LABELS), key="heatmap_mode")
    st.caption(_("{what} — smoothing k = {k} (sidebar). Hover a cell for all three numbers.").format(
        what=_(MODES[mode]), k=fmt.smoothing(k)))
    if mode == "counts" and k > 0:
        st.caption(_("Each cell shows its count and, below it in brown, the k fake counts smoothing adds: "
                     "the colour is N + k."))
    if V > MAX_SHOWN:
        st.info(_("This dataset has {V} symbols: only the boundary and the {n} most frequent characters are shown "
                  "(a full table would be too large to read).").format(V=V, n=MAX_SHOWN - 1))
    plot(table_heatmap(corpus.digest, mode, k, lang, corpus), "heatmap",
         alt=_("Heatmap of the {V}×{V} bigram table").format(V=V))


the_table()
d1, d2, _space = st.columns([1, 1, 3])
d1.download_button(_("Counts N as CSV"), lambda: share.table_csv(N, itos), file_name="counts.csv", mime="text/csv",
                   key="download_counts", on_click="ignore")
d2.download_button(_("P (k = {k}) as CSV").format(k=fmt.smoothing(k)), lambda: share.table_csv(s.probs, itos),
                   file_name="probs.csv", mime="text/csv", key="download_probs", on_click="ignore")
share.show_code(snippets.counting_code(share.data_file_name(corpus.name), k), "counting",
                _("N, P and the average NLL"))


def names(n: int) -> str:
    return ngettext("{n} name", "{n} names", n).format(n=fmt.count(n))


st.header(_("Reading the table"), anchor=False)
info = structure(N, itos)
c = st.columns(4)
c[0].metric(_("Most common first character (row {b})").format(b=B), fmt.symbol(info.top_first[0]))
c[0].caption(_("{pair} starts {names}.").format(pair=fmt.md_code(B + info.top_first[0]),
                                                names=names(info.top_first[1])))
c[1].metric(_("Most common last character (column {b})").format(b=B), fmt.symbol(info.top_last[0]))
c[1].caption(_("{pair} ends {names}.").format(pair=fmt.md_code(info.top_last[0] + B),
                                              names=names(info.top_last[1])))
c[2].metric(_("Empty names (cell {bb})").format(bb=B + B), fmt.count(info.empty_names))
c[2].caption(_("No name is empty, so the boundary is never followed by the boundary."))
c[3].metric(_("Pairs never seen"), _("{n} of {total}").format(n=fmt.count(info.unseen), total=fmt.count(V * V)))
c[3].caption(_("At smoothing 0 these get P = 0, so −log P = ∞."))
st.markdown(
    _("Row {b} is the distribution of first letters and column {b} that of last letters. Every occurrence of a "
      "character starts one pair and ends another, so each row sums to the same total as the matching column.")
    .format(b=fmt.md_code(B))
    + (" " + _("True here.") if info.row_sums_equal_col_sums else "")
)

TOP = 15
left, right = st.columns([2, 3], gap="large")
with left:
    st.subheader(_("The most common bigrams"), anchor=False)
    st.dataframe(
        top_bigrams(N, s.probs, itos, n=TOP),
        key="top_bigrams",
        hide_index=True,
        height=35 * (TOP + 1) + 3,  # every row visible, no inner scrolling
        column_config={
            "bigram": st.column_config.TextColumn(_("bigram")),
            "count": st.column_config.NumberColumn(_("count"), format="localized"),
            "prob": st.column_config.NumberColumn(f"P (k = {fmt.smoothing(k)})", format="%.4f"),
            "nll": st.column_config.NumberColumn("−log P", format="%.4f"),
        },
    )


@st.fragment
def what_follows() -> None:
    st.subheader(_("What follows a character?"), anchor=False)
    # options are the characters themselves, so a choice survives a change of dataset
    start = _("{c} (start of a name)")  # translated now: the widget may call format_func outside this run
    ch = st.selectbox(_("Character"), itos, key="follow_char",
                      format_func=lambda c: start.format(c=c) if c == B else fmt.symbol(c))
    i = corpus.vocab.stoi[ch]
    plot(follow_figure(corpus.digest, i, k, lang, corpus), "follow_chart")
    st.caption(_("Row {c} of N (top) and of P (bottom): the counts, and the probabilities the model draws the next "
                 "character from.").format(c=fmt.md_code(fmt.symbol(itos[i]))))


with right:
    what_follows()
