"""The editors' pages (issue 5 §1; docs/editing-listings.md): "Your organisations", an
organisation's listings, and a change to a listing a question at a time, through check your
answers to "Send for approval".

Thin views: parse, call a selector or a service (familyhelp/stewardship/services/editing.py),
render. Anything that writes is a POST. A listing the person may not edit reads as "Page not
found", and the refusal is audited.
"""
