"""YAML with line numbers: every value's path maps to the line it starts on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


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
    """YAML that does not parse; carries the line."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], offset: int) -> Any:
    lines[path] = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(
                    "keys must be plain words", key_node.start_mark.line + 1 + offset
                )
            # Keys as written: ``no``, ``on``, ``1`` stay strings (language codes, ids).
            key = key_node.value
            if key in result:
                raise YamlError(
                    f"duplicate key {key!r}", key_node.start_mark.line + 1 + offset
                )
            child = (*path, key)
            result[key] = _walk(value_node, child, lines, offset)
            lines[child] = key_node.start_mark.line + 1 + offset
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _walk(item, (*path, i), lines, offset) for i, item in enumerate(node.value)
        ]
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def load_yaml(text: str, first_line: int = 1) -> Located:
    """Parse ``text`` (starting on ``first_line`` of its file), keeping line numbers."""
    offset = first_line - 1
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + offset
        raise YamlError(f"YAML syntax: {exc.problem or exc.context}", line) from None
    lines: dict[Path_, int] = {}
    data = None if node is None else _walk(node, (), lines, offset)
    return Located(data=data, lines=lines, first_line=first_line)
