"""The neural-net page: forward pass, live training chunk by chunk, per-session weights, divergence."""

import json
import math
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

import core
from ui import training

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages/5_Neural_net.py")


def page() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=60)


def bundled_counts() -> torch.Tensor:
    return core.Corpus.from_bytes(core.default_data_path().read_bytes(), "names.txt").counts


def run_state(at: AppTest) -> training.Run:
    return at.session_state[training.STATE_KEY]


def train_until_done(at: AppTest, max_chunks: int = 50) -> list[int]:
    """Click start, then one at.run() per chunk (AppTest never fires the fragment timer); steps after each."""
    at.button(key="train_start").click().run()
    seen = [run_state(at).steps]
    while run_state(at).training and len(seen) < max_chunks:
        at.run()
        seen.append(run_state(at).steps)
    assert not run_state(at).training
    return seen


def reference_losses(counts, steps, **kw) -> list[float]:
    return [s.loss for s in core.train(counts, steps, seed=core.LECTURE_SEED, **kw)]


@pytest.fixture(autouse=True)
def bundled_data(monkeypatch):
    monkeypatch.delenv("MAKEMORE_DATA", raising=False)


def test_the_page_runs_on_its_own():
    at = page().run()
    assert not at.exception
    assert not at.error
    assert run_state(at).steps == 0
    assert at.number_input(key="lr").value == 50
    assert at.number_input(key="steps").value == 100
    assert at.number_input(key="reg").value == 0.01
    assert at.radio(key="train_method").value == "fast"
    assert at.text_input(key="nn_word").value == "emma"


def test_emma_through_the_random_net_matches_the_lecture(lecture_path, monkeypatch):
    monkeypatch.setenv("MAKEMORE_DATA", str(lecture_path))
    at = page().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Average NLL over 5 examples"] == "3.7693"
    table = next(d.value for d in at.dataframe if "p(label)" in d.value.columns)
    assert table["p(label)"].tolist()[0] == "0.0123"
    assert table["NLL"].tolist()[0] == "4.3993"


def test_training_runs_chunk_by_chunk_and_matches_core_train():
    at = page().run()
    at.number_input(key="lr").set_value(10.0).run()
    chunk = training.CHUNK["fast"]
    steps = 2 * chunk + 30
    at.number_input(key="steps").set_value(steps).run()
    assert train_until_done(at) == [chunk, 2 * chunk, steps]
    assert run_state(at).losses == reference_losses(bundled_counts(), steps, lr=10.0, reg=0.01)
    chart = json.loads(at.get_by_key("loss_chart").proto.spec)
    assert chart["data"][0]["y"] == pytest.approx(run_state(at).losses)
    assert not at.exception


def test_onehot_training_resumes_across_chunks_like_one_uninterrupted_run():
    at = page().run()
    at.radio(key="train_method").set_value("onehot").run()
    steps = training.CHUNK["onehot"] + 2
    at.number_input(key="steps").set_value(steps).run()
    assert train_until_done(at) == [training.CHUNK["onehot"], steps]
    expected = reference_losses(bundled_counts(), steps, lr=50.0, reg=0.01, method="onehot")
    assert run_state(at).losses == expected


def test_pause_resume_step_and_reset():
    at = page().run()
    at.number_input(key="steps").set_value(450).run()
    at.button(key="train_start").click().run()
    at.button(key="train_pause").click().run()
    paused_at = run_state(at).steps
    at.run()
    assert run_state(at).steps == paused_at and not run_state(at).training
    assert at.button(key="train_start").label == "Resume"
    seen = train_until_done(at)
    assert seen[-1] == 450
    at.button(key="train_step").click().run()
    assert run_state(at).steps == 451
    assert run_state(at).losses == reference_losses(bundled_counts(), 451, lr=50.0, reg=0.01)
    at.button(key="train_reset").click().run()
    assert run_state(at).steps == 0
    assert torch.equal(run_state(at).W, core.init_weights(run_state(at).W.shape[0], core.LECTURE_SEED))
    assert not at.exception


def test_two_sessions_train_independently():
    a, b = page().run(), page().run()
    a.number_input(key="lr").set_value(10.0).run()
    a.number_input(key="steps").set_value(500).run()
    b.number_input(key="steps").set_value(500).run()
    a.button(key="train_start").click().run()
    b.button(key="train_start").click().run()
    for at in (a, b, a, b):  # interleaved chunks
        at.run()
    counts = bundled_counts()
    assert run_state(a).losses == reference_losses(counts, 500, lr=10.0, reg=0.01)
    assert run_state(b).losses == reference_losses(counts, 500, lr=50.0, reg=0.01)
    assert run_state(a).losses != run_state(b).losses
    assert run_state(a) is not run_state(b)


def test_divergence_is_a_message_and_keeps_the_last_finite_weights():
    at = page().run()
    at.number_input(key="lr").set_value(1e6).run()
    at.button(key="train_start").click().run()
    assert not at.exception
    assert any("diverged" in e.value for e in at.error)
    run = run_state(at)
    assert not run.training
    assert torch.isfinite(run.W).all()
    with pytest.raises(core.TrainingDiverged) as info:
        for _ in core.train(bundled_counts(), 100, lr=1e6, reg=0.01):
            pass
    assert torch.equal(run.W, info.value.W)
    assert all(math.isfinite(x) for x in run.losses)
    at.run()  # the rest of the page copes with the wrecked weights
    assert not at.exception


def test_an_unknown_character_in_the_word_is_a_message():
    at = page().run()
    at.text_input(key="nn_word").input("emma!").run()
    assert not at.exception
    assert "never occurs" in at.error[0].value


def test_lecture_training_numbers(lecture_path, monkeypatch):
    monkeypatch.setenv("MAKEMORE_DATA", str(lecture_path))
    at = page().run()
    train_until_done(at)
    losses = run_state(at).losses
    assert len(losses) == 100
    assert f"{losses[0]:.4f}" == "3.7686"  # the lecture's loss before the first update
    assert abs(losses[-1] - 2.49) < 0.005
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Training loss"] == f"{losses[-1]:.4f}"
    assert metrics["reg 0.01 trained to convergence ≈ smoothing"] == "7.86"


def test_changing_the_strength_redraws_the_smoothing_it_matches():
    at = page().run()
    at.number_input(key="reg").set_value(0.1).run()
    assert not at.exception
    assert any(m.label == "reg 0.1 trained to convergence ≈ smoothing" for m in at.metric)


def test_the_words_gradient_lives_in_the_rows_of_its_inputs():
    at = page().run()
    at.radio(key="nn_grad_scope").set_value("word").run()
    assert not at.exception
    assert any("rows `.`, `a`, `e`, `m`;" in c.value for c in at.caption)


def test_a_shorter_word_after_picking_a_late_example():
    at = page().run()
    at.text_input(key="nn_word").input("isabella").run()
    at.selectbox(key="nn_example").set_value(8).run()
    at.text_input(key="nn_word").input("al").run()
    assert not at.exception
