"""Sampling: draw new names from the table, and watch one name being drawn character by character."""

import plotly.graph_objects as go
import streamlit as st

import core
from core import snippets
from core.scoring import samples_table, trace_table, uniform_probs
from ui import fmt, share, state
from ui.share import show_code
from ui.sidebar import sidebar

METHODS = {
    "lecture": "Lecture-exact (inverse CDF)",
    "torch": "Today's torch.multinomial",
    "uniform": "Uniform model (for contrast)",
}
CHOSEN, OTHER = "#e4572e", "#8fb3d9"


@st.cache_data(max_entries=64, show_spinner=False)
def _samples(digest: str, smoothing: float, seed: int, method: str, n: int, _corpus: core.Corpus):
    # keyed on the dataset's digest and the controls; the corpus itself is not hashed
    V = len(_corpus.vocab)
    table = uniform_probs(V) if method == "uniform" else _corpus.probs(smoothing)
    draw = "torch" if method == "torch" else "lecture"  # the uniform model draws the lecture's way
    names = core.sample(table, _corpus.vocab, n, seed=seed, method=draw)
    return samples_table(names, set(_corpus.words), _corpus.probs(smoothing), _corpus.vocab)


def shown(name: str) -> str:
    """A sampled name for markdown: a code span, or a word when the name ended at once."""
    return fmt.md_code(name) if name else "*(empty: the end token came first)*"


def row_figure(row: list[float], itos: list[str], chosen: int, title: str) -> go.Figure:
    """The current row of P as bars, the chosen symbol highlighted."""
    labels = [fmt.plotly_text(s) for s in itos]
    fig = go.Figure(go.Bar(
        x=labels, y=row, marker_color=[CHOSEN if i == chosen else OTHER for i in range(len(row))],
        hovertemplate="%{x}: P = %{y:.4f}<extra></extra>",
    ))
    fig.update_layout(title=title, height=330, margin=dict(l=10, r=10, t=40, b=10),
                      xaxis=dict(type="category", title="next character", tickfont=dict(size=14)),
                      yaxis_title="probability")
    return fig


def cumsum_figure(cumsum: list[float], itos: list[str], chosen: int, u: float) -> go.Figure:
    """The row's cumulative sum as one ruler from 0 to 1, a slice per symbol, and where u lands."""
    starts = [0.0, *cumsum[:-1]]
    widths = [hi - lo for lo, hi in zip(starts, cumsum)]
    labels = [fmt.plotly_text(s) for s in itos]
    colors = [CHOSEN if i == chosen else (OTHER if i % 2 else "#c9dcef") for i in range(len(itos))]
    fig = go.Figure(go.Bar(
        y=["cumsum"] * len(itos), x=widths, base=starts, orientation="h", marker_color=colors,
        marker_line=dict(color="white", width=0.5), text=labels, textposition="inside",
        textfont=dict(size=14),
        insidetextanchor="middle", customdata=list(zip(labels, starts, cumsum)),
        hovertemplate="%{customdata[0]}: %{customdata[1]:.4f} – %{customdata[2]:.4f}<extra></extra>",
    ))
    fig.add_vline(x=u, line=dict(color="black", width=2, dash="dot"))
    fig.add_annotation(x=u, y=1, yref="paper", yanchor="bottom", showarrow=False,
                       text=f"u = {u:.4f} → {labels[chosen]}",
                       xanchor="left" if u < 0.5 else "right")  # above the ruler, on the side with room
    fig.update_layout(height=170, margin=dict(l=10, r=10, t=40, b=10), showlegend=False,
                      uniformtext=dict(minsize=12, mode="hide"), yaxis=dict(visible=False),
                      xaxis=dict(range=[0, 1], title="cumulative probability"))
    return fig


st.set_page_config(page_title="Sampling · makemore explorer", layout="wide")
s = sidebar()
vocab = s.corpus.vocab

st.title("Sampling: making more names")
end = fmt.md_code(vocab.boundary)
st.markdown(
    f"To make a name, start at the boundary {end}, draw the next character from that row of the "
    "probability table, move to the row of the character you drew, and repeat until "
    f"{end} comes back. A seeded generator makes the draws — and so the names — the same every time."
)

c1, c2 = st.columns([1, 2])
state.remember("num_samples", 10)
n = c1.number_input("How many names", min_value=1, max_value=500, step=1, key="num_samples")
method = c2.radio("Method", list(METHODS), format_func=METHODS.get, horizontal=True, key="sample_method")
st.caption(
    "The lecture-exact method reproduces the names printed in the lecture on today's PyTorch: like "
    "the 2022 kernel, it takes one float64 uniform number per draw from the seeded generator and "
    "looks it up in the row's cumulative sum (inverse CDF). Today's `torch.multinomial` uses the "
    "generator differently, so the same seed gives other names."
)

table = _samples(s.corpus.digest, s.smoothing, s.seed, method, int(n), s.corpus)
left, right = st.columns([3, 1])
right.metric("New names", f"{table['new'].mean():.0%}", help="Share of samples that are not in the dataset")
right.metric("Average NLL of these names", fmt.loss(table["nll"].mean()),
          help="Mean of the names' NLLs under the counting model: lower = more like the dataset")
right.metric("The dataset's own NLL", fmt.loss(s.corpus.nll(s.smoothing)),
          help=f"Every bigram of the dataset, at smoothing {fmt.smoothing(s.smoothing)}")
left.dataframe(
    table.assign(
        new=table["new"].map({True: "new", False: "already in the dataset"}),
        nll=table["nll"].map(fmt.loss),
        length=table["name"].str.len(),
    )[["name", "length", "new", "nll"]],
    column_config={
        "name": st.column_config.TextColumn("name", width="large"),
        "length": st.column_config.NumberColumn("length", width="small"),
        "nll": st.column_config.TextColumn("NLL", width="small", help="Average −log P of the name under the "
                                           f"counting model at smoothing {fmt.smoothing(s.smoothing)}"),
    },
    hide_index=True, key="samples",
)
left.download_button("These names as .txt", "\n".join(table["name"]) + "\n", file_name="samples.txt",
                     mime="text/plain", key="download_samples", icon=":material/download:")
if method == "lecture":
    show_code(snippets.sampling_code(share.data_file_name(s.corpus.name), s.smoothing, s.seed, int(n)),
              "sampling", "these names")
if method == "uniform":
    left.caption(f"The uniform model picks the end token only once in {len(vocab)} draws, so its names "
                 "run long; they are cut at 50 characters.")

st.header("One name, draw by draw")
walk_table = uniform_probs(len(vocab)) if method == "uniform" else s.probs
draws = core.trace(walk_table, seed=s.seed)
steps = trace_table(draws, vocab)
whose = ("`torch.multinomial` hides its random numbers inside the kernel, so this walk follows the "
         "lecture-exact method instead: its" if method == "torch" else "The")
st.markdown(
    f"{whose} first name for seed {s.seed} is {shown(steps['so far'].iloc[-1])}, drawn in "
    f"{len(draws)} steps. Each step takes a uniform number u between 0 and 1 and finds the first "
    "character whose cumulative probability reaches u: a likely character owns a wide slice."
)

if len(draws) > 1:
    st.session_state.trace_step = min(st.session_state.get("trace_step", 1), len(draws))
    i = st.slider("Step", 1, len(draws), key="trace_step") - 1
else:
    i = 0
d, row = draws[i], steps.iloc[i]
ending = "the end token: the name is complete" if d.chosen == 0 else "the next character"
st.markdown(
    f"**Step {i + 1} of {len(draws)}** — in row {fmt.md_code(row['from'])} the generator gives "
    f"u = {d.u:.4f}. It falls in the slice of {fmt.md_code(row['chosen'])} "
    f"({row['low']:.4f} – {row['high']:.4f}), so {fmt.md_code(row['chosen'])} is {ending}. "
    f"Name so far: {shown(row['so far'])}."
)
title = f"Row “{fmt.plotly_text(row['from'])}” of P: which character comes next"
st.plotly_chart(row_figure(walk_table[d.row].tolist(), vocab.itos, d.chosen, title), key="trace_row")
st.plotly_chart(cumsum_figure(d.cumsum, vocab.itos, d.chosen, d.u), key="trace_cumsum")
with st.expander("All draws of this name"):
    st.dataframe(steps.set_index("step").style.format({"u": "{:.4f}", "low": "{:.4f}", "high": "{:.4f}"}),
                 key="trace_table")
