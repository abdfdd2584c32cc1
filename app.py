"""makemore explorer — home: what the model is, and the dataset it learns from."""

import pandas as pd
import plotly.express as px
import streamlit as st

from ui import fmt
from ui.i18n import _, lecture_link, ngettext
from ui.sidebar import sidebar

st.set_page_config(page_title=_("makemore explorer"), page_icon=":material/text_fields:", layout="wide")
s = sidebar()
corpus = s.corpus

st.title(_("makemore explorer"))
lecture_link("dataset")
st.markdown(_(
    "makemore learns from a list of names and then *makes more* of them. This explorer follows "
    "the first lecture's model — the **bigram** model — which predicts each character from the "
    "one before it alone, and lets you poke every step: counting, normalising, sampling, "
    "scoring, and finally training the same model as a tiny neural net."
))
st.markdown(_(
    "Each line of the file is one name, and each name is several training examples: in "
    "`emma`, **e** starts a name, **m** follows **e**, and so on, until the name ends after "
    "**a**. The pages on the left take these examples one step at a time."
))


def chars(n: int) -> str:
    return ngettext("{n} char", "{n} chars", n).format(n=n)


lengths = corpus.length_counts()
c = st.columns(5)
c[0].metric(_("Names"), fmt.count(len(corpus.words)))
c[1].metric(_("Shortest"), chars(min(lengths)))
c[2].metric(_("Longest"), chars(max(lengths)))
c[3].metric(_("Bigrams"), fmt.count(int(corpus.counts.sum())),
            help=_("Σ (length + 1): every name adds its characters plus the end token"))
c[4].metric(_("Vocabulary"), len(corpus.vocab), help=_("Distinct characters plus the start/end token '.'"))

left, right = st.columns([1, 3])
with left:
    st.subheader(_("The first names"))
    st.dataframe(pd.DataFrame({_("name"): corpus.words[:12]}), hide_index=False, key="first_names")
with right:
    st.subheader(_("How long are the names?"))
    fig = px.bar(x=list(lengths), y=list(lengths.values()),
                 labels={"x": _("length (characters)"), "y": _("names")})
    fig.update_layout(height=320, margin=dict(t=10, b=10))
    st.plotly_chart(fig, key="lengths")

st.subheader(_("Which characters do they use?"))
counts = corpus.char_counts()
freq = pd.DataFrame({"character": [fmt.plotly_text(ch) for ch in counts], "count": list(counts.values())})
fig = px.bar(freq, x="character", y="count", labels={"character": _("character"), "count": _("count")})
fig.update_layout(height=320, margin=dict(t=10, b=10), xaxis_type="category")
st.plotly_chart(fig, key="letters")
st.caption(_("Pick a page in the sidebar to start: **Counts** is the lecture's first step."))
