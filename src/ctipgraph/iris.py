"""IRI builders for ctipgraph data (patterns documented in docs/design.md)."""

import hashlib
import re
import unicodedata

from rdflib import URIRef

from .namespaces import ID

_NON_SLUG = re.compile(r"[^a-z0-9]+")


_POSSESSIVE_MARK = re.compile(r"['’](?=s\b)")


def slugify(text: str, max_length: int = 80) -> str:
    """Lower-case ASCII slug: accents dropped, a possessive's apostrophe too ("Justice’s" and
    "Justice's" give one slug), runs of other characters become one hyphen ("d’Ivoire" and
    "d'Ivoire": "d-ivoire")."""
    text = _POSSESSIVE_MARK.sub("", text).replace("’", "'")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rstrip("-")
    return slug or "x"


def doc_iri(doc: str) -> URIRef:
    return ID[f"doc/{doc}"]


def doc_part(doc: str, *parts: object) -> URIRef:
    """An IRI under a document: doc_part("d", "table", 3, "row", 2) -> …/doc/d/table/3/row/2."""
    return ID["/".join(["doc", doc, *(str(p) for p in parts)])]


def entity_iri(kind: str, label: str) -> URIRef:
    """An entity IRI such as …/id/org/cnlte from its kind and a label or key."""
    return ID[f"{kind}/{slugify(label)}"]


def claim_iri(doc: str, subject: str, predicate: str, obj: str, passages: list[str]) -> URIRef:
    """A claim IRI stable across rebuilds: a hash of the fact and its passages."""
    digest = hashlib.sha256(
        "\x1f".join([subject, predicate, obj, *sorted(passages)]).encode("utf-8")
    ).hexdigest()[:16]
    return doc_part(doc, "claim", digest)
