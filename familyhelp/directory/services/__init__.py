"""Write use cases of the directory, one module per area; each function is one transaction."""
