"""Typed, cached, no-peeking loaders for the reference datasets.

One function per file (``load_states``, ``load_nmc``, ``load_unga_votes``, ...),
each ``load_x(*, as_of=None, data_dir=None) -> pandas.DataFrame``, and the generic
:func:`load` (``load("cow_mid", "mid_dir_dyad_disputes", as_of="1990-08-02")``),
which dispatches through :data:`LOADERS`: every loader registers itself there
when its module is imported, so that mapping is the only list of loaders.

* **Types.** Every column has an explicit nullable dtype (``Int64``, ``Float64``,
  ``string``, ``boolean``, ``datetime64[ns]``). Only blank cells are missing
  (plus literal ``NA`` in the IPI files, which use it for missing; Namibia's ISO2
  code ``"NA"`` in the UNGA votes stays a string). Published missing-value codes
  (COW's ``-9``, ICB's ``-99``) are NA where the docs say so. Year/month/day
  columns are combined into ``start``/``end`` dates with a precision column.
* **as_of.** Only what was known before ``as_of`` (a date or ISO string): rows
  dated on or after it are dropped, ends after it are cut to NA together with the
  outcome fields that would reveal the future; year-level rows need
  ``year < as_of.year``. The rule of each file is in ``docs/data-loaders.md`` and
  in its spec (``load_x.spec.as_of_rule``).
* **Cache.** The typed frame (before as_of) is cached as parquet under
  ``cache_dir()/parquet/<dataset>__<file stem>__<sha256[:12]>.parquet``, written
  atomically; a changed source file gets a new key.
* **Errors.** A missing column, a damaged file or a cell that does not parse is a
  one-line :class:`~collsec.errors.InputError` naming the file, dataset, line,
  column and value; nothing is cached then.
"""

from __future__ import annotations

from collsec.data.loaders._core import LOADERS, Loader, Spec, cache_path, find_loader, load
from collsec.data.loaders.conflict import load_atop, load_icb_actors, load_icb_crises, load_ucdp
from collsec.data.loaders.cow import (
    load_capitals,
    load_contiguity,
    load_cow_codes,
    load_igo,
    load_majors,
    load_mid_disputes,
    load_mid_dyads,
    load_mindist,
    load_nmc,
    load_states,
    load_wars,
)
from collsec.data.loaders.sanctions import load_gsdb, load_ties
from collsec.data.loaders.un import (
    load_ideal_points,
    load_ipi_contributions,
    load_ipi_missions,
    load_un_missions,
    load_unga_issues,
    load_unga_roll_calls,
    load_unga_votes,
    load_unsc_vetoes,
)

__all__ = [
    "LOADERS",
    "Loader",
    "Spec",
    "cache_path",
    "find_loader",
    "load",
    "load_atop",
    "load_capitals",
    "load_contiguity",
    "load_cow_codes",
    "load_gsdb",
    "load_icb_actors",
    "load_icb_crises",
    "load_ideal_points",
    "load_igo",
    "load_ipi_contributions",
    "load_ipi_missions",
    "load_majors",
    "load_mid_disputes",
    "load_mid_dyads",
    "load_mindist",
    "load_nmc",
    "load_states",
    "load_ties",
    "load_ucdp",
    "load_un_missions",
    "load_unga_issues",
    "load_unga_roll_calls",
    "load_unga_votes",
    "load_unsc_vetoes",
    "load_wars",
]
