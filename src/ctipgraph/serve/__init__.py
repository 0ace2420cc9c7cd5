"""The web application: SPARQL endpoint, browse view, search and downloads over the store."""
