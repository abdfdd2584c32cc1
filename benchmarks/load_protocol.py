"""Protocol mode of benchmarks/load.py: learners that speak Streamlit's protocol (benchmarks/stclient.py).

Each learner is one browser tab's worth of protocol at a person's pace: after each action it thinks for
`pace` seconds +-50%. Most learners move the sidebar's smoothing, type names on the Loss page, change
the number of samples on the Sampling page, switch pages, upload a word list and load a year of US
names (and go back to the starting data); a share of them train the net on the Neural net page (Start
to the end, One step, Start then Pause then Resume, Reset, the settings, a few one-hot steps). Every
action is checked against what the app must show once the run it started has finished:

- smoothing: the slider shows the new step, and the page's dataset NLL (Loss, Sampling) and typed
  name's NLL (Loss) are the values the app's own `core` gives for this dataset and smoothing;
- a typed name: the "Average NLL" metric is the name's NLL for this dataset and smoothing;
- the sample count: the samples table has that many rows;
- a page switch: the new page ran to the end; an upload, a year, back to the start: the sidebar says
  which dataset is loaded and how many names it has;
- training: "Steps done" advanced by exactly the steps asked (Start, Resume: timed to the end of the
  run), moved at all (Start before a Pause: timed to the first element showing it, since a long run
  updates the page in place), by one (One step), stopped (Pause: no longer training, and the count
  still while paused), or is 0 (Reset). Training is seen either way the page runs it: a fragment
  timer (run_every) with Pause enabled only meanwhile, or one long fragment run.

The time of an action runs from sending it to the script-finished message that showed the effect. An
action fails on an exception shown by the app, on no answer or no effect within ACTION_TIMEOUT s, or on
a wrong value; the learner then reloads the page (a new session, as a person would), so one failure
does not set off others. A training run is short when it stopped with fewer steps than asked, dropped
when its count stopped moving for ACTION_TIMEOUT s. The expected values come from the app's own `core`
and `ui.fmt`, computed in a separate process before the load (so this process never imports torch).
"""

import asyncio
import multiprocessing
import random
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from stclient import EARLY, FINISHED, Finish, ProtocolError, Session

ACTION_TIMEOUT = 30.0  # s without the effect (or, while training, without a step) before it is an error
TRAINING_LIMIT = 120.0  # s a training run may take in all, however it progresses
GRACE = TRAINING_LIMIT + 10  # s after the deadline for the last actions to end before they are cut off
NAMES = ("andrej", "emma", "olivia", "kai", "zoe", "noah", "ava", "liam", "sofia", "ethan", "mia", "xavier")
YEARS = (1920, 1970, 2017)
SEX_KEYS = ("both", "F", "M")  # ui.sidebar.SEXES' order: the radio's options come in this order
UPLOADS, UPLOAD_NAMES = 4, 300  # distinct word lists the learners upload, names in each
START_STEPS = (100, 300, 500, 1000)
PAUSE_STEPS, ONEHOT_STEPS = 5000, 20  # 5000: the most a Start may ask; long enough to pause on the old page
BROWSE = {"smoothing": 3, "name": 3, "samples": 3, "page": 1.5, "upload": 0.5, "year": 0.5}
TRAIN = {"start": 4, "step": 2, "pause": 2, "reset": 1, "smoothing": 1, "settings": 1, "onehot": 0.5}


# --- what the app must show: computed with the app's own code, in another process -------------------


def upload_lists(data: Path, seed: int) -> dict[str, bytes]:
    """UPLOADS word lists drawn from the starting data (each learner's own class list, as it were)."""
    words = data.read_text(encoding="utf-8").split()
    rng = random.Random(seed)
    return {f"class_list_{i}.txt": ("\n".join(rng.sample(words, UPLOAD_NAMES)) + "\n").encode() for i in range(UPLOADS)}


def _expectations(root: str, data: str, uploads: dict[str, bytes]) -> dict:
    """For every dataset a learner can reach: the caption's name and size, the dataset NLL per smoothing
    step, and each name's NLL per step (None when it has a character the dataset lacks)."""
    import sys

    sys.path.insert(0, root)
    import core
    from data.build_names import build_names
    from ui import fmt
    from ui.sidebar import SEXES
    from ui.state import LADDER

    assert tuple(SEXES) == SEX_KEYS, "the sex radio's options changed order"
    sources = {"start": (Path(data).read_bytes(), Path(data).name)}
    sources |= {f"upload {name}": (b, name) for name, b in uploads.items()}
    for year in YEARS:
        for sex in SEX_KEYS:
            words = build_names(year, sex=sex)
            sources[f"year {year} {sex}"] = (("\n".join(words) + "\n").encode(), f"US {year}, {SEXES[sex]}")
    out = {}
    for key, (raw, name) in sources.items():
        corpus = core.Corpus.from_bytes(raw, name)
        steps = {fmt.smoothing(k): corpus.probs(k) for k in LADDER}
        names = {}
        for word in NAMES:
            try:
                names[word] = {}
                for label, P in steps.items():
                    table = core.breakdown(word, P, corpus.vocab, counts=corpus.counts)
                    names[word][label] = fmt.loss(-float(table["logprob"].sum()) / len(table))
            except core.UnknownCharacterError:
                names[word] = None
        out[key] = {
            "caption": (f"Loaded {fmt.md_code(corpus.name)}", f"{fmt.count(len(corpus.words))} names"),
            "nll": {label: fmt.loss(corpus.nll(k)) for label, k in zip(steps, LADDER, strict=True)},
            "names": names,
        }
    return out


def expectations(root: Path, data: Path, uploads: dict[str, bytes]) -> dict:
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: torch stays out of this process
    with ProcessPoolExecutor(1, mp_context=ctx) as pool:
        return pool.submit(_expectations, str(root), str(data), uploads).result(timeout=300)


# --- the tally ------------------------------------------------------------------------------------


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=dict)  # action -> seconds to the effect
    errors: list[tuple[str, str]] = field(default_factory=list)  # (action, what went wrong)
    runs: list[dict] = field(default_factory=list)  # training runs: asked, trained, outcome
    finishes: int = 0  # script-finished messages, fragment runs included
    early: int = 0  # of which ended early for a rerun

    def add(self, action: str, seconds: float) -> None:
        self.times.setdefault(action, []).append(seconds)

    def error(self, action: str, what: str) -> None:
        self.errors.append((action, what))


class ActionFailed(Exception):
    """An action that did not take effect (already counted as an error)."""


def table(df) -> pa.Table | None:
    """The Arrow table a shown dataframe carries (None for a lazily loaded one)."""
    if df.HasField("lazy_data"):
        return None
    return pa.ipc.open_stream(df.arrow_data.data).read_all()


# --- one learner ----------------------------------------------------------------------------------


class Learner:
    def __init__(self, url: str, rng: random.Random, expect: dict, uploads: dict[str, bytes], tally: Tally,
                 trainer: bool, pace: float):
        self.url = url
        self.s = Session(url)
        self.session_ids: list[str] = []  # of the sessions this learner left behind (a reload starts one)
        self.rng, self.expect, self.uploads, self.tally = rng, expect, uploads, tally
        self.trainer, self.pace = trainer, pace
        self.dataset = "start"  # which entry of `expect` the session shows

    # --- doing and checking ---

    async def think(self) -> None:
        await asyncio.sleep(self.pace * self.rng.uniform(0.5, 1.5))

    async def act(self, action: str, send: Callable[[], Awaitable[int]], shown: Callable[[Finish | None], object],
                  progress: Callable[[], object] | None = None, mid_run: bool = False) -> None:
        """Send, then wait for a finished run that shows the effect: shown(finish) returns True then, an
        error message when the finished run contradicts it, None to keep waiting. With `progress`, waiting
        goes on as long as progress() keeps changing (a training run), up to TRAINING_LIMIT. The time
        recorded runs from sending to the script-finished message that showed the effect; with mid_run,
        shown(None) is also asked after each element, and the time runs to the element that showed it.
        Only runs that cover what was asked count: full runs, and fragment runs of the fragment that
        the request reran (a widget in a fragment reruns that fragment alone)."""
        s, t0, seen = self.s, time.monotonic(), len(self.s.exceptions)

        def check(f: Finish | None):
            if f is not None and (f.status == EARLY or f.run.fragment_ids and scope not in f.run.fragment_ids):
                return None
            if len(s.exceptions) > seen:
                return f"exception: {s.exceptions[-1]}"
            result = shown(f)
            return ((f.at if f else time.monotonic()) - t0) if result is True else result

        try:
            mark = await send()
        except (ProtocolError, KeyError, TimeoutError, ConnectionError) as e:
            self.fail(action, f"{type(e).__name__}: {e}")
        scope = s.scope
        answer = s.watch(check, mark, mid_run)
        last = progress() if progress else None
        while True:
            try:
                result = await asyncio.wait_for(asyncio.shield(answer), ACTION_TIMEOUT)
                break
            except TimeoutError:
                if progress and progress() != last and time.monotonic() - t0 < TRAINING_LIMIT:
                    last = progress()
                    continue
                answer.cancel()
                answered = any(f.run.requests_before > mark for f in s.finishes)
                self.fail(action, f"{'effect not seen' if answered else 'no answer'} in {ACTION_TIMEOUT:g} s")
            except ConnectionError as e:
                self.fail(action, str(e))
            except Exception as e:  # a check that broke: counted like any failure, not a silent stop
                self.fail(action, f"the check raised {e!r}")
        if isinstance(result, str):
            self.fail(action, result)
        self.tally.add(action, result)

    def fail(self, action: str, what: str):
        self.tally.error(action, what)
        raise ActionFailed(f"{action}: {what}")

    # --- what the page shows ---

    def caption_ok(self) -> bool:
        name, size = self.expect[self.dataset]["caption"]
        return any(t.startswith(name) and size in t for t in self.s.texts())

    def contradicts(self, kind: str, key: str, value) -> str | None:
        """What is wrong when the widget shows a value the server set, other than `value`; None when it
        matches, or when the app set none (the widget then shows what the learner entered)."""
        w = self.s.by_key(kind, key)
        if w is None or not w.set_value:
            return None
        shown = list(w.raw_value) if kind == "slider" else w.raw_value if kind == "radio" else w.value
        return None if shown == value else f"{key} shows {shown!r} after it was set to {value!r}"

    def kept(self, kind: str, key: str, value) -> Callable[[Finish], object]:
        """shown() for a control whose effect is the page's full run: it ran, and kept the value."""
        return lambda f: self.contradicts(kind, key, value) or True

    def smoothing_label(self) -> str:
        return self.s.states[self.s.widget("smoothing").element.slider.id].string_array_value.data[0]

    def steps_done(self) -> int | None:
        body = self.s.metric("Steps done")
        return None if body is None else int(body.replace(",", ""))

    def training(self) -> bool:
        """Whether the net is training. A page that disables Pause when idle says so with it; then a
        fragment timer (run_every) or a run in progress (one long run that trains in chunks) does."""
        pause = self.s.by_key("button", "train_pause")
        if pause is not None and pause.disabled:
            return False
        return bool(self.s.timers) or self.s.running

    # --- browsing ---

    async def open(self, action: str = "first load") -> None:
        t0 = time.perf_counter()
        try:
            await self.s.open()
        except (OSError, ProtocolError, TimeoutError) as e:
            self.fail(action, f"{type(e).__name__}: {e}")
        self.tally.add(action, time.perf_counter() - t0)

    async def reload(self) -> None:
        """What a person does with a page that got stuck: load it again. A new session starts from the
        starting dataset; the old one stays on the server until it expires."""
        await self.s.close()
        self.count_runs()
        self.s = Session(self.url)
        self.dataset = "start"
        try:
            await self.open("reload")
        except ActionFailed:
            pass

    async def go(self, page: str) -> None:
        if self.s.path == page:
            return

        def shown(f: Finish):
            if f.status != FINISHED:
                return None
            return True if self.s.page_hash == self.s.pages[page] else f"on page {self.s.page_hash}, not {page}"

        await self.act("page switch", lambda: self.s.switch_page(page), shown)
        await self.think()

    async def smoothing(self) -> None:
        slider = self.s.widget("smoothing").element.slider
        options = list(slider.options)
        now = options.index(self.smoothing_label())
        label = options[self.rng.choice([i for i in range(now - 3, now + 4) if 0 <= i < len(options) and i != now])]
        expected = self.expect[self.dataset]["nll"][label]
        names = self.expect[self.dataset]["names"]
        typed = self.s.states.get(getattr(self.s.by_key("text_input", "name"), "id", ""), None)

        def shown(f: Finish):
            if wrong := self.contradicts("slider", "smoothing", [label]):
                return wrong
            nll = self.s.metric("Dataset average NLL") or self.s.metric("The dataset's own NLL")
            if nll is not None and nll != expected:
                return f"dataset NLL {nll} at smoothing {label}, expected {expected}"
            name_nll = self.s.metric("Average NLL")
            word = typed.string_value if typed is not None else None
            if name_nll is not None and names.get(word) and name_nll != names[word][label]:
                return f"NLL of {word!r} {name_nll} at smoothing {label}, expected {names[word][label]}"
            return True

        await self.act("smoothing", lambda: self.s.set_value("smoothing", label), shown)

    async def type_name(self) -> None:
        await self.go("Loss")
        box = self.s.widget("name").element.text_input
        word = self.rng.choice([n for n in NAMES if n != self.s.states[box.id].string_value])
        label = self.smoothing_label()
        expected = self.expect[self.dataset]["names"][word]

        def shown(f: Finish):
            if wrong := self.contradicts("text_input", "name", word):
                return wrong
            nll = self.s.metric("Average NLL")
            if expected is None:  # a character the dataset lacks: the page says so instead of scoring
                return True if nll is None else f"{word!r} scored {nll} though the dataset lacks a character"
            return True if nll == expected[label] else f"NLL of {word!r} {nll}, expected {expected[label]}"

        await self.act("type a name", lambda: self.s.set_value("name", word), shown)

    async def sample_count(self) -> None:
        await self.go("Sampling")
        box = self.s.widget("num_samples").element.number_input
        n = self.rng.choice([k for k in range(5, 61) if k != self.s.states[box.id].int_value])

        def shown(f: Finish):  # the samples table is the one with a "new" column (a dataframe has no key)
            tables = [t for t in map(table, self.s.elements("dataframe")) if t is not None and "new" in t.column_names]
            if not tables:
                return None
            got = tables[0].num_rows
            return True if got == n else f"{got} samples shown, asked {n}"

        await self.act("sample count", lambda: self.s.set_value("num_samples", n), shown)

    async def random_page(self) -> None:
        await self.go(self.rng.choice([p for p in self.s.pages if p != self.s.path]))

    def dataset_shown(self, f: Finish):
        return True if self.caption_ok() else f"the sidebar does not say {self.expect[self.dataset]['caption']}"

    async def upload(self) -> None:
        name = self.rng.choice(list(self.uploads))
        self.dataset = f"upload {name}"
        await self.act("upload", lambda: self.s.upload("upload", name, self.uploads[name]), self.dataset_shown)

    async def year(self) -> None:
        year = self.rng.choice([y for y in YEARS if y != self.s.states[self.s.widget("year").element.number_input.id]
                                .int_value])
        await self.act("year: pick", lambda: self.s.set_value("year", year), self.kept("number_input", "year", year))
        await self.think()
        radio = self.s.widget("sex").element.radio
        i = self.rng.randrange(len(radio.options))
        if self.s.states[radio.id].string_value != radio.options[i]:
            await self.act("year: pick", lambda: self.s.set_value("sex", radio.options[i]),
                           self.kept("radio", "sex", radio.options[i]))
            await self.think()
        self.dataset = f"year {year} {SEX_KEYS[i]}"
        await self.act("year: load", lambda: self.s.click("load_year"), self.dataset_shown)

    async def back_to_start(self) -> None:
        self.dataset = "start"
        await self.act("back to the start data", lambda: self.s.click("reset_dataset"), self.dataset_shown)

    async def browse_once(self) -> None:
        if self.dataset != "start" and self.rng.random() < 0.5:
            return await self.back_to_start()
        what = self.rng.choices(list(BROWSE), weights=list(BROWSE.values()))[0]
        await {"smoothing": self.smoothing, "name": self.type_name, "samples": self.sample_count,
               "page": self.random_page, "upload": self.upload, "year": self.year}[what]()

    # --- training ---

    def run_over(self, before: int, asked: int, start_action: str):
        """shown() for a Start or Resume: done when Steps done = before + asked and no timer ticks."""
        target = before + asked

        def shown(f: Finish):
            steps = self.steps_done()
            if steps is None or self.s.timers:
                return None
            if steps == target:
                return True
            if not self.training():
                return f"short run: {steps - before} of {asked} steps ({start_action})"
            return None

        return shown

    async def train_run(self, action: str, before: int, asked: int) -> None:
        try:
            await self.act(action, lambda: self.s.click("train_start"), self.run_over(before, asked, action),
                           progress=self.steps_done)
        except ActionFailed as e:  # the action failed; the run itself may still have trained every step
            trained = (self.steps_done() or before) - before
            outcome = "ok" if trained == asked else "short" if "short run" in str(e) else "dropped"
            self.tally.runs.append({"asked": asked, "trained": trained, "outcome": outcome})
            raise
        self.tally.runs.append({"asked": asked, "trained": asked, "outcome": "ok"})

    async def set_steps(self, n: int) -> None:
        box = self.s.widget("steps").element.number_input
        if self.s.states[box.id].int_value != n:
            await self.act("train: settings", lambda: self.s.set_value("steps", n),
                           lambda f: True)  # a fragment rerun: only the next Start can show the value took
            await self.think()

    async def start(self, steps: int | None = None, action: str = "train: start → done") -> None:
        if self.training():
            return
        n = steps or self.rng.choice(START_STEPS)
        await self.set_steps(n)
        await self.train_run(action, self.steps_done(), n)

    async def one_step(self) -> None:
        if self.training():
            return
        before = self.steps_done()
        await self.act("train: one step", lambda: self.s.click("train_step"),
                       lambda f: True if self.steps_done() == before + 1 and not self.training() else None)

    async def pause_resume(self) -> None:
        if self.training():
            return
        await self.set_steps(PAUSE_STEPS)
        before = self.steps_done()
        target = before + PAUSE_STEPS
        await self.act("train: start → first steps", lambda: self.s.click("train_start"),
                       lambda f: True if (self.steps_done() or 0) > before else None, mid_run=True)
        await asyncio.sleep(self.rng.uniform(0.3, 1.2))  # a reaction, not a thought
        if self.steps_done() == target and not self.s.timers:  # it finished first: nothing to pause
            self.tally.runs.append({"asked": PAUSE_STEPS, "trained": PAUSE_STEPS, "outcome": "ok"})
            return
        # Paused = the Pause button disabled. A timer may go on ticking: the app's fragment keeps its id, and
        # the browser stops a timer only on stop_auto_rerun (sent for evicted fragments) or a full run.
        await self.act("train: pause", lambda: self.s.click("train_pause"),
                       lambda f: True if not self.training() else None)
        paused_at = self.steps_done()
        await self.think()
        if self.steps_done() != paused_at:
            self.fail("train: pause", f"Steps done moved from {paused_at} to {self.steps_done()} while paused")
        if paused_at == target:  # the last chunk landed before the pause
            self.tally.runs.append({"asked": PAUSE_STEPS, "trained": PAUSE_STEPS, "outcome": "ok"})
            return
        await self.train_run("train: resume → done", before, PAUSE_STEPS)

    async def reset(self) -> None:
        await self.act("train: reset", lambda: self.s.click("train_reset"),
                       lambda f: True if self.steps_done() == 0 and not self.training() else None)

    async def settings(self) -> None:
        if self.rng.random() < 0.5:
            box = self.s.widget("lr").element.number_input
            lr = self.rng.choice([x for x in (10.0, 50.0, 100.0) if x != self.s.states[box.id].double_value])
            await self.act("train: settings", lambda: self.s.set_value("lr", lr), lambda f: True)
        else:  # a new strength redraws the whole page (the net's views depend on it)
            box = self.s.widget("reg").element.number_input
            reg = self.rng.choice([x for x in (0.0, 0.01, 0.1) if x != self.s.states[box.id].double_value])
            await self.act("train: settings", lambda: self.s.set_value("reg", reg),
                           self.kept("number_input", "reg", reg))

    async def onehot(self) -> None:
        """A few steps of the lecture's one-hot loop, then back to the fast method."""
        if self.training():
            return
        radio = self.s.widget("train_method").element.radio
        onehot = next(o for o in radio.options if "one-hot" in o)
        await self.act("train: settings", lambda: self.s.set_value("train_method", onehot), lambda f: True)
        await self.think()
        await self.start(ONEHOT_STEPS, "train: one-hot start → done")
        await self.think()
        await self.act("train: settings", lambda: self.s.set_value("train_method", radio.options[0]), lambda f: True)

    async def train_once(self) -> None:
        await self.go("Neural_net")
        what = self.rng.choices(list(TRAIN), weights=list(TRAIN.values()))[0]
        await {"start": self.start, "step": self.one_step, "pause": self.pause_resume, "reset": self.reset,
               "smoothing": self.smoothing, "settings": self.settings, "onehot": self.onehot}[what]()

    # --- a whole visit ---

    async def live(self, deadline: float) -> None:
        """Actions at the learner's pace until the deadline. A failed action is counted, and the learner
        reloads the page (as the browser mode does), so one failure does not cascade into others."""
        while time.monotonic() < deadline:
            try:
                if self.s.ws is None or self.s.closed.is_set():
                    self.fail("(session)", "no connection: the page did not load or the server closed it")
                await (self.train_once() if self.trainer else self.browse_once())
            except (ActionFailed, KeyError) as e:
                if isinstance(e, KeyError):  # a widget the page should show is missing
                    self.tally.error("(choosing an action)", f"{e} is not shown on {self.s.path or 'Home'}")
                await self.think()
                await self.reload()
            await self.think()

    def count_runs(self) -> None:
        self.tally.finishes += len(self.s.finishes)
        self.tally.early += sum(f.status == EARLY for f in self.s.finishes)
        if self.s.session_id:
            self.session_ids.append(self.s.session_id)


async def warm_up(url: str, expect: dict, uploads: dict[str, bytes], tally: Tally) -> str:
    """One session that opens every page and does each action once: imports, caches, the year tables."""
    learner = Learner(url, random.Random(0), expect, uploads, tally, trainer=True, pace=0.0)
    try:
        await learner.open()
        for page in [p for p in learner.s.pages if p]:
            await learner.go(page)
        await learner.go("Neural_net")
        for step in (learner.start, learner.one_step, learner.pause_resume, learner.onehot, learner.reset):
            await step()
        for step in (learner.type_name, learner.sample_count, learner.smoothing, learner.upload,
                     learner.back_to_start, learner.year, learner.back_to_start):
            await step()
    except ActionFailed:
        pass
    finally:
        learner.count_runs()
        await learner.s.close()
    return learner.s.session_id


async def drive(url: str, sessions: int, seconds: float, trainers: float, pace: float, expect: dict,
                uploads: dict[str, bytes], seed: int, tally: Tally) -> dict:
    """Open every session (spread over one pace), let them act until `seconds` after the last has loaded,
    close them. Returns the times the phases started."""
    rng = random.Random(seed)
    n_train = round(sessions * trainers)
    learners = [Learner(url, random.Random(rng.random()), expect, uploads, tally, trainer=i < n_train, pace=pace)
                for i in range(sessions)]

    async def open_one(learner: Learner) -> None:
        await asyncio.sleep(rng.uniform(0, pace))
        try:
            await learner.open()
        except ActionFailed:
            pass

    t_open = time.monotonic()
    await asyncio.gather(*(open_one(x) for x in learners))
    t_live = time.monotonic()
    deadline = t_live + seconds
    visits = [asyncio.create_task(x.live(deadline)) for x in learners]
    if visits:
        _, late = await asyncio.wait(visits, timeout=seconds + GRACE)
        for task in late:
            task.cancel()
            tally.error("(the end)", f"an action still waiting {GRACE:g} s after the deadline was cut off")
        for ended in await asyncio.gather(*visits, return_exceptions=True):
            if isinstance(ended, Exception):
                tally.error("(a learner stopped)", repr(ended))
    t_end = time.monotonic()
    for x in learners:
        x.count_runs()
    await asyncio.gather(*(x.s.close() for x in learners))
    return {"open": t_open, "live": t_live, "end": t_end, "trainers": n_train,
            "session_ids": [i for x in learners for i in x.session_ids]}


async def touch(url: str, old_session: str, clear_caches: bool = False) -> bool:
    """A short visit that asks to resume an old session; True when the server had let it expire. Its
    closing also makes the server drop every expired session (it reaps them on its next storage write).
    With clear_caches it also empties the app's caches, to tell their memory from the sessions'."""
    s = Session(url, resume=old_session)
    try:
        await s.open()
        if clear_caches:
            s.clear_caches()
            await asyncio.sleep(1)
        return s.session_id != old_session
    finally:
        await s.close()
