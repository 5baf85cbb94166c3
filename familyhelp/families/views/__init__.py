"""The family and person pages (docs/families.md): thin views over selectors and services."""
