"""Find every source problem in a shipped data file, each with its file:line (or row).

Rules (issue 16): every URL's host is on `anpo/data/publishers.yaml`; no host ends in a dot;
no source is a local path; `confidence: confirmed` rests on at least one primary publisher's
page. URLs under a `read_from` key (YAML/JSON), in a `read_from` column (CSV) or on a
Markdown line that says "read from"/"read_from" name the copy read and may be any host.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from anpo.core.source import URL, is_primary, url_problems

TEXT_SUFFIXES = {".yaml", ".yml", ".csv", ".json", ".md", ".txt"}
URL_KEYS = {"url", "url_ja", "source", "sources", "url_en"}
EXEMPT_KEYS = {"read_from"}
COMMENT = re.compile(r"(?:^|\s)#(.*)$")
# A local path named as a source: relative paths into the reference folder or the machine.
LOCAL_SOURCE = re.compile(r"\.\./shared|(?<![\w/])shared/reference|(?<![\w/.])/work/|file://")


def _clean(url: str) -> str:
    # Punctuation that ends a sentence is not part of the address; a dot ending the host
    # (http://history.state.gov./x) is kept because it is in the middle of the URL.
    return url.rstrip(",;:)") if not url.endswith(".") else url.rstrip(".").rstrip(",;:)")


def _scan_text(text: str, where: str, exempt: bool = False) -> Iterator[str]:
    local = LOCAL_SOURCE.search(text)
    if local:
        yield f"{where}: local path as a source: {local.group(0)!r} in {text.strip()[:80]!r}"
    if exempt:
        return
    for m in URL.finditer(text):
        for problem in url_problems(_clean(m.group(0))):
            yield f"{where}: {problem}"


def _yaml_nodes(node: yaml.Node, path: str, rel: str, exempt: bool) -> Iterator[str]:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        yield from _scan_text(str(node.value), f"{rel}:{line} ({path})", exempt)
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            yield from _yaml_nodes(child, f"{path}[{i}]", rel, exempt)
    elif isinstance(node, yaml.MappingNode):
        keys = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        label = path
        ident = keys.get("id")
        if isinstance(ident, yaml.ScalarNode):
            label = f"{path} id={ident.value}"
        conf = keys.get("confidence")
        if isinstance(conf, yaml.ScalarNode) and conf.value == "confirmed" and not exempt:
            urls = [u for k in URL_KEYS if k in keys for u in _scalars(keys[k])]
            if urls and not any(is_primary(_clean(u)) for u in urls):
                yield (f"{rel}:{line} ({label}): confidence confirmed rests only on "
                       f"non-primary sources {urls}")
        for k, v in node.value:
            name = k.value if isinstance(k, yaml.ScalarNode) else "?"
            yield from _yaml_nodes(v, f"{label}.{name}" if label else name, rel,
                                   exempt or name in EXEMPT_KEYS)


def _scalars(node: yaml.Node) -> list[str]:
    if isinstance(node, yaml.ScalarNode):
        return [m.group(0) for m in URL.finditer(str(node.value))] or (
            [str(node.value)] if node.value else [])
    if isinstance(node, yaml.SequenceNode):
        return [s for child in node.value for s in _scalars(child)]
    return []


def scan_yaml(text: str, rel: str) -> Iterator[str]:
    for i, line in enumerate(text.splitlines(), 1):
        m = COMMENT.search(line)
        if m and not line.lstrip().startswith(("read_from", "- read_from")):
            yield from _scan_text(m.group(1), f"{rel}:{i} (comment)")
    for doc in yaml.compose_all(text, Loader=yaml.SafeLoader):
        if doc is not None:
            yield from _yaml_nodes(doc, "", rel, False)


def scan_csv(text: str, rel: str) -> Iterator[str]:
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0] if rows else []
    for n, row in enumerate(rows[1:], 2):
        cells = dict(zip(header, row, strict=False))
        for col, value in cells.items():
            yield from _scan_text(value, f"{rel}:{n} (column {col})", col in EXEMPT_KEYS)
        if cells.get("confidence") == "confirmed":
            urls = [m.group(0) for c in URL_KEYS for m in URL.finditer(cells.get(c) or "")]
            if urls and not any(is_primary(_clean(u)) for u in urls):
                yield f"{rel}:{n}: confidence confirmed rests only on non-primary sources {urls}"


def _json_walk(value: Any, path: str, rel: str, exempt: bool) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _json_walk(v, f"{path}.{k}", rel, exempt or k in EXEMPT_KEYS)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _json_walk(v, f"{path}[{i}]", rel, exempt)
    elif isinstance(value, str):
        yield from _scan_text(value, f"{rel} ({path})", exempt)


def scan_markdown(text: str, rel: str) -> Iterator[str]:
    for i, line in enumerate(text.splitlines(), 1):
        exempt = bool(re.search(r"read[_ ]from", line, re.IGNORECASE))
        yield from _scan_text(line, f"{rel}:{i}", exempt)


def scan_file(path: Path, rel: str) -> list[str]:
    """Every problem in one data file, as 'file:line (where): what'."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        return list(scan_yaml(text, rel))
    if path.suffix == ".csv":
        return list(scan_csv(text, rel))
    if path.suffix == ".json":
        return list(_json_walk(json.loads(text), "$", rel, False))
    if path.name.upper().startswith(("NOTICE", "README")) or path.suffix == ".md":
        return list(scan_markdown(text, rel))
    return []


def data_files(root: Path) -> list[Path]:
    """The text files under the data root that may carry sources (license texts excluded)."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES
                  and "LICENSES" not in p.parts)

