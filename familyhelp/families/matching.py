"""Finding the records that may be the same person (the duplicate check).

`name_key` is the phonetic key the services store beside each name (Person.family_name_key,
given_name_key), so candidates are found through an index before they are scored.
"""

import unicodedata

import jellyfish


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(c for c in decomposed if c.isalpha() or c.isspace()).strip().lower()


def name_key(name: str) -> str:
    """A phonetic key for the first word of a name: "Smyth" and "Smith" share one."""
    words = _plain(name).split()
    return jellyfish.metaphone(words[0])[:32] if words else ""
