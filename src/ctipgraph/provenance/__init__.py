"""Provenance: tracing a fact to the passages, documents and references behind it, and the
evidence report (corroborated, disputed, single-source and unreferenced facts)."""
