"""What the page tests share: running a page file in AppTest and reading its plotly figures."""

import base64
import json
from pathlib import Path

import numpy as np
import torch
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def page(path: str) -> AppTest:
    """An AppTest of `path` (relative to the repo), not run yet; the first run imports torch, hence the timeout."""
    return AppTest.from_file(str(ROOT / path), default_timeout=60)


def run_page(path: str, monkeypatch=None, data: Path | None = None) -> AppTest:
    """Run `path` on its own, on `data` if given; it must not raise."""
    if data is not None:
        monkeypatch.setenv("MAKEMORE_DATA", str(data))
    at = page(path).run()
    assert not at.exception
    return at


def figure(at: AppTest, key: str) -> dict:
    return json.loads(at.get_by_key(key).proto.spec)


def plotly_array(values) -> np.ndarray:
    """A plotly array from the figure JSON: a list, or {dtype, bdata, shape} (plotly 7's base64 typed array)."""
    if isinstance(values, dict):
        flat = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        return flat.reshape([int(n) for n in str(values.get("shape", len(flat))).split(",")])
    return np.array(values, dtype=float)


def shuffled_split(words: list[str], seed: int) -> tuple[list[str], list[str]]:
    """Train and dev names by the split's definition, written here apart from core: torch.randperm from a generator
    seeded with `seed`, then the first 80% train and the next 10% dev."""
    order = torch.randperm(len(words), generator=torch.Generator().manual_seed(seed)).tolist()
    n_train, n_dev = int(0.8 * len(words)), int(0.1 * len(words))
    shuffled = [words[i] for i in order]
    return shuffled[:n_train], shuffled[n_train:n_train + n_dev]


def count_calls(monkeypatch, module, name: str) -> list:
    """Wrap module.name so each call is recorded (and still made); returns the list of calls."""
    calls, original = [], getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls
