"""Strict reading of YAML and JSON data files, so every syntax slip surfaces with its line."""

import json
import re
from pathlib import Path
from typing import Any

import yaml

SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json")

_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class DocumentError(ValueError):
    """A data file that cannot be parsed, with the 1-based line and column when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        where = "" if line is None else f"line {line}, column {column}: "
        super().__init__(where + message)
        self.line = line
        self.column = column


class _StrictLoader(yaml.SafeLoader):
    """Safe loader that keeps dates as text (checked later), reads only true/false as booleans
    (so language `no` stays Norwegian) and rejects duplicate keys instead of overwriting."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Refuse a key given twice in one mapping: the second would silently win."""
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key_node.value!r}", key_node.start_mark
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Refuse a JSON key given twice in one object, as for YAML."""
    keys = [key for key, _ in pairs]
    for key in keys:
        if keys.count(key) > 1:
            raise DocumentError(f"duplicate key {key!r}")
    return dict(pairs)


def load_document(path: Path) -> Any:
    """Parse one YAML or JSON file; every failure becomes a DocumentError, never a traceback."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark is not content
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(f"cannot read file: {exc}") from exc
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text, object_pairs_hook=_unique_pairs)
        except json.JSONDecodeError as exc:
            raise DocumentError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from exc
    loader: _StrictLoader | None = None
    try:
        loader = _StrictLoader(text)  # checks for unprintable characters: may raise already
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = f"{exc.context}, " if exc.context else ""
        message = f"invalid YAML: {context}{exc.problem}"
        if mark is None:
            raise DocumentError(message) from exc
        raise DocumentError(message, mark.line + 1, mark.column + 1) from exc
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character[:1])
        message = f"invalid YAML: non-printable character #x{char:04x}"
        raise DocumentError(message, line, column) from exc
    except yaml.YAMLError as exc:
        raise DocumentError(f"invalid YAML: {exc}") from exc
    finally:
        if loader is not None:
            loader.dispose()


def data_files(path: Path) -> list[Path]:
    """The data files a path designates: the file itself, or the folder's files in name order."""
    if path.is_dir():
        return sorted(
            p
            for p in path.iterdir()
            if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
        )
    return [path]
