"""Journey: a parent on a phone asks for help for their family and gets a reference."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.core.notifications.testing import outbox
from familyhelp.core.testing import PHONE, check_page
from familyhelp.core.tests.factories import PostcodeFactory
from familyhelp.frontdoor.models import Request
from familyhelp.frontdoor.services import self_referral

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

EMAIL = "jo.parent@example.com"


@pytest.fixture(autouse=True)
def quick_hands(monkeypatch):
    # A browser fills the form faster than a person; the token's timing has its own tests.
    monkeypatch.setattr(self_referral, "TOKEN_MIN_SECONDS", 0)


def test_a_parent_on_a_phone_asks_for_help_and_gets_a_reference(live_server, browser):
    PostcodeFactory(postcode="WX1 2AB")
    # Given a parent on the directory's home page, on their phone
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + reverse("directory:home"))
    check_page(page)
    # When they follow "Ask for help for your family"
    page.get_by_role("link", name="Ask for help for your family").click()
    expect(page.get_by_role("heading", name="Ask for help for your family")).to_be_visible()
    check_page(page)
    # And send it with no way to contact them and a postcode that does not exist
    page.get_by_label("Who needs help?").fill("Ava, 7, and Leo, 3")
    page.get_by_label("What would you like help with?").fill("Bedtimes are a battle every night.")
    page.get_by_label("Your name").fill("Jo Parent")
    page.get_by_label("Your postcode").fill("WX9 9ZZ")
    page.get_by_role("button", name="Send your request").click()
    # Then they are told what to fix, and nothing is kept
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("link", name=self_referral.NO_SAFE_CONTACT)).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile("We cannot find the postcode WX9 9ZZ"))
    ).to_be_visible()
    expect(page.get_by_role("link", name=self_referral.CONSENT_REQUIRED)).to_be_visible()
    assert not Request.objects.exists()
    check_page(page)
    # When they give a mobile number, say a message is not safe but a text is, and agree
    page.get_by_label("Phone number (optional)").fill("07700 900982")
    page.get_by_role("group", name="Is it safe to leave a message on this phone?").get_by_label(
        "No"
    ).check()
    page.get_by_role("group", name="Can we send you text messages?").get_by_label("Yes").check()
    page.get_by_label("Email address (optional)").fill(EMAIL)
    page.get_by_label("Anything else that keeps contact safe (optional)").fill(
        "Please call after 9:30am on weekdays"
    )
    page.get_by_label("Your postcode").fill("wx1 2ab")
    page.get_by_label(re.compile("I agree that you can look at my request")).check()
    page.get_by_role("button", name="Send your request").click()
    # Then they see their reference, and it is emailed and texted to them
    expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
    kept = Request.objects.get()
    expect(page.get_by_text(kept.reference)).to_be_visible()
    check_page(page)
    context.close()
    assert kept.kind == Request.Kind.SELF_REFERRAL
    assert kept.status == Request.Status.SUBMITTED
    (email,) = outbox(template="self_referral_received")
    assert email.to == EMAIL and email.personalisation["reference"] == kept.reference
    (text,) = outbox(template="self_referral_received_sms")
    assert text.to == "07700900982"
    assert "Ava" not in str(email.personalisation) + str(text.personalisation)
