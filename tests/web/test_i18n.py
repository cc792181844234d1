"""Every text key the dashboard uses has an English and a Japanese translation."""

from __future__ import annotations

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "src" / "anpo" / "web"
KEY = r"[a-z_]+\.[A-Za-z0-9_]+"


def _dictionary(name: str) -> dict[str, str]:
    source = (WEB / "js" / "i18n.js").read_text(encoding="utf-8")
    block = re.search(rf"const {name} = \{{(.*?)\n\}};", source, re.S)
    assert block is not None, f"i18n.js has no {name} dictionary"
    return dict(re.findall(rf'"({KEY})":\s*"((?:[^"\\]|\\.)*)"', block.group(1)))


def _used_keys() -> dict[str, str]:
    """Each key used, with where it is used first."""
    used: dict[str, str] = {}
    html = (WEB / "index.html").read_text(encoding="utf-8")
    for key in re.findall(rf'data-i18n(?:-aria-label|-title|-placeholder)?="({KEY})"', html):
        used.setdefault(key, "index.html")
    for js in sorted((WEB / "js").glob("*.js")):
        for key in re.findall(rf'\bt\(\s*"({KEY})"', js.read_text(encoding="utf-8")):
            used.setdefault(key, js.name)
    return used


def test_both_dictionaries_have_the_same_keys() -> None:
    en, ja = _dictionary("EN"), _dictionary("JA")
    assert len(en) > 100
    assert sorted(set(en) - set(ja)) == [], "keys without Japanese"
    assert sorted(set(ja) - set(en)) == [], "keys without English"


def test_every_key_used_is_translated() -> None:
    en, ja = _dictionary("EN"), _dictionary("JA")
    used = _used_keys()
    assert len(used) > 80, "the key finder found too few keys: its patterns no longer match the code"
    missing = {k: where for k, where in used.items() if k not in en or k not in ja}
    assert missing == {}


def test_translations_are_not_empty_and_keep_their_placeholders() -> None:
    en, ja = _dictionary("EN"), _dictionary("JA")
    for key, text in en.items():
        assert text.strip() and ja[key].strip(), key
        assert set(re.findall(r"\{(\w+)\}", text)) == set(re.findall(r"\{(\w+)\}", ja[key])), key


def test_every_visible_text_in_index_html_has_a_key() -> None:
    # Elements with their own text and no data-i18n would stay English in Japanese.
    html = (WEB / "index.html").read_text(encoding="utf-8")
    body = html.split("<body>", 1)[1]
    tags = r"<(h2|h3|p|button|summary|legend|span|a|option)\b(?![^>]*data-i18n)[^>]*>([^<]*[A-Za-z][^<]*)<"
    bare = [m.group(0) for m in re.finditer(tags, body)]
    allowed = ("English", "日本語", "anpo")
    assert [b for b in bare if not any(a in b for a in allowed)] == []
