"""The dashboard under bad input: random paths, query strings and callback payloads.

Flask's test client over `create_app(warehouse)` sends well over 1,000 requests built from a
seeded random generator: every page path (and unknown ones) with unknown codes, very long
values, unicode, SQL and script injection strings and wrong types in the query string, both as
the page GET and through Dash's routing callback (which is where page layouts are built); real
callbacks from `/_dash-dependencies` with random input values; and malformed JSON payloads to
`/_dash-update-component`. No answer may be a 5xx, carry traceback or debugger text, or lack the
security headers.
"""

from __future__ import annotations

import json
import random
import re
from urllib.parse import quote, urlencode

import pytest

from dashboard.i18n import t
from tests.helpers import routing_body

SEED = 20260606
PAGES = [
    "/",
    "/compare",
    "/map",
    "/data",
    "/network",
    "/about",
    "/town/{code}",
    "/embed/town/{code}",
]
KEYS = [
    "lang",
    "areas",
    "groups",
    "indicator",
    "indicators",
    "year",
    "from",
    "to",
    "wide",
    "peer",
    "x",
    "y",
    "outline",
    "code",
    "w_demography",
    "w_labour",
    "theme",
    "weights",
]
NASTY = [
    "'; DROP TABLE core.areas; --",
    "' OR '1'='1",
    "1; SELECT * FROM core.provenance",
    "091' UNION SELECT sha256 FROM core.provenance --",
    "\"); COPY core.areas TO '/tmp/x.csv'; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}",
    "${jndi:ldap://x}",
    "../../../../etc/passwd",
    "%00",
    "\x00",
    "\u202e\u0645\u0631\u062d\u0628\u0627",
    "🏙️🇫🇮" * 20,
    "Ääkkönen Åland ÖÖ",
    "\ud800",
    "NaN",
    "Infinity",
    "-1",
    "1e309",
    "99999999999999999999999",
    "2024.5",
    "0x10",
    "[]",
    "{}",
    "null",
    "true",
    "",
    " ",
    ",,,,",
    "091,091,091",
    "SSS",
    "KU091",
    "MK01",
    "network",
    "x" * 10_000,
    "091," * 500,
]
REAL = ["091", "684", "049", "507", "588", "999", "fi", "sv", "en", "population", "jobs", "2023"]
TRACE = re.compile(
    r"Traceback \(most recent call last\)|File \"/|__debugger__|Werkzeug Debugger|"
    r"duckdb\.|CatalogException|BinderException|ParserException",
    re.IGNORECASE,
)


def value(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.45:
        return rng.choice(NASTY)
    if pick < 0.7:
        return rng.choice(REAL)
    if pick < 0.85:
        return ",".join(rng.choice(REAL + NASTY[:12]) for _ in range(rng.randint(1, 6)))
    return "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(1, 40)))


def random_page(rng: random.Random) -> tuple[str, str]:
    path = rng.choice([*PAGES, "/no/such/page", "/town", "/embed", "/embed/town", "/_dash-x"])
    if "{code}" in path:
        path = path.format(code=quote(value(rng), safe="", errors="surrogatepass"))
    elif rng.random() < 0.15:
        path = path.rstrip("/") + "/" + quote(value(rng), safe="", errors="surrogatepass")
    pairs = []
    for _ in range(rng.randint(0, 6)):
        pairs.append((rng.choice(KEYS) if rng.random() < 0.85 else value(rng)[:30], value(rng)))
    search = "?" + urlencode(pairs, errors="surrogatepass") if pairs else ""
    if rng.random() < 0.1:
        search += "&" + rng.choice(["%", "%zz", "&&", "=", "a=%ff%fe", "lang"])
    return path, search


class Checker:
    def __init__(self, client) -> None:
        self.client = client
        self.count = 0
        self.failures: list[str] = []

    def check(self, response, what: str) -> None:
        self.count += 1
        text = response.get_data(as_text=True)
        problems = []
        if response.status_code >= 500:
            problems.append(f"status {response.status_code}")
        match = TRACE.search(text)
        if match:
            problems.append(f"leaks {match.group(0)!r}")
        headers = response.headers
        if headers.get("X-Content-Type-Options") != "nosniff" or not headers.get("Referrer-Policy"):
            problems.append("security headers missing")
        csp = headers.get("Content-Security-Policy", "")
        if what.split(" ", 2)[1].startswith("/embed/"):
            if "frame-ancestors" not in csp or headers.get("X-Frame-Options"):
                problems.append("embed framing headers wrong")
        elif headers.get("X-Frame-Options") != "DENY" or "frame-ancestors 'none'" not in csp:
            problems.append("framing headers missing")
        if problems and len(self.failures) < 20:
            self.failures.append(f"{what[:200]}: {', '.join(problems)}; body {text[:300]!r}")

    def get(self, url: str) -> None:
        self.check(self.client.get(url), f"GET {url}")

    def post(self, body, what: str, **kwargs) -> None:
        self.check(self.client.post("/_dash-update-component", **kwargs), f"POST {what}")


def _parse_id(raw: str):
    return json.loads(raw) if raw.startswith("{") else raw


def _outputs(output: str) -> list[dict] | dict:
    if output.startswith(".."):
        parts = [p for p in output.strip(".").split("...") if p]
        return [_split(p) for p in parts]
    return _split(output)


def _split(item: str) -> dict:
    item = item.split("@")[0]
    raw_id, _, prop = item.rpartition(".")
    return {"id": _parse_id(raw_id), "property": prop}


def random_input_value(rng: random.Random):
    return rng.choice(
        [
            value(rng),
            [value(rng) for _ in range(rng.randint(0, 4))],
            rng.randint(-(10**12), 10**12),
            rng.random() * 1e6,
            None,
            True,
            {"a": value(rng)},
            [[1, 2], {"x": None}],
            "x" * 5_000,
        ]
    )


def callback_body(dep: dict, rng: random.Random) -> dict:
    def item(spec: dict) -> dict:
        raw = _parse_id(spec["id"])
        if isinstance(raw, dict):  # pattern-matching (ALL): a list of matches
            return [
                {
                    "id": {**raw, "theme": "demography"},
                    "property": spec["property"],
                    "value": random_input_value(rng),
                }
            ]
        return {"id": raw, "property": spec["property"], "value": random_input_value(rng)}

    inputs = [item(i) for i in dep["inputs"]]
    first = dep["inputs"][0]
    return {
        "output": dep["output"],
        "outputs": _outputs(dep["output"]),
        "inputs": inputs,
        "state": [item(s) for s in dep["state"]],
        "changedPropIds": [f"{first['id']}.{first['property']}"],
    }


MALFORMED = [
    b"",
    b"{",
    b"null",
    b"[]",
    b'"output"',
    b"{}",
    b'{"output": null}',
    b'{"output": "nope.children"}',
    b'{"output": "_pages_content.children", "inputs": "x"}',
    b'{"output": "..a.b...c.d..", "outputs": 5, "inputs": [], "state": null}',
    b'{"output": "x", "inputs": [{"id": 1}], "changedPropIds": 7}',
    b"\xff\xfe\x00garbage",
    b'{"output": "' + b"A" * 100_000 + b'"}',
    json.dumps({"inputs": [{"id": "_pages_location", "property": "pathname"}]}).encode(),
]


def test_fuzz_pages_and_callbacks_never_5xx_or_traceback(client, dependencies):
    rng = random.Random(SEED)
    checker = Checker(client)
    for number in range(650):  # page GETs; every fourth layout also through the routing callback
        path, search = random_page(rng)
        checker.get(path + search)
        if number % 4 == 0:
            body = routing_body(dependencies, path, search)
            response = client.post("/_dash-update-component", json=body)
            checker.check(response, f"POST routing {path}{search}")
    server_side = [d for d in dependencies if not d.get("clientside_function")]
    for _ in range(200):  # real callbacks with random (wrong) input values
        dep = rng.choice(server_side)
        body = callback_body(dep, rng)
        checker.check(client.post("/_dash-update-component", json=body), f"POST {dep['output']}")
    for raw in MALFORMED:  # malformed payloads, as JSON and as other content types
        for content_type in ("application/json", "text/plain", "application/x-www-form-urlencoded"):
            response = client.post("/_dash-update-component", data=raw, content_type=content_type)
            checker.check(response, f"POST malformed {raw[:40]!r} as {content_type}")
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"):
        for url in ("/", "/_dash-update-component", "/town/091", "/embed/town/091"):
            checker.check(client.open(url, method=method), f"{method} {url}")
    print(f"fuzz: {checker.count} requests")
    assert checker.count >= 1_000
    assert not checker.failures, "\n".join(checker.failures)


# --------------------------------------------------------------------------- oversized values


def _routing(client, dependencies, path: str, search: str):
    response = client.post("/_dash-update-component", json=routing_body(dependencies, path, search))
    return response.status_code, response.get_data(as_text=True)


def test_a_hundred_thousand_unknown_codes_give_a_short_notice(client, dependencies):
    codes = [f"Z{number:05d}" for number in range(100_000)]
    for path, key in (("/compare", "areas"), ("/compare", "groups"), ("/data", "areas")):
        status, text = _routing(client, dependencies, path, f"?lang=en&{key}={','.join(codes)}")
        assert status == 200, (path, key)
        assert "Z00000" in text  # the notice names the first ones ...
        assert "Z00500" not in text and "Z99999" not in text  # ... not all of them
        listed = sum(code in text for code in codes[:50])
        assert listed <= 10, (path, key, listed)
        assert re.search(r"and (99,?990|\d{5}) more", text), (path, key)
        assert len(text) < 400_000, (path, key, len(text))


def test_a_known_town_among_many_codes_is_still_shown(client, dependencies):
    status, text = _routing(client, dependencies, "/compare", "?lang=en&areas=140," + "Z," * 2000)
    assert status == 200 and "Iisalmi" in text


@pytest.mark.parametrize(
    ("path", "key", "message"),
    [
        ("/data", "from", "data.bad_from"),
        ("/data", "to", "data.bad_to"),
        ("/compare", "year", "compare.bad_year"),
        ("/map", "year", "map.bad_year"),
    ],
)
@pytest.mark.parametrize("raw", ["99999999999999999999", "1" * 5000, "-99999999999999999999"])
def test_a_huge_year_is_an_invalid_year(client, dependencies, path, key, message, raw):
    """The page renders with the default year and says the value was not a year."""
    assert client.get(f"{path}?lang=en&{key}={raw}").status_code == 200
    status, text = _routing(client, dependencies, path, f"?lang=en&{key}={raw}")
    assert status == 200, text[:300]
    expected = t(message, "en", value="\x00").split("\x00")[-1]  # the text after the value
    assert expected in text, text[:300]
    if len(raw) > 100:
        assert raw[:100] not in text  # the notice quotes at most a few characters of it
