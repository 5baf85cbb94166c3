"""The front door's pages (docs/front-door.md): the queue (queue.py), a request's triage page
(requests.py), the decision, managers' approvals and the signposted services page
(decisions.py).

Thin views: parse, call a service (services/triage.py, services/decisions.py) or a selector,
render. A request someone may not open is a 404 with an audit record
(accounts.access.get_object_for_user_or_404, through selectors_triage.request_get).
"""
