"""Take-aways: downloads of what a page shows, and the plain-PyTorch code that recomputes it."""

import io

import pandas as pd
import streamlit as st
import torch

from .i18n import _


def table_csv(M: torch.Tensor, itos: list[str]) -> bytes:
    """A V x V table as CSV, rows and columns labelled by character (row = first character)."""
    return pd.DataFrame(M.numpy(), index=itos, columns=itos).to_csv().encode()


def weights_pt(W: torch.Tensor, itos: list[str]) -> bytes:
    """W and its vocabulary as a file for `torch.load`."""
    buf = io.BytesIO()
    torch.save({"W": W.detach().clone(), "itos": list(itos)}, buf)
    return buf.getvalue()


def data_file_name(corpus_name: str) -> str:
    return corpus_name if corpus_name.endswith(".txt") else "names.txt"


def show_code(code: str, key: str, what: str) -> None:
    """An expander with the script (it stays in English: it is code) and a button to download it."""
    with st.expander(_("Show me the code: {what} in plain PyTorch").format(what=what)):
        # No syntax colours: Streamlit's fixed token palette is 2.3-3.8:1 on the code background (WCAG needs 4.5);
        # wrapped lines: a block that scrolls sideways is a keyboard trap axe flags on phones.
        st.code(code, language=None, wrap_lines=True)
        st.download_button(_("Download the script"), code, file_name=f"{key}.py", mime="text/x-python",
                           key=f"download_{key}", on_click="ignore")
