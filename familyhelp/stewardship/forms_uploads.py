"""The bulk upload form: one file (what is in it is checked by the service, not the form)."""

from django import forms

from familyhelp.core.forms import GovukForm

FILE_REQUIRED = "Select a CSV or XLSX file of services"


class UploadForm(GovukForm):
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV (saved as CSV UTF-8) or XLSX file made from the template.",
        error_messages={"required": FILE_REQUIRED, "empty": FILE_REQUIRED},
    )

    @classmethod
    def refused(cls, message: str) -> "UploadForm":
        """The form shown again with `message` on the file (a file refused before reading)."""
        form = cls(data={}, files={})
        form.is_valid()
        form.errors["file"] = form.error_class([message])
        return form
