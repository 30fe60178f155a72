"""YAML that remembers where each key came from, so errors can name file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

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
    loader = _Loader(text)
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
