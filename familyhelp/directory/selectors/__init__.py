"""Read queries of the directory, one module per area."""
