def csp_nonce(request):
    """The per-request nonce the GOV.UK page template puts on its one inline script.

    django-csp's lazy nonce is falsy until read, and the template tests `{% if cspNonce %}`,
    so it is read here (which also makes the middleware add it to the policy header)."""
    nonce = getattr(request, "csp_nonce", None)
    return {"cspNonce": str(nonce) if nonce is not None else ""}
