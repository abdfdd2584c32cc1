"""Step 4 of the lecture: rows of counts into probabilities, and the keepdim bug done for real."""

import streamlit as st

from core import SETTINGS
from core.bigram import sums, uniform_nll, wrong_probs
from core.sampling import side_by_side
from ui import fmt, i18n
from ui.charts import plot
from ui.figures.probs import division_heatmap, sums_figure
from ui.heatmap import MAX_SHOWN
from ui.i18n import _
from ui.page import page

NUM_SAMPLES = 10


@st.cache_data(max_entries=32, show_spinner=False)
def samples(digest: str, k: float, seed: int, _s):
    right, wrong = _s.probs, wrong_probs(_s.corpus.counts, k)
    return side_by_side({"right": right, "wrong": wrong}, right, _s.corpus.vocab, NUM_SAMPLES, seed)


s = page(i18n.N_("Rows into probabilities — and the broadcasting bug"), chapter="broadcasting")
corpus, k, lang = s.corpus, s.smoothing, i18n.language()
itos, N, V = corpus.vocab.itos, corpus.counts, len(corpus.vocab)
B = itos[0]  # the boundary as displayed
right, wrong = s.probs, wrong_probs(N, k)  # (V, V) each

st.markdown(_(
    "To sample the next character we need each row of N (plus k = {k} fake counts) to sum to 1, so we divide every "
    "row by its own total. One missing argument, `keepdim=True`, still runs without an error but divides by the "
    "wrong totals."
).format(k=fmt.smoothing(k)))
st.code(
    f"P = (N + k) / (N + k).sum(1, keepdim=True)  # ({V}, {V}) / ({V}, 1): row i ÷ the sum of row i\n"
    f"W = (N + k) / (N + k).sum(1)                # ({V}, {V}) / ({V},)  : column j ÷ the sum of row j",
    language=None, wrap_lines=True,  # plain: Streamlit's syntax colours fail the contrast a reader needs
)
st.markdown(_(
    "**Broadcasting** lines shapes up from the right: a ({V}, 1) column is stretched across the {V} columns, so "
    "each row is divided by its own sum. A ({V},) vector is read as a row (1, {V}) and stretched down the {V} rows, "
    "so the cell in column j is divided by the sum of row j — the columns end up summing to 1, not the rows."
).format(V=V))

sum_table = sums(right, wrong, itos)  # a row per symbol; the boundary's first
right_row0, wrong_row0, wrong_col0 = sum_table.iloc[0][["right row sum", "wrong row sum", "wrong column sum"]]
c = st.columns(3)
c[0].metric(_("Row {b} of P sums to").format(b=B), f"{right_row0:.2f}")
c[1].metric(_("Row {b} of W sums to").format(b=B), f"{wrong_row0:.2f}",
            delta=_("{d} from 1").format(d=f"{wrong_row0 - 1:+.2f}"),
            delta_color="inverse" if abs(wrong_row0 - 1) > 1e-6 else "off")
c[2].metric(_("Column {b} of W sums to").format(b=B), f"{wrong_col0:.2f}")

if V > MAX_SHOWN:
    st.info(_("This dataset has {V} symbols: the heatmaps show only the boundary and the {n} most frequent "
              "characters; the sums use every symbol.").format(V=V, n=MAX_SHOWN - 1))
views = (  # the right division and the bug, side by side: (is_wrong, title, caption above, caption below)
    (False, "P = N / N.sum(1, keepdim=True)", _("Every row sums to 1. Hover a cell to see the division."),
     _("Rows (blue) are all exactly 1: each is a distribution over the next character. Column sums mean nothing in "
       "particular.")),
    (True, "W = N / N.sum(1)  ✗", _("Every column sums to 1. Hover a cell: it was divided by another row's sum."),
     _("Now the columns (orange) are 1 and the rows are anything: row {b} sums to {x}. A row that does not sum to 1 "
       "is not a distribution.").format(b=B, x=f"{wrong_row0:.2f}")),
)
for col, (is_wrong, title, above, below) in zip(st.columns(2, gap="large"), views, strict=True):
    side = "wrong" if is_wrong else "right"
    with col:
        st.header(title, anchor=False)
        st.caption(above)
        plot(division_heatmap(corpus.digest, k, is_wrong, lang, corpus), f"probs_{side}")
        plot(sums_figure(corpus.digest, k, is_wrong, lang, corpus), f"sums_{side}")
        st.caption(below)

with st.expander(_("All row and column sums as numbers")):
    st.dataframe(sum_table, key="sums_table", hide_index=True, column_config={
        "symbol": st.column_config.TextColumn(_("symbol")),
        **{col: st.column_config.NumberColumn(label, format="%.4f") for col, label in [
            ("right row sum", _("P: row sum")), ("right column sum", _("P: column sum")),
            ("wrong row sum", _("W: row sum")), ("wrong column sum", _("W: column sum"))]},
    })

st.header(_("Sampling from each table"), anchor=False)
st.markdown(_(
    "The sampler rescales each row to sum to 1 before it draws (as `torch.multinomial` does), so the broken table "
    "never raises an error: it silently draws from rows proportional to N[i, j] ÷ sum of row j. Each count is "
    "divided by how common the *next* character is, which boosts rare characters and makes the end token unlikely: "
    "names run long, some to the {cap}-character cap."
).format(cap=SETTINGS.max_name_len))
table, pooled = samples(corpus.digest, k, s.seed, s)
shown = table.copy()
for col in ["right: NLL", "wrong: NLL"]:
    shown[col] = shown[col].map(fmt.loss)
st.dataframe(shown, key="samples", hide_index=True, column_config={
    "right: name": _("name from P (keepdim=True)"), "right: NLL": _("NLL (P's name)"),
    "wrong: name": _("name from W (no keepdim)"), "wrong: NLL": _("NLL (W's name)")})
c = st.columns(2)
for col, side, name in ((c[0], "P", "right"), (c[1], "W", "wrong")):
    col.metric(_("Average NLL of the names from {side}").format(side=side), fmt.loss(pooled[name]))
    col.caption(_("Average length {n:.1f} characters").format(n=table[name + ": name"].str.len().mean()))
st.caption(_("Both scored by the right P at k = {k}, with the same seed ({seed}); lower is more name-like. Uniform "
             "guessing scores log {V} = {u}.").format(k=fmt.smoothing(k), seed=s.seed, V=V,
                                                     u=fmt.loss(uniform_nll(V))))
