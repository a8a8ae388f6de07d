"""Locale files: every key in fi, sv and en; every t("…") literal in the code exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard import i18n

DASHBOARD = Path(i18n.__file__).resolve().parent
# t("page.key"...) literals; a key ending in "_" is a prefix joined at run time and is skipped.
KEY_LITERAL = re.compile(r"""\bt\(\s*["']([a-z_]+)\.([A-Za-z0-9_]*[A-Za-z0-9])["']""")


@pytest.mark.parametrize("page", i18n.pages())
def test_every_key_has_all_three_languages(page):
    data = i18n.load_page(page)
    assert data, f"{page}.yaml is empty"
    for key, entry in data.items():
        assert set(entry) == {"fi", "sv", "en"}, f"{page}.{key}"
        assert all(isinstance(entry[lang], str) and entry[lang].strip() for lang in i18n.LANGS)


@pytest.mark.parametrize("page", i18n.pages())
def test_placeholders_agree_across_languages(page):
    for key, entry in i18n.load_page(page).items():
        fields = {lang: set(re.findall(r"\{(\w+)", entry[lang])) for lang in i18n.LANGS}
        assert fields["fi"] == fields["sv"] == fields["en"], f"{page}.{key}: {fields}"


def test_every_literal_key_in_the_code_exists():
    missing = []
    for path in DASHBOARD.rglob("*.py"):
        for page, key in KEY_LITERAL.findall(path.read_text(encoding="utf-8")):
            if (DASHBOARD / "locales" / f"{page}.yaml").exists() and key not in i18n.load_page(
                page
            ):
                missing.append(f"{path.name}: {page}.{key}")
    assert not missing, missing


def test_keys_built_at_run_time_exist():
    """layout.dropdown_labels reads `common.dd_<label>`; layout.page_top reads `<page>.title`
    and `<page>.intro` for every page that calls it (its view names the page in `PAGE`)."""
    from dashboard import layout

    common = i18n.load_page("common")
    missing = [f"common.dd_{key}" for key in layout.DROPDOWN_LABELS if f"dd_{key}" not in common]
    for path in (DASHBOARD / "pages").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "page_top(PAGE" in text:
            view = DASHBOARD / "views" / path.name
            found = re.search(r'^PAGE = "([a-z_]+)"', view.read_text(encoding="utf-8"), re.M)
            page = found.group(1)
            keys = i18n.load_page(page)
            missing += [f"{page}.{key}" for key in ("title", "intro") if key not in keys]
    assert not missing, missing


def test_lookup_formats_and_falls_back():
    assert i18n.t("common.nav_about", "sv") == "Om tjänsten"
    assert i18n.t("common.nav_about", "xx") == "Tietoa palvelusta"  # unknown language -> fi
    assert i18n.t("common.no_such_key", "en") == "common.no_such_key"
    assert (
        i18n.t("common.source_item", "en", title="X", table="T1", updated="2024")
        == "X (T1, updated 2024)"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("sv", "sv"),
        ("EN", "en"),
        (["en", "fi"], "en"),
        ("de", "fi"),
        (None, "fi"),
        ("", "fi"),
        ("<script>", "fi"),
    ],
)
def test_lang_of(value, expected):
    assert i18n.lang_of(value) == expected


def test_number_formats():
    assert i18n.fmt_number(12345.678, 1, "fi") == "12\u00a0345,7"
    assert i18n.fmt_number(12345.678, 1, "en") == "12,345.7"
    assert i18n.fmt_number(-3.25, 1, "sv") == "−3,2"
    assert i18n.fmt_number(float("nan"), 1, "en") == "–"
    assert i18n.fmt_signed(1.25, 1, "en") == "+1.2"
    assert i18n.fmt_signed(-0.04, 1, "en").endswith("0.0")
    assert i18n.fmt_value(12.34, 1, "%", "fi") == "12,3\u00a0%"


def test_a_broken_locale_file_names_the_key(tmp_path):
    (tmp_path / "x.yaml").write_text("title: {fi: a, sv: b}\n", encoding="utf-8")
    with pytest.raises(i18n.LocaleError, match="'title'"):
        i18n.load_page("x", tmp_path)
