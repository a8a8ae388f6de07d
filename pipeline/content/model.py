"""The ecosystem content's frozen objects (`content/ecosystem.yaml`): the public documents it
cites, the ecosystem agreements, the regional towns' network and strategy, each town's R&D&I
services and the R&D&I data public statistics do not give."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.catalogue.model import Text


@dataclass(frozen=True)
class Document:
    """A public document the content cites (`source:` names its id)."""

    id: str
    title: str
    publisher: str
    kind: Text
    date: str | None = None


@dataclass(frozen=True)
class Term:
    """An entry of a vocabulary: a theme, a kind of service or a network role."""

    id: str
    label: Text


@dataclass(frozen=True)
class Agreement:
    """One ecosystem agreement between the state and a city region."""

    id: str
    name: str  # as the source document names it (Finnish)
    municipalities: tuple[str, ...]
    themes: tuple[str, ...]
    focus: Text


@dataclass(frozen=True)
class Agreements:
    source: str
    signed: str
    valid_until: str
    original_language: str  # the language of the focus areas in the source; the rest translated
    common_themes: Text
    start_funding: Text
    measures: tuple[Text, ...]
    networks_strand: Text
    networks_strand_source: str
    agreements: tuple[Agreement, ...]


@dataclass(frozen=True)
class Network:
    source: str
    project: Text
    start: str
    end: str
    municipalities_count: int
    regions_count: int
    funders: Text
    actions: tuple[Text, ...]


@dataclass(frozen=True)
class Strategy:
    source: str
    vision: Text
    goals: tuple[Text, ...]
    embed_task: Text


@dataclass(frozen=True)
class Service:
    """A town's R&D&I service or actor."""

    id: str
    name: str
    kind: str
    municipalities: tuple[str, ...]
    source: str
    network_role: str | None = None
    themes: tuple[str, ...] = ()
    url: str | None = None
    languages: tuple[str, ...] = ()
    description: Text | None = None
    note: str | None = None
    line: int = 0  # where the entry starts in the file


@dataclass(frozen=True)
class DataGap:
    """An R&D&I indicator the bundled data does not contain."""

    id: str
    label: Text
    note: Text
    statfin: tuple[str, ...]  # "<subject> <table id>" or a subject alone


@dataclass(frozen=True)
class Municipality:
    """A municipality of the classification the build uses (names for the pages)."""

    code: str
    name: Text


@dataclass(frozen=True)
class EcosystemContent:
    documents: tuple[Document, ...]
    themes: tuple[Term, ...]
    kinds: tuple[Term, ...]
    roles: tuple[Term, ...]
    agreements: Agreements
    network: Network
    strategy: Strategy
    services: tuple[Service, ...]
    data_gaps: tuple[DataGap, ...]
    municipalities: tuple[Municipality, ...] = ()

    def document(self, ident: str) -> Document:
        return next(d for d in self.documents if d.id == ident)

    def theme(self, ident: str) -> Term:
        return next(t for t in self.themes if t.id == ident)

    def kind(self, ident: str) -> Term:
        return next(k for k in self.kinds if k.id == ident)

    def role(self, ident: str) -> Term:
        return next(r for r in self.roles if r.id == ident)

    def name(self, code: str, lang: str) -> str:
        """The municipality's name in `lang` (the code when the classification lacks it)."""
        found = next((m for m in self.municipalities if m.code == code), None)
        return found.name.get(lang) if found else code

    def agreement_title(self, agreement: Agreement, lang: str) -> str:
        """The agreement's cities by name in `lang` ("Lappeenranta, Imatra")."""
        return ", ".join(self.name(code, lang) for code in agreement.municipalities)

    def services_for(self, code: str, theme: str | None = None) -> tuple[Service, ...]:
        """The services of municipality `code`, optionally only those with `theme`."""
        return tuple(
            s
            for s in self.services
            if code in s.municipalities and (theme is None or theme in s.themes)
        )

    def agreement_for(self, code: str) -> Agreement | None:
        """The ecosystem agreement that names municipality `code`, if any."""
        return next((a for a in self.agreements.agreements if code in a.municipalities), None)

    def service_towns(self) -> tuple[str, ...]:
        """Every municipality with a service, in the order they first appear."""
        return tuple(dict.fromkeys(c for s in self.services for c in s.municipalities))
