"""Reading what a learner types: several names in one box, and a search over a table of names."""

import re
import unicodedata

import pandas as pd

from core import Vocab

SEPARATORS = (",", ";", "|", "/", "+", "#", "、", "，")  # tried in order: the first no name of the list uses


def separator(vocab: Vocab) -> str | None:
    """What splits names in the box: a character no name of the current list contains (None if each is used)."""
    return next((s for s in SEPARATORS if s not in vocab.stoi), None)


def parse_names(text: str, vocab: Vocab, max_names: int) -> tuple[list[str], int]:
    """Names typed in one box, NFC like the loader. Split on the list's separator, and on spaces too when no
    name of the list has one ("mary ann" stays one name where the data has it). Returns (names, dropped)."""
    sep = separator(vocab)
    pattern = "|".join(filter(None, [re.escape(sep) if sep else None, r"\s+" if " " not in vocab.stoi else None]))
    pieces = re.split(pattern, text) if pattern else [text]
    names = [unicodedata.normalize("NFC", w.strip()) for w in pieces if w.strip()]
    return names[:max_names], max(0, len(names) - max_names)


def search(table: pd.DataFrame, query: str) -> pd.DataFrame:
    """Rows whose name contains `query` (case-insensitive, NFC like the data); all rows for a blank query."""
    q = unicodedata.normalize("NFC", query.strip()).casefold()
    if not q:
        return table
    return table[table["name"].str.casefold().str.contains(q, regex=False)]
