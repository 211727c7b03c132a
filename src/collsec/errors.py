"""One exception hierarchy for collsec.

Every error a user can cause carries enough context to print one line that
names the file (or input), the field and the problem. The CLI turns any
:class:`CollsecError` into that line and exit code 2, never a traceback.
"""

from __future__ import annotations

__all__ = ["CollsecError", "DataMissingError", "InputError"]


class CollsecError(Exception):
    """Base class of all errors collsec raises on purpose."""

    exit_code = 2


class InputError(CollsecError, ValueError):
    """Bad input: a malformed file, an unknown code, an impossible request.

    Parameters
    ----------
    problem : str
        What is wrong, in a few words.
    source : str, optional
        The file or input that holds the problem (a path, ``"--yes"``...).
    field : str, optional
        The field, key, line or column inside ``source``.

    Examples
    --------
    >>> str(InputError("quota 40 exceeds total weight 39", source="w.txt", field="--quota"))
    'w.txt: --quota: quota 40 exceeds total weight 39'
    """

    def __init__(self, problem: str, *, source: str | None = None, field: str | None = None):
        self.problem = problem
        self.source = source
        self.field = field
        super().__init__(self.oneline())

    def oneline(self) -> str:
        parts = [p for p in (self.source, self.field) if p]
        text = ": ".join([*parts, self.problem])
        # One line, whatever the user typed: control characters are shown escaped.
        return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class DataMissingError(CollsecError, FileNotFoundError):
    """A dataset is not in the data directory; the message says how to get it."""

    def __init__(self, dataset: str, path: str, how: str):
        self.dataset = dataset
        self.path = path
        super().__init__(f"{path}: dataset '{dataset}' is missing; {how}")
