"""Every source under src/anpo/data cites a listed publisher (issue 16).

One test per data file, so a failure names the file and each offending line or row.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from source_scan import data_files, scan_file

from anpo import data
from anpo.core.errors import DataError
from anpo.core.source import check_confidence, check_source, publisher_of, publishers, url_problems

ROOT = data.DATA_ROOT
FILES = data_files(ROOT)


def test_the_walk_sees_every_dataset() -> None:
    names = {str(p.relative_to(ROOT)) for p in FILES}
    for expected in ("publishers.yaml", "geo/units.yaml", "geo/NOTICE.md", "posture/runways.csv",
                     "instruments/us-japan-1960.yaml", "costs/sma.yaml", "sim/parameters.yaml"):
        assert expected in names


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_sources_are_listed_publishers(path: Path) -> None:
    problems = scan_file(path, str(path.relative_to(ROOT)))
    assert not problems, f"{len(problems)} source problem(s):\n" + "\n".join(problems)


def test_every_publisher_says_why() -> None:
    table = publishers()
    assert "mofa.go.jp" in table and "laws.e-gov.go.jp" not in table  # subdomains are covered
    for pub in table.values():
        assert pub.why.strip() and pub.name.strip()
        assert not pub.host.endswith(".") and "/" not in pub.host


def test_hosts_match_by_domain() -> None:
    egov = publisher_of("https://laws.e-gov.go.jp/law/329AC0000000165")
    assert egov is not None and egov.name.startswith("e-Gov")
    frus = publisher_of("https://history.state.gov/historicaldocuments/frus1958-60v18/d47")
    assert frus is not None and frus.host == "history.state.gov"
    assert publisher_of("https://en.wikipedia.org/wiki/Kadena_Air_Base") is None
    # a look-alike host is not a subdomain
    assert publisher_of("https://notmofa.go.jp.example.com/") is None


def test_the_scanner_catches_each_kind_of_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "rows:\n"
        "  - id: a\n    source: http://history.state.gov./historicaldocuments/x\n    confidence: partly\n"
        "  - id: b\n    source: ../shared/reference/alliance-facts.md\n    confidence: partly\n"
        "  - id: c\n    source: https://www.japantimes.co.jp/news/x\n    confidence: confirmed\n"
        "  - id: d\n    url: https://en.wikipedia.org/wiki/X\n    confidence: partly\n"
        "  - id: e\n    url: https://www.mofa.go.jp/x.html\n    read_from: https://en.wikipedia.org/wiki/X\n"
        "    confidence: confirmed\n",
        encoding="utf-8")
    problems = scan_file(bad, "bad.yaml")
    text = "\n".join(problems)
    assert "bad.yaml:3" in text and "ends in a dot" in text
    assert "bad.yaml:6" in text and "local path" in text
    assert "bad.yaml:8" in text and "confirmed rests only on non-primary" in text
    assert "bad.yaml:12" in text and "not on the publisher list" in text
    assert "id=e" not in text  # read_from may be any host
    csv_file = tmp_path / "r.csv"
    csv_file.write_text("id,source,read_from,confidence\nx,https://ourairports.com/a,https://w.owiki.org/b,confirmed\n"
                        "y,https://w.owiki.org/b,,partly\n", encoding="utf-8")
    problems = scan_file(csv_file, "r.csv")
    assert len(problems) == 1 and problems[0].startswith("r.csv:3 (column source)")


def test_the_validator_other_loaders_call() -> None:
    ok = check_source({"url": "https://www.mofa.go.jp/region/n-america/us/q&a/ref/1.html",
                       "read_from": "https://example.org/copy", "confidence": "confirmed"}, "x")
    assert ok.read_from == ("https://example.org/copy",)
    assert check_source({"url": "", "document": "Act No. 88 of 2005", "confidence": "partly"}, "x").url == ""
    with pytest.raises(DataError, match="row 3: url is empty"):
        check_source({"url": "", "confidence": "partly"}, "row 3")
    with pytest.raises(DataError, match="not on the publisher list"):
        check_source({"url": "https://en.wikipedia.org/wiki/X", "confidence": "partly"}, "row 4")
    with pytest.raises(DataError, match="confirmed but no source"):
        check_source({"url": "https://www.japantimes.co.jp/x", "confidence": "confirmed"}, "row 5")
    with pytest.raises(DataError, match="local path"):
        check_source({"source": "../shared/reference/primary-sources.md", "confidence": "partly"},
                     "row 6", url_key="source")
    with pytest.raises(DataError, match=r"row 8: read_from\[1\].*local path"):
        copies = ["https://example.org/a", "../shared/reference/alliance-facts.md"]
        check_source({"url": "https://www.mofa.go.jp/", "confidence": "partly", "read_from": copies}, "row 8")
    assert check_confidence("UNVERIFIED", "x") == "unverified"
    with pytest.raises(DataError, match="confidence 'sure'"):
        check_confidence("sure", "row 7")
    assert url_problems("https://www.mofa.go.jp/") == []
