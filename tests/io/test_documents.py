"""Reading JSON and YAML strictly."""

from __future__ import annotations

from pathlib import Path

import pytest

from anpo.io.documents import DocumentError, read_document


def test_yaml_dates_stay_strings_and_only_true_false_are_booleans(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text("date: 2026-02-30\nid: no\nflag: true\n", encoding="utf-8")
    assert read_document(str(p)) == {"date": "2026-02-30", "id": "no", "flag": True}


@pytest.mark.parametrize(("name", "text"), [("d.json", '{"a": 1, "a": 2}'), ("d.yaml", "a: 1\na: 2\n")])
def test_duplicate_keys_are_errors(tmp_path: Path, name: str, text: str) -> None:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    with pytest.raises(DocumentError, match="duplicate key") as err:
        read_document(str(p))
    assert err.value.field == "a"  # the key given twice is named as the field


def test_malformed_json_names_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "d.json"
    p.write_text('{\n  "a": 1,\n  "b":\n}', encoding="utf-8")
    with pytest.raises(DocumentError) as err:
        read_document(str(p))
    assert str(p) in str(err.value) and "line 4" in str(err.value)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        read_document(str(tmp_path / "nope.yaml"))
    p = tmp_path / "empty.yaml"
    p.write_text("  \n", encoding="utf-8")
    with pytest.raises(DocumentError, match="empty"):
        read_document(str(p))
