"""One way to validate a user's file: a pydantic model behind a one-line error.

Every file collsec reads -- charters, experiments, scenarios, parameters,
cases and their records -- is described by a pydantic model. :func:`validate`
checks the file's data against its model and turns the first problem into an
:class:`~collsec.errors.InputError`: one line naming the file, the field (as
the user wrote it: ``designs[0].nato``, ``rules.substantive``) and the
problem, which the CLI prints with exit code 2. The same models give the JSON
Schema of each file type (``collsec schema NAME``).

This module sits at the bottom of the import graph: it imports only
``collsec.errors`` and pydantic.

>>> from pydantic import BaseModel, ConfigDict
>>> class Switches(BaseModel):
...     model_config = ConfigDict(extra="forbid", strict=True)
...     nato: bool = True
>>> try:
...     validate(Switches, {"nato": "yes"}, "design.toml")
... except InputError as err:
...     print(err)
design.toml: nato: must be true or false, not 'yes'
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import tomllib
import typing
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, StrictBool, StrictStr, ValidationError

from collsec.errors import InputError

__all__ = [
    "Flag",
    "Problem",
    "SchemaExtra",
    "Text",
    "between",
    "field_path",
    "json_schema",
    "oneline",
    "read_toml",
    "validate",
]

M = TypeVar("M", bound=BaseModel)

#: JSON Schema dialect of the schemas ``collsec schema`` prints
DIALECT = "https://json-schema.org/draft/2020-12/schema"


class Problem(ValueError):
    """Raised by a validator: ``problem`` at ``at``, a field below the model's own.

    ``at`` is a dotted path (``"design"``, ``"parameters.gravity"``) or a tuple
    of keys and list indices, relative to the model whose validator raises.
    """

    def __init__(self, problem: str, at: str | Sequence[str | int] | None = None):
        super().__init__(problem)
        self.problem = problem
        self.at: tuple[str | int, ...] = (
            tuple(at.split(".")) if isinstance(at, str) else tuple(at or ())
        )


class SchemaExtra:
    """``Annotated[T, SchemaExtra(minimum=0)]``: keys added to T's JSON Schema."""

    def __init__(self, **extra: Any):
        self.extra = extra

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        out = handler(core_schema)
        out.update(self.extra)
        return out


def _nonblank(v: str) -> str:
    if not v.strip():
        raise ValueError("must be a non-empty string")
    return v


#: a string with something in it
Text = Annotated[StrictStr, AfterValidator(_nonblank), SchemaExtra(minLength=1)]
#: true or false (never 1, 0 or "yes")
Flag = StrictBool


def between(kind: type, lo: float, hi: float) -> Any:
    """``kind`` (int or float) within ``[lo, hi]``; the message names both bounds."""

    def check(v: Any) -> Any:
        if not lo <= v <= hi:
            raise ValueError(f"must be between {lo} and {hi}, not {v}")
        return v

    return Annotated[kind, AfterValidator(check), SchemaExtra(minimum=lo, maximum=hi)]


# --------------------------------------------------------------------------- reading


def read_toml(path: Path | Any, source: str | None = None) -> dict[str, Any]:
    """The TOML table of ``path`` (a path or an importlib resource); one-line errors."""
    src = source or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", source=src) from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read file ({e.__class__.__name__})", source=src) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"not valid TOML ({e})", source=src) from None


# --------------------------------------------------------------------------- errors


def field_path(
    loc: Sequence[str | int],
    raw: Any = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """A location as the user wrote it: ``designs[0].nato``, ``rules.substantive``.

    With the file's data ``raw``, a key the file does not have is left out when
    the next key sits where it would have been (a design's flat ``nato`` is the
    model's ``scenario.nato``). ``labels`` maps a list's key to a key of its
    items shown beside the index: ``{"decision": "symbol"}`` gives
    ``decision[2] (S/RES/660)``.

    >>> field_path(("designs", 0, "scenario", "nato"), {"designs": [{"nato": 1}]})
    'designs[0].nato'
    """
    out = ""
    node = raw
    parent: str | int | None = None
    for i, seg in enumerate(loc):
        if isinstance(seg, int):
            out += f"[{seg}]"
            item = node[seg] if isinstance(node, list) and -len(node) <= seg < len(node) else None
            key = (labels or {}).get(str(parent))
            if key and isinstance(item, dict) and isinstance(item.get(key), str):
                out += f" ({item[key]})"
            node = item
        else:
            seg = str(seg)
            nxt = loc[i + 1] if i + 1 < len(loc) else None
            if isinstance(node, dict) and isinstance(nxt, str) and nxt in node:
                below = node.get(seg)
                if not (isinstance(below, dict) and nxt in below):
                    continue  # a flattened key: the file writes `nxt` at this level
            out += ("." if out else "") + seg
            node = node.get(seg) if isinstance(node, dict) else None
        parent = seg
    return out


def _shown(v: Any) -> str:
    """A value as the file writes it."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):
        return "a table"
    if isinstance(v, list | tuple):
        return "a list"
    if isinstance(v, dt.date):
        return v.isoformat()
    r = repr(v)
    return r if len(r) <= 40 else r[:37] + "..."


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation holds (through Optional, lists, dicts, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        out += _models_in(arg)
    return out


def _model_at(model: type[BaseModel] | None, loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model whose field the last key of ``loc`` is (for the names it knows)."""
    current: Any = model
    for seg in loc[:-1]:
        if current is None:
            return None
        if isinstance(current, type) and issubclass(current, BaseModel):
            f = current.model_fields.get(str(seg))
            if f is None:
                continue  # a list index or a dict key: stay on the item's model
            inner = _models_in(f.annotation)
            current = inner[0] if inner else None
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _known(model: type[BaseModel]) -> list[str]:
    keys = getattr(model, "file_keys", None) or tuple(model.model_fields)
    return sorted(keys)


def _unknown(loc: Sequence[str | int], model: type[BaseModel] | None) -> str:
    at = _model_at(model, loc) if model is not None else None
    what = getattr(at, "unknown_key", "unknown field") if at is not None else "unknown field"
    if at is None:
        return what
    known = _known(at)
    if len(known) <= 12:
        return f"{what} (known: {', '.join(known)})"
    close = difflib.get_close_matches(str(loc[-1]), known, n=1)
    return f"{what} (did you mean '{close[0]}'?)" if close else what


def _problem(e: Mapping[str, Any], model: type[BaseModel] | None) -> str:
    kind, value, ctx = e["type"], e.get("input"), e.get("ctx") or {}
    shown = _shown(value)
    simple = {
        "missing": "required field is missing",
        "bool_type": f"must be true or false, not {shown}",
        "bool_parsing": f"must be true or false, not {shown}",
        "int_type": f"must be a whole number, not {shown}",
        "int_parsing": f"must be a whole number, not {shown}",
        "int_from_float": f"must be a whole number, not {shown}",
        "float_type": f"must be a number, not {shown}",
        "float_parsing": f"must be a number, not {shown}",
        "finite_number": "must be a finite number",
        "string_type": f"must be a string, not {shown}",
        "string_too_short": "must be a non-empty string",
        "list_type": f"must be a list, not {shown}",
        "tuple_type": f"must be a list, not {shown}",
        "dict_type": f"must be a table, not {shown}",
        "model_type": f"must be a table, not {shown}",
        "model_attributes_type": f"must be a table, not {shown}",
        "date_type": f"must be a date like 1990-08-02, not {shown}",
        "date_parsing": f"must be a date like 1990-08-02, not {shown}",
        "date_from_datetime_inexact": f"must be a date like 1990-08-02, not {shown}",
    }
    if kind in ("missing", "too_short"):
        at = _model_at(model, e["loc"]) if model is not None else None
        hint = (getattr(at, "missing_hints", None) or {}).get(str(e["loc"][-1]))
        if hint:
            return hint
    if kind in simple:
        return simple[kind]
    if kind == "extra_forbidden":
        return _unknown(e["loc"], model)
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, not {shown}"
    for name, op in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
        if name in ctx and kind.startswith(("greater", "less")):
            return f"must be {op} {ctx[name]}, not {shown}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"takes at most {ctx.get('max_length')} item(s)"
    msg = str(e["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg


def oneline(
    err: ValidationError,
    source: str,
    *,
    raw: Any = None,
    model: type[BaseModel] | None = None,
    labels: Mapping[str, str] | None = None,
) -> InputError:
    """The first problem of a pydantic ValidationError as one-line :class:`InputError`.

    ``raw`` (the file's data) lets the field be named as the file writes it;
    ``model`` (the model validated) lets an unknown field list the known ones
    (a model's ``file_keys``, else its fields; ``unknown_key`` names what an
    unknown key is) and a missing field say what it is for (``missing_hints``).
    An unknown key is reported before any other problem.
    """
    errors = err.errors(include_url=False)
    # an unknown key first: a misspelt key also makes the key it meant missing
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = tuple(first["loc"])
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, Problem):
        loc += cause.at
        problem = cause.problem
    else:
        problem = _problem({**first, "loc": loc}, model)
    return InputError(problem, source=source, field=field_path(loc, raw, labels) or None)


def validate(
    model: type[M],
    data: Any,
    source: str,
    *,
    context: dict[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
) -> M:
    """``model.model_validate(data)``, with the one-line error of :func:`oneline`."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as err:
        raise oneline(err, source, raw=data, model=model, labels=labels) from None


# --------------------------------------------------------------------------- schemas


def _partial(node: Any, rename: Callable[[str], str]) -> Any:
    """A deep copy of a schema with no required keys, its references renamed."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "required":
                continue
            if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/"):
                out[k] = "#/$defs/" + rename(v.removeprefix("#/$defs/"))
            else:
                out[k] = _partial(v, rename)
        return out
    if isinstance(node, list):
        return [_partial(v, rename) for v in node]
    return node


def json_schema(model: type[BaseModel], *, partial_with: str | None = None) -> dict[str, Any]:
    """The JSON Schema of a file type.

    ``partial_with``: a key (``extends``) whose presence makes every field of
    the file, at every depth, optional (a file that extends another states only
    what it changes).
    """
    full = model.model_json_schema()
    defs = full.pop("$defs", {})
    out: dict[str, Any] = {"$schema": DIALECT}
    if partial_with is None:
        out.update(full)
    else:
        renamed = {k: f"Partial{k}" for k in defs}
        partial = _partial(full, renamed.__getitem__)
        for k, v in list(defs.items()):
            defs[renamed[k]] = _partial(v, renamed.__getitem__)
        for key in ("title", "description"):
            if key in full:
                out[key] = full.pop(key)
                partial.pop(key, None)
        out["if"] = {"required": [partial_with]}
        out["then"] = partial
        out["else"] = full
    if defs:
        out["$defs"] = defs
    return copy.deepcopy(out)
