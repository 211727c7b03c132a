"""The lab's pages on voting power and on experiments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["routes"]


def routes(page: Callable[..., Any], problem: Callable[..., Any]) -> list:
    return []
