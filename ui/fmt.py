"""Number and text formatting shared by every page: infinity shown as ∞, never a NaN; symbols a reader can see."""

import html
import math
import re
import unicodedata

from core import SETTINGS
from core.data import is_invisible

from .i18n import _


def loss(x: float) -> str:
    """An NLL to the lecture's four decimals; ∞ for an impossible bigram; never -0.0000."""
    if math.isnan(x):
        return _("undefined")
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return f"{x + 0.0:.4f}" if round(x, 4) != 0 else "0.0000"


def smoothing(k: float) -> str:
    return f"{k:g}" if k < 1e4 else f"{k:.0e}".replace("e+0", "e")


def count(n: int) -> str:
    return f"{n:,}"


def share(x: float) -> str:
    return f"{x:.1%}"


def split_shares() -> str:
    """The train/dev/test split as a reader says it: 80/10/10."""
    return "/".join(f"{100 * f:g}" for f in SETTINGS.split)


def symbol(s: str) -> str:
    """A vocabulary symbol as a reader can see it: a lone combining mark on a dotted circle (◌́), a space as ␣,
    an invisible character by its code point. The boundary label and ordinary letters stay as they are."""
    if len(s) != 1:
        return s
    if s == " ":
        return "␣"
    category = unicodedata.category(s)
    if is_invisible(s) or category.startswith("C"):  # before marks: a variation selector is an invisible mark
        return f"U+{ord(s):04X}"
    if category in ("Mn", "Mc", "Me"):
        return "◌" + s
    return s


def plotly_text(s: str) -> str:
    """User text for a plotly label or hover: plotly reads <b>, <a>, <br>, so escape < > &."""
    return html.escape(s, quote=False)


def plotly_symbol(s: str) -> str:
    return plotly_text(symbol(s))


def md_code(s: str) -> str:
    """User text inside markdown, shown literally as a code span."""
    return "`" + s.replace("`", "'").replace("\n", " ") + "`"


def md_escape(s: str) -> str:
    """User text (or a message quoting it) inside markdown, with markdown's markup characters escaped."""
    return re.sub(r"([\\`*_{}\[\]()<>#+\-.!|~$:])", r"\\\1", s)
