"""YAML with line numbers: every value's path maps to the line it starts on.

Only the plain data our files need is accepted: anchors, aliases, merge keys and
tags other than the core ones are refused before anything is built, so a hostile
file (an alias bomb, a recursive alias, ``!!python/...``) costs one pass over its text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]

SYNTAX_HINT = "check the indentation and put text containing ': ' in quotes"
ANCHOR_HINT = "write the value out in full where it is needed"
TAG_HINT = "remove the tag; put the text in quotes if it starts with '!'"
CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = {CORE + name for name in ("str", "int", "float", "bool", "null")} | {
    CORE + "seq",
    CORE + "map",
}
MAX_DEPTH = 32


@dataclass
class Located:
    """Parsed YAML data plus the 1-based line of each path, offset into its file."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    first_line: int = 1

    def line(self, *path: str | int) -> int:
        """The line of the deepest known prefix of ``path``."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.first_line


class YamlError(ValueError):
    """YAML that does not parse or is refused; carries the line and a hint."""

    def __init__(self, message: str, line: int, hint: str = SYNTAX_HINT) -> None:
        super().__init__(message)
        self.line = line
        self.hint = hint


def as_list(value: Any) -> list:
    """``value`` when it is a list, else an empty one (the schema reports the rest)."""
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict:
    """``value`` when it is a mapping, else an empty one."""
    return value if isinstance(value, dict) else {}


def _written(tag: str) -> str:
    """A tag as it is written in the file (``!!python/...``, ``!local``)."""
    return "!!" + tag.removeprefix(CORE) if tag.startswith(CORE) else tag


#: libyaml's parser when PyYAML was built with it: the same events and nodes, ten
#: times faster. Its error messages are worded otherwise, so a file it cannot parse
#: is parsed again by the pure-Python parser, whose messages and lines we report.
FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _refuse_unsafe(text: str, offset: int, loader=yaml.SafeLoader) -> None:
    """Refuse anchors, aliases, non-core tags and deep nesting, from the events."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        line = event.start_mark.line + 1 + offset
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(
                f"the alias *{event.anchor} is not allowed: "
                "YAML anchors and aliases are refused",
                line,
                ANCHOR_HINT,
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlError(
                f"the anchor &{anchor} is not allowed: "
                "YAML anchors and aliases are refused",
                line,
                ANCHOR_HINT,
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in ALLOWED_TAGS:
            raise YamlError(f"the tag {_written(tag)} is not allowed", line, TAG_HINT)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlError(
                    f"nested more than {MAX_DEPTH} levels deep",
                    line,
                    "content files need only a few levels",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _scalar(node: yaml.ScalarNode, line: int) -> Any:
    """The value of one scalar, or a YamlError (huge integers, unknown types)."""
    loader = yaml.SafeLoader("")
    try:
        value = loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError):
        raise YamlError(
            f"the value {node.value[:40]!r} cannot be read",
            line,
            "put text in quotes; numbers have at most a few digits",
        ) from None
    finally:
        loader.dispose()
    if isinstance(value, float) and not math.isfinite(value):
        raise YamlError(
            f"the number {node.value[:40]!r} is not finite",
            line,
            "write a plain number, or put text in quotes",
        )
    return value


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], offset: int) -> Any:
    line = node.start_mark.line + 1 + offset
    lines[path] = line
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1 + offset
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError("keys must be plain words", key_line)
            if key_node.tag == CORE + "merge":
                raise YamlError(
                    "merge keys (<<) are not allowed", key_line, ANCHOR_HINT
                )
            # Keys as written: ``no``, ``on``, ``1`` stay strings (language codes, ids).
            key = key_node.value
            if key in result:
                raise YamlError(f"duplicate key {key!r}", key_line)
            child = (*path, key)
            result[key] = _walk(value_node, child, lines, offset)
            lines[child] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _walk(item, (*path, i), lines, offset) for i, item in enumerate(node.value)
        ]
    return _scalar(node, line)


def _line_of(text: str, exc: yaml.YAMLError, offset: int) -> int:
    """The file line a PyYAML error points at."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        return mark.line + 1 + offset
    position = getattr(exc, "position", None)  # ReaderError: a character offset
    if isinstance(position, int):
        return text.count("\n", 0, position) + 1 + offset
    return 1 + offset


def _syntax_error(text: str, exc: yaml.YAMLError, offset: int) -> YamlError:
    """A PyYAML error as our YamlError."""
    if isinstance(exc, yaml.reader.ReaderError):
        return YamlError(
            f"YAML syntax: the character #x{exc.character:04x} is not allowed",
            _line_of(text, exc, offset),
            "remove control characters from the file",
        )
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None)
    return YamlError(f"YAML syntax: {problem or exc}", _line_of(text, exc, offset))


_UNPARSED = object()


def _compose_fast(text: str, offset: int):
    """The node tree by libyaml, or ``_UNPARSED`` (no libyaml, or a syntax error)."""
    if FAST_LOADER is None:
        return _UNPARSED
    try:
        _refuse_unsafe(text, offset, FAST_LOADER)
        return yaml.compose(text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        return _UNPARSED


def load_yaml(text: str, first_line: int = 1) -> Located:
    """Parse ``text`` (starting on ``first_line`` of its file), keeping line numbers."""
    offset = first_line - 1
    node = _compose_fast(text, offset)
    if node is _UNPARSED:
        try:
            _refuse_unsafe(text, offset)
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            raise _syntax_error(text, exc, offset) from None
    lines: dict[Path_, int] = {}
    data = None if node is None else _walk(node, (), lines, offset)
    return Located(data=data, lines=lines, first_line=first_line)
