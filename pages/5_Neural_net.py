"""The bigram model as a one-layer neural net: one_hot(x) @ W, softmax, trained live until it matches N."""

import streamlit as st

from core import snippets
from ui import fmt, i18n, share, training
from ui.i18n import N_, _
from ui.net_views import SHOW, VIEWS, Ctx
from ui.page import page

s = page(N_("The same model as a neural net"), chapter="neural",
         url_keys=("nn_word", "lr", "steps", "reg", "train_method"))
corpus = s.corpus
st.markdown(_(
    "Instead of counting, let a single layer of weights **W** (V×V, no bias) guess the next character: the input "
    "character is one-hot encoded, multiplied by W to give V *logits*, and a softmax turns those into probabilities. "
    "Gradient descent on the average NLL then tunes W until its predictions match the counts."
))
floor = corpus.nll(s.smoothing)
floor_label = _("the counting model's NLL at smoothing {k}: {nll}").format(k=fmt.smoothing(s.smoothing),
                                                                          nll=fmt.loss(floor))


@st.fragment
def the_net() -> None:
    """Training and the views of the weights: one fragment, so a step redraws the view it changes and nothing else."""
    run = training.current_run(corpus, s.seed)
    st.header(_("Training, live"), anchor=False)
    st.markdown(_(
        "Each step runs every example of the dataset through the net, averages the NLL, adds a pull of W toward zero "
        "(regularisation) and moves W a little against the gradient. **fast** gets the same loss and gradient from the "
        "counts N in one V×V operation; **one-hot** repeats the lecture's loop over all {n} examples and shows its "
        "real pace.").format(n=fmt.count(int(corpus.counts.sum()))))
    drawn = training.panel(corpus, run, floor, floor_label)
    d1, d2 = st.columns([1, 3])
    d1.download_button(_("W after {n} steps as .pt").format(n=fmt.count(run.steps)),
                       lambda: share.weights_pt(run.W, corpus.vocab.itos), file_name="W.pt",
                       mime="application/octet-stream", key="download_W", on_click="ignore",
                       help=_("torch.load('W.pt') gives {'W': (V, V) tensor, 'itos': list}"))
    with d2:
        share.show_code(snippets.training_code(share.data_file_name(corpus.name), int(st.session_state.steps),
                                               float(st.session_state.lr), float(st.session_state.reg), s.seed),
                        "training", _("the lecture's training loop with these settings"))
    st.header(_("Look inside the net"), anchor=False)
    view = st.segmented_control(_("View"), list(VIEWS), format_func=i18n.option_labels(VIEWS), default="forward",
                                required=True, key="nn_view")
    if run.training:
        st.caption(_("Weights after {n} steps: this view catches up when the run ends or is paused.").format(
            n=fmt.count(run.steps)))
    SHOW[view](Ctx(corpus, run, s.smoothing, s.seed, i18n.language()))
    training.train_live(corpus, run, drawn)  # last: while it trains, the fragment stays in this loop


the_net()
