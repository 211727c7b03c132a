"""Long commands say how far they are, on stderr, whether or not it is a terminal.

On a terminal: rich's progress bar (one line per step, gone when the command
ends). Otherwise (piped, logged, under a scheduler) plain lines, such as::

    experiment veto-variants: 400/1000 replications, 1 min 2 s elapsed, about 1 min 30 s left

when a step starts, each time another tenth of it is done, at least every
:data:`EVERY` seconds while it reports progress, and when it ends. Nothing is
printed in the first :data:`QUIET` seconds of a command: a quick command stays
quiet. stdout is never written to (``--format json`` stays clean).

One helper for every command::

    with progress("experiment veto-variants", unit="replications", total=1000) as bar:
        bar.update(400)  # or bar.advance(25)

    with progress("backtest icb") as bar:  # named steps, one after another
        bar.step("vote model fit")  # a step of unknown length: its start and end
        run(progress=bar.report)  # a library's progress(step, done, total)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console

__all__ = ["Progress", "duration", "progress"]

#: seconds at the start of a command with no plain line (a quick command says nothing)
QUIET = 2.0
#: longest silence between plain lines while a step goes on, in seconds
EVERY = 30.0
#: a plain line each time another 1/PARTS of a step is done
PARTS = 10


def duration(seconds: float) -> str:
    """``under 1 s``, ``45 s``, ``1 min 2 s``, ``2 h 5 min``: how long, for people."""
    s = max(0, round(seconds))
    if s == 0:
        return "under 1 s"
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s"
    return f"{s // 3600} h {s % 3600 // 60} min"


class Progress:
    """The progress of one command: steps, each with a count done out of a total.

    ``update(done, total)`` and ``advance(n)`` move the current step;
    ``step(name, total)`` starts the next. A step whose total is unknown still
    says when it starts and ends, and how long it has run.
    """

    def __init__(
        self,
        what: str,
        *,
        unit: str = "",
        bar: Any = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.what = what
        self._bar = bar  # a rich progress bar on a terminal; None: plain lines
        self._clock = clock
        self._started = self._last = clock()  # the command's start, the last line's time
        self._task: Any = None
        self._name, self._unit = "", unit
        self._total: int | None = None
        self._done = self._first = 0  # first: done when the step started (a resumed run)
        self._t0 = self._started
        self._tenths = 0  # tenths of the step said
        self._open = False

    def step(
        self, name: str = "", total: int | None = None, *, unit: str | None = None, done: int = 0
    ) -> None:
        """End the current step (if any) and start the next, ``name`` for people."""
        self._end()
        self._name, self._total, self._done, self._first = name, total, done, done
        self._unit = self._unit if unit is None else unit
        self._t0, self._open = self._clock(), True
        self._tenths = self._tenth()
        if self._bar is not None:
            self._task = self._bar.add_task(
                self._label(), total=total, completed=done, unit=self._unit
            )
        else:
            self._say(f"{self._label()}: {self._count() or 'started'}")

    def update(self, done: int, total: int | None = None) -> None:
        """``done`` of ``total`` (default: the step's total) in the current step."""
        if not self._open:
            self.step(self._name, total if total is not None else self._total, done=done)
        if total is not None:
            self._total = total
        self._done = done
        if self._total and done >= self._total:
            self._end()  # a step done is a step ended
            return
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=self._total)
            return
        tenth = self._tenth()
        if tenth > self._tenths or self._clock() - self._last >= EVERY:
            self._tenths = max(tenth, self._tenths)
            self._say(self._line())

    def advance(self, n: int = 1) -> None:
        self.update(self._done + n)

    def report(self, step: str, done: int, total: int | None = None) -> None:
        """``done`` of ``total`` in the step named ``step``; a new name starts a new step."""
        if self._open and step == self._name:
            self.update(done, total)
        else:
            self.step(step, total, done=done)

    def close(self) -> None:
        """End the current step (a plain line says how long it took)."""
        self._end()

    def _tenth(self) -> int:
        return self._done * PARTS // self._total if self._total else 0

    def _label(self) -> str:
        return f"{self.what}: {self._name}" if self._name else self.what

    def _count(self) -> str:
        unit = f" {self._unit}" if self._unit else ""
        if self._total is None:
            return f"{self._done}{unit}" if self._done else ""
        return f"{self._done}/{self._total}{unit}"

    def _line(self) -> str:
        now = self._clock()
        parts = [self._count()] if self._count() else []
        parts.append(f"{duration(now - self._t0)} elapsed")
        made = self._done - self._first
        if self._total and made > 0 and self._done < self._total:
            left = (now - self._t0) * (self._total - self._done) / made
            parts.append(f"about {duration(left)} left" if left >= 0.5 else "under 1 s left")
        return f"{self._label()}: {', '.join(parts)}"

    def _end(self) -> None:
        if not self._open:
            return
        self._open = False
        if self._bar is not None:
            self._bar.update(self._task, visible=False)
            return
        count = self._count()
        self._say(f"{self._label()}: {count or 'done'} in {duration(self._clock() - self._t0)}")

    def _say(self, line: str) -> None:
        now = self._clock()
        if now - self._started < QUIET:
            return
        self._last = now
        print(line, file=sys.stderr, flush=True)


@contextmanager
def progress(what: str, *, unit: str = "", total: int | None = None) -> Iterator[Progress]:
    """A :class:`Progress` for the command ``what``, its first step started when
    ``total`` is given: rich's bar on a terminal, plain lines on stderr otherwise.
    A command that fails says nothing more (its error says why)."""
    console = Console(stderr=True)
    if not console.is_interactive:
        p = Progress(what, unit=unit)
        if total is not None:
            p.step(total=total)
        yield p
        p.close()
        return
    # rich's bar (and the live display behind it) only on a terminal
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as Bar

    with Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]}"),
        TimeElapsedColumn(),
        TextColumn("remaining"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        p = Progress(what, unit=unit, bar=bar)
        if total is not None:
            p.step(total=total)
        yield p
        p.close()
