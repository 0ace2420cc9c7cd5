"""Emit: a segmented Document → an rdflib Graph → deterministic Turtle."""
