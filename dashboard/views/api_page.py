"""The API examples page (/api): a lead in the page's language and the examples
(`dashboard/api/examples.md`, language-neutral code)."""

from __future__ import annotations

from pathlib import Path

from dash import dcc, html

from dashboard.i18n import t

EXAMPLES = Path(__file__).resolve().parents[1] / "api" / "examples.md"


def content(lang: str) -> list:
    return [
        html.H1(t("api.heading", lang)),
        html.P(t("api.lead", lang), className="lead"),
        html.P(t("api.credit", lang)),
        dcc.Markdown(EXAMPLES.read_text(encoding="utf-8"), className="api-examples"),
    ]
