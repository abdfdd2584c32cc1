"""makemore explorer — home: what the model is, and the dataset it learns from."""

import pandas as pd
import streamlit as st

from ui import fmt, i18n
from ui.charts import plot
from ui.figures.data import char_figure, length_figure
from ui.i18n import _
from ui.page import page

s = page(i18n.N_("makemore explorer"), chapter="dataset")
corpus, lang = s.corpus, i18n.language()
figures = corpus.figures()

st.markdown(_(
    "makemore learns from a list of names and then *makes more* of them. This explorer follows the first lecture's "
    "model — the **bigram** model — which predicts each character from the one before it alone, and lets you poke "
    "every step: counting, normalising, sampling, scoring, and finally training the same model as a tiny neural net."
))
st.markdown(_(
    "Each line of the file is one name, and each name is several training examples: in `emma`, **e** starts a "
    "name, **m** follows **e**, and so on, until the name ends after **a**. The pages on the left take these "
    "examples one step at a time."
))

c = st.columns(5)
c[0].metric(_("Names"), fmt.count(figures.names))
c[1].metric(_("Shortest"), _("{n} chars").format(n=figures.shortest))
c[2].metric(_("Longest"), _("{n} chars").format(n=figures.longest))
c[3].metric(_("Bigrams"), fmt.count(figures.bigrams),
            help=_("Σ (length + 1): every name adds its characters plus the end token"))
c[4].metric(_("Vocabulary"), figures.symbols, help=_("Distinct characters plus the start/end token '.'"))

left, right = st.columns([1, 3])
with left:
    st.header(_("The first names"), anchor=False)
    st.dataframe(pd.DataFrame({_("name"): corpus.words[:12]}), key="first_names", hide_index=True)
with right:
    st.header(_("How long are the names?"), anchor=False)
    plot(length_figure(corpus.digest, lang, corpus), "lengths")

st.header(_("Which characters do they use?"), anchor=False)
plot(char_figure(corpus.digest, lang, corpus), "letters")
st.caption(_("Pick a page in the sidebar to start: **Counts** is the lecture's first step."))
