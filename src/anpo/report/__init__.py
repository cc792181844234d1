"""Reports for people: text explanations of assessments."""

from anpo.report.text import render_assessment

__all__ = ["render_assessment"]
