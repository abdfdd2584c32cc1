"""Security: user text never reaches the page as HTML or markup, and the code and config keep it so.

Three layers:
- AppTest: every page on a dataset (and a file name) made of XSS/markup payloads, with the payloads
  typed into every text box. No element may allow HTML, no user markup may survive outside a code
  span, and plotly figures carry user `<` only as `&lt;`.
- Static: the config caps uploads and keeps XSRF protection on; no code asks for raw HTML; caches
  hand out copies keyed on content; core/ and ui/ keep no mutable state shared between users.
- A real browser (Debian's Chromium) on a server whose starting dataset is the payloads: no dialog
  fires and no injected element appears in the DOM.
"""

import ast
import json
import re
import tomllib
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from browser_support import chromium, new_page, settle, streamlit_server, sync_playwright_or_skip
from streamlit.testing.v1 import AppTest

from ui import a11y

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
UI_CODE = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]
SHARED_MODULES = [*sorted((ROOT / "core").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]

PAYLOADS = ["<img src=x onerror=alert(1)>", "<b>bold</b>", "**md**", "[link](javascript:alert(1))", ":red[x]"]
# How each payload looks if it reached a renderer as markup rather than as text.
RAW_MARKUP = ["<img", "<b>bold", "**md**", "](javascript:", ":red["]
DATA = ("\n".join([*PAYLOADS, "emma", "ava"]) + "\n").encode()
FILE_NAME = "<img src=x onerror=alert(1)>.txt"
# The one st.html the app makes: its own constant stylesheet (a visible focus ring), never user text.
APP_STYLESHEET = ROOT / "ui" / "focus.css"
APP_STYLESHEET_CALLER = Path("ui/a11y.py")
# the other st.html the app sends: ui.a11y.hide_cell_text_below's rule, a chart key and a number, nothing else
CELL_TEXT_RULE = re.compile(re.escape(a11y.CELL_TEXT_RULE.format(key="KEY", width=987654))
                            .replace("KEY", "[a-z0-9_]+").replace("987654", "[0-9]+") + "$")
# Tags the app itself writes into plotly text (bold, line breaks, hiding the trace name).
APP_PLOTLY_TAGS = re.compile(r"</?(?:b|i|br|extra|sub|sup)>|<span style='color:#[0-9a-f]{6}'>|</span>")


# --- AppTest: what each page sends to the browser -------------------------------------------------


def every_element(at: AppTest):
    """Main area, sidebar and the event block (toasts, dialogs), recursively."""
    yield from at._tree


def fields(el, names: tuple[str, ...]) -> list[str]:
    proto = getattr(el, "proto", None)
    if proto is None:
        return []
    return [getattr(proto, n) for n in names if n in proto.DESCRIPTOR.fields_by_name]


def outside_code(markdown: str) -> str:
    """What markdown renders as markup: code spans and backslash-escaped characters removed."""
    return re.sub(r"\\.", "", re.sub(r"`[^`]*`", "", markdown))


def strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from strings(v)


def plotly_strings(at: AppTest) -> list[str]:
    return [s for el in every_element(at) if el.type == "plotly_chart" for s in strings(json.loads(el.proto.spec))]


def problems(at: AppTest) -> list[str]:
    """Every way user text could be read as HTML or markup on the page `at` shows now."""
    found = [f"exception: {e.value}" for e in at.exception]
    for el in every_element(at):
        body = el.proto.body if el.type == "html" else None
        allowed = body == f"<style>{APP_STYLESHEET.read_text()}</style>" or CELL_TEXT_RULE.match(body or "")
        if body is not None and not allowed:
            found.append("an st.html element")
        if any(fields(el, ("allow_html",))):
            found.append(f"{el.type} allows HTML: {fields(el, ('body',))}")
        for text in fields(el, ("body", "label", "help")):
            found += [f"{el.type} renders {m!r} as markdown: {text!r}" for m in RAW_MARKUP if m in outside_code(text)]
    for s in plotly_strings(at):
        if "<img" in s or "<b>bold" in s or "<" in APP_PLOTLY_TAGS.sub("", s):
            found.append(f"raw '<' from user data in a plotly figure: {s!r}")
    return found


def upload_payloads() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.sidebar.file_uploader(key="upload").set_value((FILE_NAME, DATA, "text/plain")).run()
    assert not at.sidebar.error, [e.value for e in at.sidebar.error]
    return at


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_user_text_is_read_as_html_or_markup(page):
    at = upload_payloads()
    at.switch_page(str(page.relative_to(ROOT))).run()
    assert problems(at) == []
    boxes = [*at.main.text_input, *at.main.text_area]
    for payload in PAYLOADS:
        for box in boxes:
            at.main.get_by_key(box.key).input(payload)
        at.run()
        assert problems(at) == [], f"after typing {payload!r}"


def test_the_checks_see_the_payloads():
    """The walk reaches user text: the typed name shows in a code span and, escaped, in the figures."""
    at = upload_payloads()
    at.switch_page("pages/4_Loss.py").run()
    at.text_input(key="name").input(PAYLOADS[0]).run()
    markdown = [t for el in every_element(at) for t in fields(el, ("body",))]
    assert any("`<img" in t for t in markdown)
    assert any("&lt;img" in s for s in plotly_strings(at))
    assert any(FILE_NAME in t for el in every_element(at) for t in fields(el, ("body",)))


# --- Static: config and code ---------------------------------------------------------------------


def test_config_caps_uploads_and_keeps_xsrf_protection():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert 1 <= config["server"]["maxUploadSize"] <= 10  # MB: the server holds each upload in memory
    assert config["server"]["enableXsrfProtection"] is True


def trees(paths: list[Path]):
    for path in paths:
        yield path.relative_to(ROOT), ast.parse(path.read_text(), filename=str(path))


def test_no_code_asks_for_raw_html():
    found = []
    for path, tree in trees(UI_CODE):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                if (isinstance(node.func, ast.Attribute) and node.func.attr == "html"  # st.html, components.html
                        and path != APP_STYLESHEET_CALLER):
                    found.append(f"{path}:{node.lineno} .html(...)")
                for kw in node.keywords:
                    if kw.arg == "unsafe_allow_html" and not (
                        isinstance(kw.value, ast.Constant) and kw.value.value is False
                    ):
                        found.append(f"{path}:{node.lineno} unsafe_allow_html")
    assert found == []


def decorator_name(d: ast.expr) -> str:
    d = d.func if isinstance(d, ast.Call) else d
    return d.attr if isinstance(d, ast.Attribute) else getattr(d, "id", "")


def cached_functions(paths: list[Path]):
    for path, tree in trees(paths):
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for d in node.decorator_list:
                    yield path, node, decorator_name(d)


def test_only_read_only_results_are_shared_between_users():
    """cache_resource hands every user the same object: only for what nobody changes once built (a dataset with its
    counts, its P, a built figure), keyed on the content's digest, never on a user's name for it. functools caches
    are never used. test_isolation checks that a session's pages leave the shared objects as they were."""
    shared = []
    for path, fn, name in cached_functions(UI_CODE + SHARED_MODULES):
        params = [a.arg for a in fn.args.args]
        if name in ("lru_cache", "cache") or (name == "cache_resource" and params[:1] != ["digest"]):
            shared.append(f"{path}:{fn.lineno} {fn.name}({', '.join(params)}) @{name}")
    assert shared == []


def test_caches_are_keyed_on_content():
    """A cached function that skips hashing an argument (a leading _) must take that content's digest."""
    unkeyed = []
    for path, fn, name in cached_functions(UI_CODE):
        params = [a.arg for a in fn.args.args]
        if name == "cache_data" and any(p.startswith("_") for p in params) and "digest" not in params:
            unkeyed.append(f"{path}:{fn.lineno} {fn.name}({', '.join(params)})")
    assert unkeyed == []


MUTATORS = {
    "append",
    "extend",
    "insert",
    "remove",
    "pop",
    "popitem",
    "clear",
    "update",
    "setdefault",
    "add",
    "discard",
    "sort",
    "reverse",
    "__setitem__",
    "__delitem__",
}
CONTAINERS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
CONTAINER_CALLS = {"list", "dict", "set", "defaultdict", "Counter", "OrderedDict", "deque"}


def module_containers() -> dict[str, Path]:
    """Names bound at module level in core/ and ui/ to a mutable container (shared by every session)."""
    names = {}
    for path, tree in trees(SHARED_MODULES):
        for node in tree.body:
            value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
            is_call = isinstance(value, ast.Call) and decorator_name(value) in CONTAINER_CALLS
            if isinstance(value, CONTAINERS) or is_call:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names.update({t.id: path for t in targets if isinstance(t, ast.Name) and not t.id.startswith("__")})
    return names


def test_module_level_containers_are_constants():
    names = module_containers()
    assert names, "the scan found no module-level container at all: is it still looking at core/ and ui/?"
    assert [f"{path}: {n}" for n, path in names.items() if not n.isupper()] == []


def test_nothing_mutates_module_level_state():
    names = set(module_containers())
    found = []
    for path, tree in trees(UI_CODE + SHARED_MODULES):
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                found.append(f"{path}:{node.lineno} global {', '.join(node.names)}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
                base = node.func.value
                base_name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", None)
                if base_name in names:
                    found.append(f"{path}:{node.lineno} {base_name}.{node.func.attr}(...)")
            targets = (
                node.targets
                if isinstance(node, (ast.Assign, ast.Delete))
                else [node.target]
                if isinstance(node, (ast.AugAssign, ast.AnnAssign))
                else []
            )
            for t in targets:
                if isinstance(t, ast.Subscript) and getattr(t.value, "id", getattr(t.value, "attr", None)) in names:
                    found.append(f"{path}:{node.lineno} item assignment to a module-level container")
    assert found == []


# --- A real browser --------------------------------------------------------------------------------

# Anything the payloads would create if they were rendered as HTML or as a markdown link.
INJECTED = "img[src='x'], a[href^='javascript:' i], [onerror]"


@pytest.fixture(scope="module")
def payload_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("payloads") / FILE_NAME
    data.write_bytes(DATA)
    with streamlit_server(data) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium(sync_playwright_or_skip()) as b:
        yield b


@pytest.fixture
def page(browser):
    with new_page(browser) as pg:
        yield pg


def assert_nothing_injected(pg, where: str) -> None:
    assert pg.dialogs == [], f"a dialog fired on {where}"
    assert pg.locator(INJECTED).count() == 0, f"an injected element on {where}"
    assert pg.get_by_test_id("stException").count() == 0, f"a traceback on {where}"


def url_paths() -> list[str]:
    return ["", *(p.stem.split("_", 1)[1] for p in PAGES[1:])]


@pytest.mark.parametrize("path", url_paths(), ids=lambda p: p or "home")
def test_payloads_do_nothing_in_a_real_browser(payload_server, page, path):
    page.goto(f"{payload_server}/{path}")
    settle(page)
    assert page.get_by_test_id("stSidebar").get_by_text(FILE_NAME).count() > 0  # the payload data is loaded
    assert_nothing_injected(page, f"/{path}")
    boxes = page.get_by_test_id("stMain").locator("[data-testid='stTextInput'] input")
    for payload in PAYLOADS:
        for i in range(boxes.count()):
            boxes.nth(i).fill(payload)
            boxes.nth(i).press("Enter")
            settle(page)
        assert_nothing_injected(page, f"/{path} after typing {payload!r}")


@pytest.mark.parametrize("page_path,key", [("Loss", "name"), ("Neural_net", "nn_word")])
def test_payloads_in_a_shared_link_do_nothing(payload_server, page, page_path, key):
    assert any(p.stem.endswith(page_path) for p in PAGES), f"no {page_path} page: renamed?"
    page.goto(f"{payload_server}/{page_path}?{urllib.parse.urlencode({key: PAYLOADS[0]})}")
    settle(page)
    assert_nothing_injected(page, f"/{page_path}?{key}=<payload>")
