"""Sampling: draw new names from the table, and watch one name being drawn character by character."""

import streamlit as st

from core import SETTINGS, snippets
from core.sampling import draw_samples, trace_rows
from ui import fmt, i18n, share, state
from ui.charts import plot
from ui.figures.sampling import cumsum_figure, row_figure, walk
from ui.i18n import N_, _
from ui.page import page

METHODS = {
    "lecture": N_("Lecture-exact (inverse CDF)"),
    "torch": N_("Today's torch.multinomial"),
    "uniform": N_("Uniform model (for contrast)"),
}


@st.cache_data(max_entries=64, show_spinner=False)
def samples(digest: str, k: float, seed: int, method: str, n: int, _corpus):
    # keyed on the dataset's digest and the controls; the corpus itself is not hashed
    return draw_samples(_corpus.counts, _corpus.vocab, set(_corpus.words), k, method, n, seed)


def shown(name: str) -> str:
    """A sampled name for markdown: a code span, or words when the name ended at once."""
    return fmt.md_code(name) if name else _("*(empty: the end token came first)*")


s = page(N_("Sampling: making more names"), chapter="sampling", url_keys=("num_samples", "sample_method"))
corpus, vocab, k, lang = s.corpus, s.corpus.vocab, s.smoothing, i18n.language()
end = fmt.md_code(vocab.boundary)
st.markdown(_(
    "To make a name, start at the boundary {end}, draw the next character from that row of the probability table, "
    "move to the row of the character you drew, and repeat until {end} comes back. A seeded generator makes the "
    "draws — and so the names — the same every time."
).format(end=end))
method = st.radio(_("Method"), list(METHODS), format_func=i18n.option_labels(METHODS), horizontal=True,
                  key="sample_method", on_change=state.publish)
st.caption(_(
    "The lecture-exact method reproduces the names printed in the lecture on today's PyTorch: like the 2022 kernel, "
    "it takes one float64 uniform number per draw from the seeded generator and looks it up in the row's cumulative "
    "sum (inverse CDF). Today's `torch.multinomial` uses the generator differently, so the same seed gives other names."
))


@st.fragment
def names() -> None:
    n = st.number_input(_("How many names"), min_value=1, max_value=SETTINGS.max_samples, step=1, key="num_samples",
                        on_change=state.publish)
    table = samples(corpus.digest, k, s.seed, method, int(n), corpus)
    left, right = st.columns([3, 1])
    right.metric(_("New names"), f"{table['new'].mean():.0%}", help=_("Share of samples that are not in the dataset"))
    right.metric(_("Average NLL of these names"), fmt.loss(table["nll"].mean()),
                 help=_("Mean of the names' NLLs under the counting model: lower = more like the dataset"))
    right.metric(_("The dataset's own NLL"), fmt.loss(corpus.nll(k)),
                 help=_("Every bigram of the dataset, at smoothing {k}").format(k=fmt.smoothing(k)))
    left.dataframe(
        table.assign(new=table["new"].map({True: _("new"), False: _("already in the dataset")}),
                     nll=table["nll"].map(fmt.loss), length=table["name"].str.len())[["name", "length", "new", "nll"]],
        column_config={
            "name": st.column_config.TextColumn(_("name"), width="large"),
            "length": st.column_config.NumberColumn(_("length"), width="small"),
            "new": st.column_config.TextColumn(_("new?")),
            "nll": st.column_config.TextColumn("NLL", width="small", help=_(
                "Average −log P of the name under the counting model at smoothing {k}").format(k=fmt.smoothing(k))),
        },
        hide_index=True, key="samples",
    )
    left.download_button(_("These names as .txt"), "\n".join(table["name"]) + "\n", file_name="samples.txt",
                         mime="text/plain", key="download_samples", on_click="ignore")
    if method == "lecture":
        share.show_code(snippets.sampling_code(share.data_file_name(corpus.name), k, s.seed, int(n)), "sampling",
                        _("these names"))
    if method == "uniform":
        left.caption(_("The uniform model picks the end token only once in {V} draws, so its names run long; they are "
                       "cut at {cap} characters.").format(V=len(vocab), cap=SETTINGS.max_name_len))


@st.fragment
def draw_by_draw() -> None:
    st.header(_("One name, draw by draw"), anchor=False)
    uniform = method == "uniform"
    draws = walk(corpus.digest, k, uniform, s.seed, corpus)
    steps = trace_rows(draws, vocab)
    if method == "torch":
        whose = _("`torch.multinomial` hides its random numbers inside the kernel, so this walk follows the "
                  "lecture-exact method instead: its first name for seed {seed} is {name}, drawn in {n} steps.")
    else:
        whose = _("The first name for seed {seed} is {name}, drawn in {n} steps.")
    st.markdown(whose.format(seed=s.seed, name=shown(steps["so far"].iloc[-1]), n=len(draws)) + " " + _(
        "Each step takes a uniform number u between 0 and 1 and finds the first character whose cumulative "
        "probability reaches u: a likely character owns a wide slice."))
    if len(draws) > 1:
        st.session_state.trace_step = min(st.session_state.get("trace_step", 1), len(draws))
        i = st.slider(_("Step"), 1, len(draws), key="trace_step") - 1
    else:
        i = 0
    d, row = draws[i], steps.iloc[i]
    ending = _("the end token: the name is complete") if d.chosen == 0 else _("the next character")
    st.markdown(_(
        "**Step {i} of {n}** — in row {row} the generator gives u = {u}. It falls in the slice of {chosen} "
        "({low} – {high}), so {chosen} is {ending}. Name so far: {so_far}."
    ).format(i=i + 1, n=len(draws), row=fmt.md_code(fmt.symbol(row["from"])), u=f"{d.u:.4f}",
             chosen=fmt.md_code(fmt.symbol(row["chosen"])), low=f"{row['low']:.4f}", high=f"{row['high']:.4f}",
             ending=ending, so_far=shown(row["so far"])))
    plot(row_figure(corpus.digest, k, uniform, d.row, d.chosen, lang, corpus), "trace_row")
    plot(cumsum_figure(corpus.digest, k, uniform, s.seed, i, lang, corpus), "trace_cumsum")
    with st.expander(_("All draws of this name")):
        st.dataframe(steps.set_index("step").style.format({"u": "{:.4f}", "low": "{:.4f}", "high": "{:.4f}"}),
                     key="trace_table", column_config={
                         "_index": _("step"), "from": _("from"), "chosen": _("chosen"), "low": _("low"),
                         "high": _("high"), "so far": _("so far")})


names()
draw_by_draw()
