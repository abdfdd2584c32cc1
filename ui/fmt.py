"""Number and text formatting shared by every page: infinity shown as ∞, never a NaN."""

import html
import math
import re


def loss(x: float) -> str:
    """An NLL to the lecture's four decimals; ∞ for an impossible bigram."""
    if math.isnan(x):
        return "undefined"
    return "∞" if math.isinf(x) else f"{x:.4f}"


def smoothing(k: float) -> str:
    return f"{k:g}" if k < 1e4 else f"{k:.0e}".replace("e+0", "e")


def count(n: int) -> str:
    return f"{n:,}"


def plotly_text(s: str) -> str:
    """User text for a plotly label or hover: plotly reads <b>, <a>, <br>, so escape < > &."""
    return html.escape(s, quote=False)


def md_code(s: str) -> str:
    """User text inside markdown, shown literally as a code span."""
    return "`" + s.replace("`", "'").replace("\n", " ") + "`"


def md_escape(s: str) -> str:
    """User text (or a message quoting it) inside markdown, with markdown's markup characters escaped."""
    return re.sub(r"([\\`*_{}\[\]()<>#+\-.!|~$:])", r"\\\1", s)
