"""Citations: a provision id, the version in force, its official URL, a short term of art.

A provision id is a path `<instrument>/<article>[/<paragraph>]`, e.g.
`us-japan-1960/art-5/para-1`. Paraphrases are anpo's own words; `term` quotes at most a
short term of art. `url` is the publisher's page of the official text (anpo.core.source);
it is empty only when no official address is known, and the instrument then names the
document by title and number.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Citation:
    id: str
    version: str  # ISO date of the version of the instrument in force
    url: str
    term: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        # By hand: dataclasses.asdict deep-copies every field, half the time of an explained
        # single assessment (dozens of citations each).
        return {"id": self.id, "version": self.version, "url": self.url, "term": self.term}

    def __str__(self) -> str:
        link = f"<{self.url}>" if self.url else "(no official address known; see the instrument)"
        return f"{self.id} (version {self.version}) {link}"
