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


# Hostile documents (issue 20): every one a DocumentError naming the field, never a crash.

@pytest.mark.parametrize(("name", "text", "field", "row", "reason"), [
    ("a.json", '{"id": "\\ud800x"}', "id", None, "lone surrogate"),
    ("b.json", '[{"id": "ok"}, {"assume": {"x": "\\udfff"}}]', "assume.x", 1, "lone surrogate"),
    ("c.json", '{"lat": NaN}', "document", None, "NaN is not a number JSON allows"),
    ("d.json", '{"lat": -Infinity}', "document", None, "-Infinity"),
    ("e.json", '{"lat": 1e999}', "document", None, "1e999 is not a finite number"),
    ("f.yaml", "lat: .nan\n", "lat", None, "not a finite number"),
    ("g.yaml", "- lat: 1.0e+999\n", "lat", 0, "not a finite number"),
    ("h.json", '{"n": ' + "9" * 5000 + "}", "document", None, "malformed JSON"),
    ("i.json", "[" * 100 + "]" * 100, ".".join(["0"] * 63), 0, "nested deeper than 64"),
])
def test_hostile_values_are_named(tmp_path: Path, name: str, text: str, field: str, row: int | None,
                                  reason: str) -> None:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    with pytest.raises(DocumentError, match=reason) as err:
        read_document(str(p))
    assert err.value.field == field and err.value.row == row


def test_a_bom_is_accepted_and_bad_utf8_named(tmp_path: Path) -> None:
    p = tmp_path / "bom.json"
    p.write_bytes(b"\xef\xbb\xbf" + b'{"a": 1}')
    assert read_document(str(p)) == {"a": 1}
    q = tmp_path / "latin.yaml"
    q.write_bytes(b"a: \xe9t\xe9\n")
    with pytest.raises(DocumentError, match="not UTF-8 text"):
        read_document(str(q))


def test_directories_and_devices_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="a directory"):
        read_document(str(tmp_path))
    with pytest.raises(DocumentError, match="not a regular file"):
        read_document("/dev/zero")
