"""The lab's pages on voting power and on experiments.

``/power`` and ``/power/reform`` (:mod:`collsec.lab.power_page`): the exact indices of a
built-in body in a year, or of a reform written on the page. ``/experiment``
(:mod:`collsec.lab.experiment_page`): a small built-in experiment run in the background,
its distributions, paired differences and full report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from collsec.lab import experiment_page, power_page

__all__ = ["routes"]


def routes(
    page: Callable[..., Any], problem: Callable[..., Any], workdir: Path | None = None
) -> list:
    """The pages' routes; experiments write their DuckDB files and reports in ``workdir``
    (created when the first experiment runs; default: a temporary directory)."""
    return [*power_page.routes(page, problem), *experiment_page.routes(page, problem, workdir)]
