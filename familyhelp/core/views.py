from django.shortcuts import render


def content_page(template_name):
    def view(request):
        return render(request, f"core/pages/{template_name}.html")

    view.__name__ = f"{template_name}_page"
    return view


def _error(request, status, heading, paragraphs):
    return render(
        request,
        "core/error.html",
        {"heading": heading, "paragraphs": paragraphs},
        status=status,
    )


def bad_request(request, exception=None):
    return _error(
        request,
        400,
        "Sorry, there is a problem with that request",
        ["Check the web address or go back and try again."],
    )


def page_not_found(request, exception=None):
    return _error(
        request,
        404,
        "Page not found",
        [
            "If you typed the web address, check it is correct.",
            "If you pasted the web address, check you copied the entire address.",
            "The service may have been removed from the directory.",
        ],
    )


def server_error(request):
    return _error(
        request,
        500,
        "Sorry, there is a problem with the service",
        ["Try again later."],
    )
