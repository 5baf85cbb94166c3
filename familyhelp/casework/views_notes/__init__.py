"""Case notes and contacts, the chronology, and documents (docs/case-notes-and-chronology.md)."""
