"""The Early Support Assessment's pages: "Your requests" and each request (requests.py), the
sections of its task list (sections.py) and its people and relationships (people.py)."""
