"""YAML that remembers where each key came from, so errors can name file and line; and
the one path that validates a parsed file with a pydantic model, reporting every error
of the file at once as `file:line: key.path: message` (config.yaml and editor files)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, NoReturn, Protocol, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from generator.errors import UserError, located


class LineDict(dict):
    """A mapping that knows the line of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence that knows the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
# Dates stay strings: months such as 2025-01 must not turn into date objects.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# The same loader over libyaml's C parser when PyYAML has it: the same nodes and marks,
# ~10× faster on the long code lists of taxonomy/. Text it refuses is parsed again by
# the Python loader, whose messages are the ones users see.
_Fast: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):
        pass

    _CLoader.yaml_constructors = dict(_Loader.yaml_constructors)
    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    _Fast = _CLoader

# Characters where libyaml reads what the Python parser refuses or reads otherwise (tabs
# in indentation or after a value, a BOM, NEL or line separator inside the text): such
# files take the Python parser, so a file means the same with or without libyaml.
_LIBYAML_DIFFERS = re.compile("[\t\ufeff\x85\u2028\u2029]|[|>][-+0-9]*#|!(?:\\s|$)")


# Aliases may add at most this many values to a document when expanded. Real files use
# a few aliases, if any; a "billion laughs" (each anchor referring twice to the one
# before) would add ~10^9 and exhaust memory in any code that walks the result.
MAX_ALIAS_EXPANSION = 100_000


class _AliasError(Exception):
    def __init__(self, message: str, path: tuple[str, ...], line: int | None) -> None:
        super().__init__(message)
        self.path, self.line = path, line


class _Expansion:
    """Counts what aliases add to a composed document, without expanding anything:
    every node is visited once; reaching an already visited node (an alias) adds its
    expanded size. Stops as soon as the total passes MAX_ALIAS_EXPANSION."""

    def __init__(self) -> None:
        self.sizes: dict[int, int] = {}  # id(node) → expanded size, once known
        self.open: set[int] = set()  # nodes being visited (an alias to one is a loop)
        self.added = 0

    def size(self, node: yaml.Node, path: tuple[str, ...], line: int | None) -> int:
        known = self.sizes.get(id(node))
        if known is not None:
            self.added += known
            if self.added > MAX_ALIAS_EXPANSION:
                raise _AliasError(
                    f"aliases would expand to more than {MAX_ALIAS_EXPANSION:,} extra "
                    "values (a YAML alias bomb?); refusing to load",
                    path,
                    line,
                )
            return known
        if id(node) in self.open:
            raise _AliasError("an alias refers to a node that contains it", path, line)
        self.open.add(id(node))
        total = 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                where = key.start_mark.line + 1
                label = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
                total += self.size(key, path, where) + self.size(value, (*path, label), where)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                total += self.size(item, (*path, str(i)), _line_in(node, item, line))
        self.open.discard(id(node))
        self.sizes[id(node)] = total
        return total


def _line_in(parent: yaml.Node, item: yaml.Node, fallback: int | None) -> int | None:
    """The item's line if it is written inside its parent; an alias item is a node
    written elsewhere (at its anchor), so its parent's line is the better guess."""
    inside = parent.start_mark.index <= item.start_mark.index < parent.end_mark.index
    return item.start_mark.line + 1 if inside else fallback


def _construct(text: str, name: str) -> Any:
    """Compose, bound what aliases would add, then construct (what yaml.load does)."""
    if _Fast is not None and not _LIBYAML_DIFFERS.search(text):
        try:
            return _construct_with(_Fast, text, name)
        except (yaml.YAMLError, TypeError, IndexError, KeyError):
            pass  # the Python parser says what is wrong, and where
    return _construct_with(_Loader, text, name)


def _construct_with(cls: type, text: str, name: str) -> Any:
    loader = cls(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            _Expansion().size(node, (), node.start_mark.line + 1)
        except _AliasError as exc:
            key = ".".join(exc.path) or "(top level)"
            raise UserError(f"{key}: {exc}", where=located(name, exc.line)) from None
        return loader.construct_document(node)
    finally:
        loader.dispose()


def loads(text: str, name: str) -> Any:
    """Parse YAML text; a syntax error becomes a UserError naming `name:line`."""
    try:
        return _construct(text, name)
    except RecursionError:
        raise UserError("invalid YAML: nested too deeply", where=name) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise UserError(f"invalid YAML: {problem}", where=located(name, line)) from None
    except yaml.YAMLError as exc:
        raise UserError(f"invalid YAML: {exc}", where=name) from None
    except (TypeError, IndexError, KeyError, ValueError, OverflowError):
        # PyYAML's constructors fail so on a bare tag (`x: !!int`, `x: !!bool`)
        raise UserError("invalid YAML: a tagged value without a value", where=name) from None


def load(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError("file not found", where=str(path)) from None
    except UnicodeDecodeError:
        raise UserError("not UTF-8 text", where=str(path)) from None
    return loads(text, str(path))


def line_at(doc: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest node along `loc` that exists in the document."""
    node, line = doc, getattr(doc, "line", None)
    for part in loc:
        in_map = isinstance(node, LineDict) and part in node
        in_list = isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node)
        if in_map or in_list:
            line = node.line_of(part)
            node = node[part]
        else:
            break
    return line


# --- Validation: one path for config.yaml and every editor file ----------------------
#
# A parsed document is validated by a pydantic model; every error becomes one line
# `file:line: key.path: message`, all of them at once, so an editor fixes a file in one
# pass. config.yaml and the editor files (taxonomy, exemption lists, notes, words.yaml,
# charts.yaml, site.yaml) share this path and its wording.

M = TypeVar("M", bound=BaseModel)


class FileModel(BaseModel):
    """Base of the models of files people write: an unknown key is an error (a typo
    must not be ignored silently), numbers are finite, values never change after."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _words(value: Any) -> Any:
    if value is None:
        raise ValueError("missing")
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {value!r}")
    text = " ".join(value.split())
    if not text:
        raise ValueError("expected text, got nothing")
    return text


# Text a person wrote: required, not blank, runs of white space (line breaks of a long
# YAML string) collapsed to one space.
Words = Annotated[str, BeforeValidator(_words)]

_MESSAGES = {
    "int_parsing": "expected an integer",
    "int_type": "expected an integer",
    "int_from_float": "expected an integer",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "string_type": "expected text",
    "string_too_short": "expected text, got nothing",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "list_type": "expected a list",
    "too_short": "expected a non-empty list",
    "dict_type": "expected a mapping of keys",
    "model_type": "expected a mapping of keys",
    "model_attributes_type": "expected a mapping of keys",
    "extra_forbidden": "unknown key",
    "missing": "missing",
}

# Regular expressions with a name a reader understands ("a month as YYYY-MM").
_PATTERN_FORMS: dict[str, str] = {}


def describe_pattern(pattern: str, form: str) -> None:
    """Name a pattern for messages: `expected <form>, got '…'` instead of the regex."""
    _PATTERN_FORMS[pattern] = form


def error_message(err: Mapping[str, Any], model: type[BaseModel] | None = None) -> str:
    """A pydantic error (one item of `ValidationError.errors()`) in plain words; with
    the model, an unknown key names the keys known at that place."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        loc = tuple(err["loc"])
        known = _known_keys(model, loc[:-1]) if model is not None else []
        hint = f" (known: {', '.join(known)})" if known else ""
        return f"unknown key {loc[-1]!r}{hint}" if loc else "unknown key"
    if kind == "string_pattern_mismatch":
        form = _PATTERN_FORMS.get(ctx.get("pattern", ""))
        if form:
            return f"expected {form}, got {err['input']!r}"
        return f"{err['input']!r} does not match the expected form"
    if kind == "literal_error":
        return f"expected one of {ctx['expected']}, got {err['input']!r}"
    if kind == "finite_number":
        return f"expected a finite number, got {err['input']!r}"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", err["msg"]))
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"out of range: {err['msg'].lower()}, got {err['input']!r}"
    return _MESSAGES.get(kind, err["msg"])


def _known_keys(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """The keys a model accepts at `loc` (through nested models, lists and mappings)."""
    node: Any = model
    for part in loc:
        node = _inner(node, part)
        if node is None:
            return []
    node = _inner(node, None)
    if not (isinstance(node, type) and issubclass(node, BaseModel)):
        return []
    return [f.alias or n for n, f in node.model_fields.items()]


def _inner(node: Any, part: Any) -> Any:
    """The type found one step down `node` (a field's, an item's), or None."""
    while True:
        origin, args = get_origin(node), get_args(node)
        if origin is Annotated:
            node = args[0]
        elif origin in (Union, UnionType):
            kept = [a for a in args if a is not type(None)]
            if len(kept) != 1:
                return None  # a real union: which member was meant is unknown
            node = kept[0]
        else:
            break
    if part is None:
        return node
    if isinstance(node, type) and issubclass(node, BaseModel):
        by_key = {f.alias or n: f for n, f in node.model_fields.items()}
        field = by_key.get(part)
        return field.annotation if field is not None else None
    if origin in (list, tuple, set, frozenset) and isinstance(part, int) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def key_path(loc: Sequence[Any]) -> str:
    """`a.b.0.c`, or `(top level)` for the document itself."""
    return ".".join(str(p) for p in loc) or "(top level)"


def where_at(doc: Any, name: str, loc: Sequence[Any]) -> str:
    """`file:line` of the deepest key along `loc` that the document has."""
    return located(name, line_at(doc, tuple(loc)))


class _Found:
    """Problems of one document, kept in document order without repeats."""

    def __init__(self, doc: Any, name: str) -> None:
        self.doc, self.name = doc, name
        self.items: list[tuple[int, str, str]] = []  # (line, where, "key: message")

    def add(self, loc: Sequence[Any], message: str) -> None:
        item = (
            line_at(self.doc, tuple(loc)) or 0,
            where_at(self.doc, self.name, loc),
            f"{key_path(loc)}: {message}",
        )
        if item not in self.items:
            self.items.append(item)

    def raise_if_any(self, error: type[UserError]) -> None:
        if not self.items:
            return
        ordered = sorted(self.items, key=lambda item: item[0])  # stable: same line keeps order
        (_, where, message), rest = ordered[0], ordered[1:]
        raise error(message, where=where, more=[f"{w}: {m}" for _, w, m in rest])


def raise_errors(
    exc: ValidationError,
    doc: Any,
    name: str,
    error: type[UserError] = UserError,
    model: type[BaseModel] | None = None,
) -> NoReturn:
    """Raise `error` for every error of `exc`: the first as its message, the rest as
    further lines (UserError.lines), in document order."""
    found = _Found(doc, name)
    for err in exc.errors():
        found.add(tuple(err["loc"]), error_message(err, model))
    found.raise_if_any(error)
    raise error(str(exc), where=name)  # not reached: a ValidationError has an error


class LocatedProblems(Protocol):
    """A model with checks across fields, run once each field has validated: each
    problem is (key path, message), the key path from the top of the document. The
    parsed document is given, for messages that name another line (`line_at`)."""

    def located_problems(self, doc: Any) -> Iterable[tuple[Sequence[Any], str]]: ...


def validate(doc: Any, model: type[M], name: str, *, error: type[UserError] = UserError) -> M:
    """The document as `model`, or `error` listing every problem, one line each.

    A model may define `located_problems()` (see LocatedProblems) for checks that need more
    than one field (a code listed twice, an end before its start); they run when the
    fields themselves are valid."""
    try:
        value = model.model_validate(doc)
    except ValidationError as exc:
        raise_errors(exc, doc, name, error, model)
    found = _Found(doc, name)
    checks = getattr(value, "located_problems", None)
    if callable(checks):
        for loc, message in checks(doc):
            found.add(loc, message)
        found.raise_if_any(error)
    return value


def load_model(path: Path, model: type[M], *, error: type[UserError] = UserError) -> M:
    """Parse a YAML file and validate it (see `validate`)."""
    return validate(load(path), model, str(path), error=error)
