"""What the law says: named, cited conditions over columns.

`evaluate(frame, place)` runs every condition over a batch; `anpo.law.assess` turns
scenarios into the result objects of the output contract.
"""

from anpo.law.rules import evaluate, ruleset

__all__ = ["evaluate", "ruleset"]
