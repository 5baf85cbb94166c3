from django.conf import settings
from django.db import models
from django.urls import reverse


class ProtectedRecord(models.Model):
    """A record about a family, opened only through a relationship (or break-glass).

    The team is the team working with the family: its team manager manages the team around the
    family, and its front door officers may open the record while a request is open.
    """

    title = models.CharField(max_length=200)
    family_id = models.CharField(max_length=64)
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    team_around_family = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+"
    )
    request_open = models.BooleanField(default=False)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("testrecords:record", kwargs={"pk": self.pk})
