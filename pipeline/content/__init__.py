"""The ecosystem content (`content/ecosystem.yaml`): ecosystem agreements, the regional towns'
network and strategy, each town's R&D&I services, and the R&D&I data the bundled statistics do
not contain. Parsed into frozen objects (`model`) and validated on load (`loader`, `entries`):
unknown keys, unknown municipality codes, missing translations and bad web addresses fail with
`ContentError` naming the file and line."""

from pipeline.content.classification import municipalities_of
from pipeline.content.entries import ContentError
from pipeline.content.loader import load_content, parse_content
from pipeline.content.model import (
    Agreement,
    Agreements,
    DataGap,
    Document,
    EcosystemContent,
    Municipality,
    Network,
    Service,
    Strategy,
    Term,
)

__all__ = [
    "Agreement",
    "Agreements",
    "ContentError",
    "DataGap",
    "Document",
    "EcosystemContent",
    "Municipality",
    "Network",
    "Service",
    "Strategy",
    "Term",
    "load_content",
    "municipalities_of",
    "parse_content",
]
