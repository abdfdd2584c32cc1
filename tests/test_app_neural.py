"""The neural-net page: forward pass, live training chunk by chunk, per-session weights, divergence."""

import math
from pathlib import Path

import pytest
import torch
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
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


def train_until_done(at: AppTest) -> list[int]:
    """Click Start: the fragment trains until the run ends within that script run; the steps seen after it."""
    at.button(key="train_start").click().run()
    assert not run_state(at).training
    return [run_state(at).steps]


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


def chart_losses(at: AppTest) -> list[float]:
    """The loss curve the chart was last given (a Vega-Lite chart: its data is an Arrow table)."""
    chart = at.get("vega_lite_chart")[0].proto
    data = convert_arrow_bytes_to_pandas_df(chart.data.data)
    return data[data["curve"] == data["curve"].iloc[0]]["loss"].tolist()


def test_start_trains_the_asked_steps_in_one_go_and_matches_core_train():
    at = page().run()
    at.number_input(key="lr").set_value(10.0).run()
    at.number_input(key="steps").set_value(430).run()
    assert train_until_done(at) == [430]
    assert run_state(at).losses == reference_losses(bundled_counts(), 430, lr=10.0, reg=0.01)
    assert chart_losses(at) == run_state(at).losses  # fewer than a thousand: every step drawn
    assert not at.exception


def test_the_loss_chart_holds_the_losses_thinned_to_at_most_a_thousand_points():
    at = page().run()
    at.number_input(key="steps").set_value(5000).run()
    train_until_done(at)
    losses, shown = run_state(at).losses, chart_losses(at)
    assert len(losses) == 5000 and len(shown) <= training.MAX_POINTS + 1
    assert shown[0] == losses[0] and shown[-1] == losses[-1] and set(shown) <= set(losses)


def test_onehot_training_gives_the_same_steps_as_core():
    at = page().run()
    at.radio(key="train_method").set_value("onehot").run()
    at.number_input(key="steps").set_value(3).run()
    train_until_done(at)
    assert run_state(at).losses == reference_losses(bundled_counts(), 3, lr=50.0, reg=0.01, method="onehot")


def progress(at: AppTest) -> tuple[int, str]:
    bar = at.get("progress")[0].proto
    return bar.value, bar.text


def test_not_trained_yet_shows_an_empty_progress_bar():
    at = page().run()
    assert progress(at) == (0, "not trained yet")


def paused_run(at: AppTest, done: int, asked: int) -> None:
    """A run paused after `done` of `asked` steps, as a Pause click during the loop leaves it."""
    run = run_state(at)
    run.begin(asked)
    run.advance(bundled_counts(), done, lr=50.0, reg=0.01, method="fast")
    run.pause()
    at.run()


def test_pause_then_one_step_keeps_the_rest_of_the_run():
    at = page().run()
    paused_run(at, 41, 100)
    assert at.button(key="train_start").label == "Resume" and progress(at) == (41, "step 41 of 100 — paused")
    at.button(key="train_step").click().run()
    run = run_state(at)
    assert (run.steps, run.target, run.paused) == (42, 100, True)
    assert at.button(key="train_start").label == "Resume" and progress(at) == (42, "step 42 of 100 — paused")
    at.button(key="train_start").click().run()  # Resume finishes the run it was asked for
    assert (run_state(at).steps, run_state(at).training) == (100, False)
    assert run_state(at).losses == reference_losses(bundled_counts(), 100, lr=50.0, reg=0.01)


def test_one_step_on_an_idle_net_and_reset():
    at = page().run()
    at.button(key="train_step").click().run()
    assert run_state(at).steps == 1 and progress(at) == (100, "step 1 of 1")
    assert at.button(key="train_start").label == "Start"
    at.button(key="train_reset").click().run()
    assert run_state(at).steps == 0
    assert torch.equal(run_state(at).W, core.init_weights(run_state(at).W.shape[0], core.LECTURE_SEED))
    assert progress(at) == (0, "not trained yet")
    assert not at.exception


def test_no_training_button_is_ever_disabled():
    """A disabled button drops the keyboard focus; a click that means nothing now does nothing."""
    at = page().run()
    keys = ["train_start", "train_pause", "train_step", "train_reset"]
    assert not any(at.button(key=k).disabled for k in keys)
    at.button(key="train_pause").click().run()  # pausing an idle net changes nothing
    assert run_state(at).steps == 0 and not at.exception
    paused_run(at, 5, 10)
    assert not any(at.button(key=k).disabled for k in keys)


def test_two_sessions_train_independently():
    a, b = page().run(), page().run()
    a.number_input(key="lr").set_value(10.0).run()
    a.number_input(key="steps").set_value(500).run()
    b.number_input(key="steps").set_value(500).run()
    a.button(key="train_start").click().run()
    b.button(key="train_start").click().run()
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
    at.segmented_control(key="nn_view").set_value("reg").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["reg 0.01 trained to convergence ≈ smoothing"] == "7.86"


def test_changing_the_strength_redraws_the_smoothing_it_matches():
    at = page().run()
    at.segmented_control(key="nn_view").set_value("reg").run()
    at.number_input(key="reg").set_value(0.1).run()
    assert not at.exception
    assert any(m.label == "reg 0.1 trained to convergence ≈ smoothing" for m in at.metric)


def test_the_words_gradient_lives_in_the_rows_of_its_inputs():
    at = page().run()
    at.segmented_control(key="nn_view").set_value("grad").run()
    at.radio(key="nn_grad_scope").set_value("word").run()
    assert not at.exception
    assert any("rows `.`, `a`, `e`, `m`;" in c.value for c in at.caption)


def test_a_shorter_word_after_picking_a_late_example():
    at = page().run()
    at.text_input(key="nn_word").input("isabella").run()
    at.selectbox(key="nn_example").set_value(8).run()
    at.text_input(key="nn_word").input("al").run()
    assert not at.exception


def test_training_sees_a_waiting_input_which_streamlit_would_not_let_interrupt_it():
    """ui.training reads Streamlit's pending rerun (no public API): pin both halves of what it relies on."""
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequests

    from ui.training import input_waiting

    requests = ScriptRequests()
    assert not input_waiting(requests) and not input_waiting(None)
    requests.request_rerun(RerunData(fragment_id="the_net"))  # a click inside the training fragment
    assert input_waiting(requests)
    assert requests.on_scriptrunner_yield() is None  # Streamlit lets the running fragment go on: the loop must look
