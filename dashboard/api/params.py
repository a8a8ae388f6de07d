"""The API's query parameters: what each endpoint takes, and their parsing into checked values.

`ENDPOINTS` is the one list of the routes' parameters; the OpenAPI description
(`openapi.yaml`) is checked against it by the tests. Every problem is an `ApiError` naming the
parameter and the value, answered as a 400 JSON error; values reach SQL only as bound
parameters (through `pipeline.export`'s selection and the named queries).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline.export import LANGUAGES

FORMATS = ("json", "csv", "parquet")
AREA_KINDS = (
    "municipality",
    "country",
    "region",
    "subregion",
    "municipality_group",
    "group",
    "peers",
)
YEARS = (1900, 2100)
MAX_LIST = 400  # values one list parameter may name (every municipality and region fits)
MAX_TEXT = 64  # characters of one value


class ApiError(ValueError):
    """A request the API answers with a 4xx JSON error."""

    def __init__(
        self, message: str, parameter: str | None = None, value: object = None, status: int = 400
    ):
        super().__init__(message)
        self.message, self.parameter, self.value, self.status = message, parameter, value, status

    def body(self) -> dict:
        return {
            "error": {
                "status": self.status,
                "message": self.message,
                "parameter": self.parameter,
                "value": self.value,
            }
        }


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "list" (comma-separated or repeated), "year", "enum"
    required: bool = False
    choices: tuple[str, ...] = ()
    default: str | None = None


LANG = Param("lang", "enum", choices=LANGUAGES, default="fi")
FORMAT = Param("format", "enum", choices=FORMATS, default="json")
ENDPOINTS: dict[str, tuple[Param, ...]] = {
    "/api/v1/indicators": (LANG, FORMAT),
    "/api/v1/areas": (LANG, FORMAT, Param("kind", "enum", choices=AREA_KINDS)),
    "/api/v1/values": (
        Param("indicator", "list", required=True),
        Param("area", "list"),
        Param("group", "list"),
        Param("from", "year"),
        Param("to", "year"),
        LANG,
        FORMAT,
    ),
    "/api/v1/openapi.json": (),
}


def parse(endpoint: str, args: Mapping[str, Sequence[str]]) -> dict[str, object]:
    """Checked values of the endpoint's parameters from the query's `args` (name → values).

    Unknown names, a repeated single value, an unknown choice, a malformed or out-of-range year,
    an empty or too long list: ApiError naming the parameter and value."""
    params = {p.name: p for p in ENDPOINTS[endpoint]}
    for name in args:
        if name not in params:
            known = ", ".join(params) or "none"
            raise ApiError(f"unknown parameter {name!r}; this endpoint takes: {known}", name)
    out: dict[str, object] = {}
    for param in params.values():
        values = [v for v in args.get(param.name, ()) if v != ""]
        if not values:
            if param.required:
                raise ApiError(f"parameter {param.name!r} is required", param.name)
            out[param.name] = _single(param, param.default) if param.default else None
            if param.kind == "list":
                out[param.name] = ()
            continue
        out[param.name] = _list(param, values) if param.kind == "list" else _single(param, values)
    if out.get("from") is not None and out.get("to") is not None and out["from"] > out["to"]:
        raise ApiError(f"'from' ({out['from']}) is after 'to' ({out['to']})", "from", out["from"])
    return out


def _list(param: Param, values: Sequence[str]) -> tuple[str, ...]:
    items = [item.strip() for value in values for item in value.split(",") if item.strip()]
    if len(items) > MAX_LIST:
        raise ApiError(f"{param.name!r} names {len(items)} values; at most {MAX_LIST}", param.name)
    for item in items:
        if len(item) > MAX_TEXT:
            raise ApiError(
                f"{param.name!r} value longer than {MAX_TEXT} characters",
                param.name,
                item[:MAX_TEXT],
            )
    return tuple(dict.fromkeys(items))


def _single(param: Param, values: Sequence[str] | str) -> object:
    if not isinstance(values, str):
        if len(values) > 1:
            raise ApiError(
                f"{param.name!r} given {len(values)} times; give it once", param.name, list(values)
            )
        values = values[0]
    value = values.strip()
    if param.kind == "enum":
        if value not in param.choices:
            raise ApiError(
                f"{param.name!r} must be one of {', '.join(param.choices)}", param.name, value
            )
        return value
    if not value.lstrip("-").isdigit() or len(value) > 6:
        raise ApiError(f"{param.name!r} must be a year such as 2020", param.name, value)
    year = int(value)
    if not YEARS[0] <= year <= YEARS[1]:
        raise ApiError(
            f"{param.name!r} must be between {YEARS[0]} and {YEARS[1]}", param.name, year
        )
    return year
