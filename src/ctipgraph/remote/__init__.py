"""ctipgraph on an existing SPARQL server: publishing the built graph there (`publish`, by the
Graph Store HTTP Protocol) and HTTP requests to it (`http`, auth from the environment).

What a published server holds (README, "Publishing to a SPARQL server"):
- every named graph of the project store under its own IRI (one per document,
  https://w3id.org/ctipgraph/id/doc/<id>, plus the ontology, lexicon and inferred graphs);
- MERGED_GRAPH: the store's default graph, the RDF merge of all of them (each distinct triple
  once). A server's own default graph differs from server to server (Virtuoso's is the union
  of its graphs, a triple counted once per graph holding it), so queries sent to a published
  server name MERGED_GRAPH as their default graph (`default-graph-uri`);
- MANIFEST_GRAPH: what was published (graph IRI, sha256 of its canonical N-Triples, triple
  count, ctipgraph version), read back by the next `publish` to send only what changed.
"""

GRAPH_BASE = "https://w3id.org/ctipgraph/graph/"
#: the default graph of the project store (the merge of all graphs), as a named graph
MERGED_GRAPH = GRAPH_BASE + "merged"
#: the manifest of a publication, kept on the server
MANIFEST_GRAPH = GRAPH_BASE + "manifest"
