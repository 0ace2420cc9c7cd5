"""Sub-commands of the `ctipgraph` CLI, one module each."""
