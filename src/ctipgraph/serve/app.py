"""The Flask application factory. Views live in blueprints, one module each, over a GraphStore."""

from __future__ import annotations

from flask import Flask, current_app

from ..store import GraphStore


def create_app(store: GraphStore, config: dict | None = None) -> Flask:
    """A Flask app serving `store`; blueprints are registered here."""
    app = Flask(__name__)
    app.config.update(
        QUERY_TIMEOUT=30.0,  # seconds per SPARQL query
        MAX_QUERY_LENGTH=100_000,  # characters
        MAX_RESULT_ROWS=100_000,
    )
    app.config.update(config or {})
    app.extensions["ctipgraph.store"] = store
    return app


def get_store() -> GraphStore:
    """The store of the running app (for views)."""
    return current_app.extensions["ctipgraph.store"]
