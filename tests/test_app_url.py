"""The view lives in the URL: opening a link restores it, and the address bar follows the controls."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def open_link(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def test_a_link_restores_smoothing_seed_and_a_typed_name(lecture_path, monkeypatch):
    monkeypatch.setenv("MAKEMORE_DATA", str(lecture_path))
    at = open_link("pages/4_Loss.py", smoothing="0", seed="42", name="andrejq")
    assert not at.exception
    assert at.sidebar.select_slider(key="smoothing").value == 0.0
    assert at.sidebar.number_input(key="seed").value == 42
    assert at.text_input(key="name").value == "andrejq"
    assert any(m.value == "∞" for m in at.metric)


def test_a_link_restores_training_settings():
    at = open_link("pages/5_Neural_net.py", lr="10", steps="250", reg="0.1", train_method="onehot")
    assert not at.exception
    assert at.number_input(key="lr").value == 10.0
    assert at.number_input(key="steps").value == 250
    assert at.number_input(key="reg").value == 0.1
    assert at.radio(key="train_method").value == "onehot"


def test_a_link_restores_a_year_of_names():
    at = open_link("app.py", year="1920", sex="F")
    assert not at.exception
    from data.build_names import build_names

    assert {m.label: m.value for m in at.metric}["Names"] == f"{len(build_names(1920, sex='F')):,}"
    assert at.query_params["year"] == "1920" and at.query_params["sex"] == "F"


def test_invalid_values_in_a_link_are_ignored():
    at = open_link("pages/4_Loss.py", smoothing="inf", seed="-3", lr="1e99", year="1700", sex="X")
    assert not at.exception
    assert at.sidebar.select_slider(key="smoothing").value == 1.0
    assert at.sidebar.number_input(key="seed").value == 2147483647


def test_a_smoothing_off_the_ladder_snaps_to_the_nearest_step():
    at = open_link("app.py", smoothing="3")
    assert at.sidebar.select_slider(key="smoothing").value == 2.0


def test_the_address_bar_follows_the_controls():
    at = open_link("pages/4_Loss.py")
    at.sidebar.select_slider(key="smoothing").set_value(10.0).run()
    at.text_input(key="name").input("emma").run()
    assert at.query_params["smoothing"] == "10.0"
    assert at.query_params["name"] == "emma"


def test_downloads_and_code_are_offered():
    labels = [d.proto.label for d in open_link("pages/1_Counts.py").get("download_button")]
    assert labels == ["Counts N as CSV", "P (k = 1) as CSV", "Download the script"]
    at = open_link("pages/3_Sampling.py")
    assert "These names as .txt" in [d.proto.label for d in at.get("download_button")]
    assert any("torch.Generator().manual_seed(2147483647)" in c.value for c in at.code)


def test_the_neural_pages_settings_reach_the_address_bar_at_once():
    at = open_link("pages/5_Neural_net.py")
    at.number_input(key="lr").set_value(10.0).run()
    at.number_input(key="steps").set_value(250).run()
    at.radio(key="train_method").set_value("onehot").run()
    at.text_input(key="nn_word").input("ava").run()
    assert (at.query_params["lr"], at.query_params["steps"]) == ("10.0", "250")
    assert (at.query_params["train_method"], at.query_params["nn_word"]) == ("onehot", "ava")


def test_a_page_carries_only_its_own_settings_and_the_sidebars():
    at = open_link("app.py")
    at.switch_page("pages/3_Sampling.py").run()
    at.number_input(key="num_samples").set_value(37).run()
    assert at.query_params["num_samples"] == "37"
    at.switch_page("pages/5_Neural_net.py").run()
    assert not at.exception
    assert "num_samples" not in at.query_params and "sample_method" not in at.query_params
    assert at.query_params["lr"] == "50.0" and at.query_params["smoothing"] == "1.0"
    at.switch_page("pages/3_Sampling.py").run()
    assert at.query_params["num_samples"] == "37" and "lr" not in at.query_params  # kept in the session
