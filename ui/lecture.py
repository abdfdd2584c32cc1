"""The lecture's chapters, and links to the moment a page follows: YouTube, and in Chinese also Bilibili.

Pages draw the link with `ui.i18n.lecture_link(chapter)`.
"""

from .i18n import N_, _, language

YOUTUBE = "https://www.youtube.com/watch?v=PaCmpygFfXo"
# The upload the Chinese transcript comes from (part 2 of its collection). Bilibili starts a part at ?t=<seconds>;
# its offsets are taken to equal YouTube's (the same recording; not checked: no access from here).
BILIBILI = "https://www.bilibili.com/video/BV11yHXeuE9d?p=2"

CHAPTERS = {  # key -> (start in seconds, the chapter's title on YouTube)
    "intro": (0, N_("intro")),
    "dataset": (183, N_("reading and exploring the dataset")),
    "bigrams": (384, N_("exploring the bigrams in the dataset")),
    "count_dict": (564, N_("counting bigrams in a python dictionary")),
    "counting": (765, N_('counting bigrams in a 2D torch tensor ("training the model")')),
    "visualise": (1099, N_("visualizing the bigram tensor")),
    "boundary": (1254, N_("deleting spurious (S) and (E) tokens in favor of a single . token")),
    "sampling": (1442, N_("sampling from the model")),
    "broadcasting": (2177, N_("efficiency! vectorized normalization of the rows, tensor broadcasting")),
    "loss": (3014, N_("loss function (the negative log likelihood of the data under our model)")),
    "smoothing": (3650, N_("model smoothing with fake counts")),
    "neural": (3777, N_("PART 2: the neural network approach: intro")),
    "nn_dataset": (3926, N_("creating the bigram dataset for the neural net")),
    "one_hot": (4201, N_("feeding integers into neural nets? one-hot encodings")),
    "linear": (4433, N_('the "neural net": one linear layer of neurons implemented with matrix multiplication')),
    "softmax": (4726, N_("transforming neural net outputs into probabilities: the softmax")),
    "summary": (5177, N_("summary, preview to next steps, reference to micrograd")),
    "vectorised_loss": (5749, N_("vectorized loss")),
    "backward": (5916, N_("backward and update, in PyTorch")),
    "together": (6175, N_("putting everything together")),
    "one_hot_row": (6469, N_("note 1: one-hot encoding really just selects a row of the next Linear layer's weight "
                             "matrix")),
    "regularisation": (6618, N_("note 2: model smoothing as regularization loss")),
    "nn_sampling": (6871, N_("sampling from the neural net")),
    "conclusion": (6976, N_("conclusion")),
}


def clock(seconds: int) -> str:
    """1:02:57 or 12:45, as video players show a time."""
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def youtube_url(chapter: str) -> str:
    return f"{YOUTUBE}&t={CHAPTERS[chapter][0]}s"


def bilibili_url(chapter: str) -> str:
    return f"{BILIBILI}&t={CHAPTERS[chapter][0]}"


def lecture_markdown(chapter: str) -> str:
    """One line of markdown: the chapter's title and time, linked to YouTube (and Bilibili in Chinese)."""
    seconds, title = CHAPTERS[chapter]
    line = _("In the lecture: [{title} ({time})]({url})").format(
        title=_(title), time=clock(seconds), url=youtube_url(chapter))
    if language() == "zh":
        line += " · " + _("[on Bilibili]({url})").format(url=bilibili_url(chapter))
    return line

