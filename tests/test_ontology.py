"""Quality gates on the ontology: it parses, is documented, is consistent with the fixtures under
OWL RL, infers what it promises, and declares every ctip: term that shapes, queries and data use."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ctipgraph.namespaces import CTIP, ID
from ctipgraph.ontology import declared_terms, load_ontology
from ctipgraph.paths import ONTOLOGY, QUERIES_DIR, TTL_DIR, shape_files
from ctipgraph.store.reason import infer

TESTS = Path(__file__).parent
FIXTURES = [TESTS / "shapes" / "valid.ttl", *sorted((TESTS / "fixtures").glob("*.ttl"))]
REQUIRED = [
    "Actor", "Organization", "GovernmentBody", "CoordinatingBody",
    "NonGovernmentalOrganization", "InternationalOrganization", "ResearchOrganization",
    "ArmedGroup", "Person", "Funder", "LegalInstrument", "Law", "Regulation",
    "InternationalAgreement", "LegalStandardAssessment", "Program", "Policy", "Funding",
    "Place", "Country", "TierPlacement", "AdvancementAssessment", "Observation",
    "Recommendation", "SourceDocument", "Passage", "Reference", "InTextCitation", "Claim",
    "funds", "fundedBy", "implements", "implementedBy", "ledBy", "partnerOf", "memberOf",
    "subOrganizationOf", "establishedBy", "coordinates", "enforces", "addresses", "engagesIn",
    "country", "startYear", "endYear", "mentionedIn", "funder", "fundedItem", "amount",
    "currency", "tier", "year",
]
ALIGNED_NAMESPACES = {
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "oa": "http://www.w3.org/ns/oa#",
    "cito/biro/c4o/fabio": "http://purl.org/spar/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "qb": "http://purl.org/linked-data/cube#",
}
CTIP_TERM = re.compile(r"ctip:([A-Za-z][A-Za-z0-9_]*)")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


def test_ontology_header(ontology: Graph) -> None:
    header = URIRef("https://w3id.org/ctipgraph/ontology")
    assert (header, RDF.type, OWL.Ontology) in ontology
    for prop in (OWL.versionIRI, URIRef("http://purl.org/dc/terms/license"),
                 URIRef("http://purl.org/dc/terms/creator"),
                 URIRef("http://purl.org/dc/terms/description")):
        assert ontology.value(header, prop) is not None, f"ontology header lacks {prop}"


def test_required_terms_are_declared(ontology: Graph) -> None:
    declared = declared_terms(ontology)
    missing = [name for name in REQUIRED if CTIP[name] not in declared]
    assert not missing, f"required terms not declared: {missing}"


def test_every_term_has_an_english_label_and_a_real_comment(ontology: Graph) -> None:
    problems = []
    for term in sorted(declared_terms(ontology)):
        labels = [o for o in ontology.objects(term, RDFS.label) if isinstance(o, Literal)]
        comments = [o for o in ontology.objects(term, RDFS.comment) if isinstance(o, Literal)]
        if len(labels) != 1 or labels[0].language != "en":
            problems.append(f"{term}: needs one English rdfs:label")
        if len(comments) != 1 or len(str(comments[0]).split()) < 5:
            problems.append(f"{term}: needs one rdfs:comment of at least five words")
    assert not problems, "\n".join(problems)


def test_no_term_is_declared_twice() -> None:
    text = ONTOLOGY.read_text(encoding="utf-8")
    subjects = re.findall(r"^(ctip:[A-Za-z]+) a ", text, flags=re.MULTILINE)
    twice = [term for term, count in Counter(subjects).items() if count > 1]
    assert not twice, f"declared more than once: {twice}"


def test_ontology_aligns_with_the_standard_vocabularies(ontology: Graph) -> None:
    links = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty)
    used = {str(o) for p in links for o in ontology.objects(None, p) if isinstance(o, URIRef)}
    absent = [name for name, ns in ALIGNED_NAMESPACES.items()
              if not any(iri.startswith(ns) for iri in used)]
    assert not absent, f"no alignment to {absent}"


def test_every_concept_scheme_has_concepts(ontology: Graph) -> None:
    schemes = set(ontology.subjects(RDF.type, SKOS.ConceptScheme))
    assert {str(s).rsplit("/", 1)[1] for s in schemes} >= {"tier", "advancement", "exploitation",
                                                             "sector"}
    for scheme in schemes:
        assert len(set(ontology.subjects(SKOS.inScheme, scheme))) >= 3, scheme
    required = ["forced-labor", "forced-begging", "hereditary-slavery", "debt-bondage",
                "child-soldiering", "commercial-sexual-exploitation", "domestic-servitude"]
    for slug in required:
        concept = URIRef(f"{ID}concept/exploitation/{slug}")
        assert (concept, RDF.type, CTIP.FormOfExploitation) in ontology, slug


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_owl_rl_closure_is_consistent(fixture: Path, ontology: Graph) -> None:
    data = Graph().parse(fixture)
    closure = infer(data, ontology)
    assert closure.consistent, (closure.unsatisfiable, closure.errors)


def test_reasoner_infers_funders(ontology: Graph) -> None:
    data = Graph().parse(TESTS / "shapes" / "valid.ttl")
    closure = infer(data, ontology)
    funders = set(closure.inferred.subjects(RDF.type, CTIP.Funder))
    # ILO funds the CNLTE, stated once directly and once as the inverse ctip:fundedBy.
    assert URIRef(f"{ID}org/ilo") in funders
    assert URIRef(f"{ID}org/cnlte") not in funders
    assert not any(data.triples((None, RDF.type, CTIP.Funder))), "Funder must be inferred"


def test_reasoner_infers_funder_from_the_inverse_property(ontology: Graph) -> None:
    data = Graph()
    program, donor = URIRef(f"{ID}program/p"), URIRef(f"{ID}org/donor")
    data.add((program, CTIP.fundedBy, donor))
    closure = infer(data, ontology)
    assert (donor, RDF.type, CTIP.Funder) in closure.inferred
    assert (donor, CTIP.funds, program) in closure.inferred


def test_reasoner_reports_a_contradiction(ontology: Graph) -> None:
    data = Graph()
    thing = URIRef(f"{ID}org/confused")
    data.add((thing, RDF.type, CTIP.Sentence))  # a passage ...
    data.add((thing, RDF.type, CTIP.GovernmentBody))  # ... cannot be an actor
    assert not infer(data, ontology).consistent


def _ctip_terms_in(paths: list[Path]) -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for path in paths:
        for name in CTIP_TERM.findall(path.read_text(encoding="utf-8")):
            used.setdefault(name, set()).add(path.name)
    return used


def test_every_ctip_term_used_is_declared(ontology: Graph) -> None:
    files = [*shape_files(), *sorted(QUERIES_DIR.glob("*.rq")), *FIXTURES,
             *sorted(TTL_DIR.glob("*.ttl"))]
    declared = {str(t)[len(str(CTIP)):] for t in declared_terms(ontology)}
    undeclared = {name: sorted(where) for name, where in _ctip_terms_in(files).items()
                  if name not in declared}
    assert not undeclared, f"ctip: terms used but not declared: {undeclared}"
