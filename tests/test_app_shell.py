"""The app shell: every page runs on its own, the sidebar's values survive page switches, uploads."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]


def plain(markdown: str) -> str:
    """The text a person reads: markdown escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def app(path: Path = ROOT / "app.py") -> AppTest:
    return AppTest.from_file(str(path), default_timeout=60)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_page_runs_on_its_own(page):
    at = app(page).run()
    assert not at.exception
    assert not at.error


def test_smoothing_and_seed_survive_a_page_switch():
    at = app().run()
    at.sidebar.select_slider(key="smoothing").set_value(0.0).run()
    at.sidebar.number_input(key="seed").set_value(42).run()
    for page in PAGES[1:]:
        at.switch_page(str(page.relative_to(ROOT))).run()
        assert not at.exception
        assert at.sidebar.select_slider(key="smoothing").value == 0.0
        assert at.sidebar.number_input(key="seed").value == 42


def test_home_shows_the_bundled_dataset_figures():
    at = app().run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Names"] == "32,469"
    assert metrics["Bigrams"] == "231,718"
    assert metrics["Vocabulary"] == "27"


def test_home_shows_the_lecture_figures(lecture_path, monkeypatch):
    monkeypatch.setenv("MAKEMORE_DATA", str(lecture_path))
    at = app().run()
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Names"], metrics["Shortest"], metrics["Longest"]) == ("32,033", "2 chars", "15 chars")
    assert metrics["Bigrams"] == "228,146"
    assert any("lecture's own names.txt" in s.value for s in at.sidebar.success)


def test_a_missing_starting_dataset_is_a_message_not_a_traceback(monkeypatch, tmp_path):
    monkeypatch.setenv("MAKEMORE_DATA", str(tmp_path / "nope.txt"))
    at = app().run()
    assert not at.exception
    assert "Cannot read the starting dataset" in plain(at.error[0].value)


def test_a_bad_starting_dataset_is_a_message_not_a_traceback(monkeypatch, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\n\n  \n")
    monkeypatch.setenv("MAKEMORE_DATA", str(bad))
    at = app().run()
    assert not at.exception
    assert "no names found" in plain(at.error[0].value)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    return at.sidebar.file_uploader(key="upload").set_value((name, data, "text/plain")).run()


def test_an_upload_replaces_the_dataset_for_this_session_only():
    mine, other = app().run(), app().run()
    upload(mine, "w.txt", b"emma\nava\nzo\xc3\xab\n")
    assert not mine.exception
    assert {m.label: m.value for m in mine.metric}["Names"] == "3"
    assert {m.label: m.value for m in other.run().metric}["Names"] == "32,469"


def test_a_bad_upload_explains_itself_and_keeps_the_previous_dataset():
    at = upload(app().run(), "good.txt", b"emma\nava\n")
    upload(at, "bad.txt", b"caf\xe9\n")
    assert not at.exception
    assert "bad.txt was not loaded" in plain(at.sidebar.error[0].value)
    assert "UTF-8" in plain(at.sidebar.error[0].value)
    assert {m.label: m.value for m in at.metric}["Names"] == "2"


def test_back_to_the_starting_dataset():
    at = upload(app().run(), "good.txt", b"emma\nava\n")
    at.sidebar.button(key="reset_dataset").click().run()
    assert {m.label: m.value for m in at.metric}["Names"] == "32,469"


def test_any_year_of_us_names_can_be_loaded():
    at = app().run()
    at.sidebar.number_input(key="year").set_value(1920).run()
    at.sidebar.radio(key="sex").set_value("F").run()
    at.sidebar.button(key="load_year").click().run()
    assert not at.exception
    from data.build_names import build_names

    assert {m.label: m.value for m in at.metric}["Names"] == f"{len(build_names(1920, sex='F')):,}"


@pytest.mark.parametrize("clear", ["reset_dataset", "load_year"])
def test_a_refused_uploads_error_is_cleared_by_the_next_dataset(clear):
    at = upload(app().run(), "good.txt", b"emma\nava\n")
    upload(at, "bad.txt", b"\x00binary")
    assert at.sidebar.error
    at.sidebar.button(key=clear).click().run()
    assert not at.exception and not at.sidebar.error


def test_the_upload_cap_is_the_loaders_cap():
    import tomllib

    import core

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 2**20 == core.SETTINGS.max_bytes  # Streamlit counts MiB


def test_a_file_at_the_cap_loads_and_one_byte_more_is_refused_with_a_message_that_reads_right():
    import core

    cap = core.SETTINGS.max_bytes
    line = b"abcdefgh\n"
    exact = line * (cap // len(line)) + b"x" * (cap % len(line))
    assert len(exact) == cap
    at = upload(app().run(), "exact.txt", exact)
    assert not at.exception and not at.sidebar.error
    upload(at, "over.txt", exact + b"y")
    message = plain(at.sidebar.error[0].value)
    assert f"the file is {cap + 1:,} bytes; the limit is {cap:,} bytes (10 MiB)" in message
