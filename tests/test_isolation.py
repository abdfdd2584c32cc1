"""Sessions are isolated: two users with different uploads, typed names and trainings each see only
their own, and a third, fresh session starts on the starting dataset with an untrained net."""

from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

import core
from ui import fmt

ROOT = Path(__file__).resolve().parent.parent
NEURAL = ROOT / "pages" / "5_Neural_net.py"
# (file name, bytes, typed name, learning rate, training steps) per user
USERS = {
    "a": ("a.txt", b"ab\nba\naab\n", "ab", 10.0, 2),
    "b": ("b.txt", b"xyz\nzyx\nyy\nzz\n", "zyx", 1.0, 3),
}


def session() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def words_shown(at: AppTest, user: str) -> dict[str, object]:
    """What this session's home page says about its dataset."""
    name = USERS[user][0]
    at.switch_page("app.py").run()
    assert not at.exception
    return {"names": metrics(at)["Names"], "caption": any(f"`{name}`" in c.value for c in at.sidebar.caption)}


@pytest.fixture
def users() -> dict[str, AppTest]:
    sessions = {}
    for user, (name, data, *_) in USERS.items():
        at = session()
        at.sidebar.file_uploader(key="upload").set_value((name, data, "text/plain")).run()
        assert not at.exception
        sessions[user] = at
    return sessions


def test_each_upload_is_seen_only_by_its_session(users):
    for user, at in users.items():
        _, data, *_ = USERS[user]
        assert words_shown(at, user) == {"names": str(len(data.split())), "caption": True}
    fresh = session()
    starting = core.load_words(core.default_data_path())
    assert metrics(fresh)["Names"] == fmt.count(len(starting))


def test_each_typed_name_is_seen_only_by_its_session(users):
    for user, at in users.items():
        at.switch_page("pages/4_Loss.py").run()
        at.text_input(key="name").input(USERS[user][2]).run()
    for user, at in users.items():
        at.run()
        assert at.text_input(key="name").value == USERS[user][2]
        bigrams = list(at.dataframe[0].value["bigram"])  # a dataframe's key does not reach AppTest
        word = USERS[user][2]
        assert len(bigrams) == len(word) + 1 and all(set(b) <= set(word + ".") for b in bigrams)


def train(at: AppTest, lr: float, steps: int) -> None:
    at.number_input(key="lr").set_value(lr).run()
    for _ in range(steps):
        at.button(key="train_step").click().run()
        assert not at.exception


def test_each_training_is_seen_only_by_its_session(users):
    for at in users.values():
        at.switch_page(str(NEURAL.relative_to(ROOT))).run()
    # interleaved, as two learners at once would: a one step, b all of its steps, a the rest
    a, b = users["a"], users["b"]
    train(a, USERS["a"][3], 1)
    train(b, USERS["b"][3], USERS["b"][4])
    train(a, USERS["a"][3], USERS["a"][4] - 1)
    for user, at in users.items():
        _, data, _, lr, steps = USERS[user]
        at.run()
        assert metrics(at)["Steps done"] == str(steps)
        corpus = core.Corpus.from_bytes(data, "x")
        run = at.session_state["nn_run"]
        assert run.owner[0] == corpus.digest
        *_, last = core.train(corpus.counts, steps, lr=lr, reg=float(at.session_state["reg"]))
        # exactly this user's data, rate and steps: nothing of the other's
        assert torch.allclose(run.W, last.W)

    fresh = session()
    fresh.switch_page(str(NEURAL.relative_to(ROOT))).run()
    assert not fresh.exception
    assert metrics(fresh)["Steps done"] == "0"
    assert (
        fresh.session_state["nn_run"].owner[0]
        == core.Corpus.from_bytes(core.default_data_path().read_bytes(), "x").digest
    )


def test_a_session_leaves_the_shared_dataset_and_its_tables_as_they_were(lecture_path, monkeypatch):
    """The loaded dataset, its counts and P are shared read-only between sessions with the same data
    (st.cache_resource): every page, every view and a training run must leave them unchanged."""
    monkeypatch.setenv("MAKEMORE_DATA", str(lecture_path))
    at = session()
    from ui.sidebar import Settings, load

    data = lecture_path.read_bytes()
    shared = load(data, lecture_path.name)
    before = (list(shared.words), shared.counts.clone(), Settings(shared, 1.0, 1).probs.clone())
    for page in ["app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]:
        at.switch_page(page).run()
        assert not at.exception
    at.switch_page("pages/5_Neural_net.py").run()
    for view in ["forward", "probs", "counts", "reg", "grad", "samples"]:
        at.segmented_control(key="nn_view").set_value(view).run()
    at.button(key="train_start").click().run()
    after = load(data, lecture_path.name)
    assert after is shared  # the one shared object...
    assert after.words == before[0] and torch.equal(after.counts, before[1])  # ...as it was
    assert torch.equal(Settings(after, 1.0, 1).probs, before[2])
