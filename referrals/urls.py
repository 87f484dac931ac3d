"""Referral pages, namespace "referrals": sending (under a service), following (the referrer's), answering (the
provider's, under /provider/referrals/) and the council's figures (under /council/referrals/)."""

from django.urls import path

from core import converters  # noqa: F401  (registers <text:…>, which refuses a NUL)
from referrals.views import answering, council, following, sending

app_name = "referrals"

refer = "services/<int:pk>/refer/"
sent = "referrals/<text:reference>/"
received = "provider/referrals/<text:reference>/"

urlpatterns = [
    # Sending: a question-page flow kept in the session until "Send referral".
    path(refer, sending.start, name="start"),
    path(f"{refer}consent/", sending.consent, name="consent"),
    path(f"{refer}no-consent/", sending.no_consent, name="no_consent"),
    path(f"{refer}person/", sending.person, name="person"),
    path(f"{refer}postcode/", sending.postcode, name="postcode"),
    path(f"{refer}needs/", sending.needs, name="needs"),
    path(f"{refer}safety/", sending.safety, name="safety"),
    path(f"{refer}urgency/", sending.urgency, name="urgency"),
    path(f"{refer}funding/", sending.funding, name="funding"),
    path(f"{refer}phone/", sending.phone, name="phone"),
    path(f"{refer}check/", sending.check, name="check"),
    path(f"{sent}sent/", sending.confirmation, name="confirmation"),
    # Following: the referrer's team.
    path("referrals/", following.my_referrals, name="mine"),
    path(sent, following.detail, name="detail"),
    path(f"{sent}message/", following.message, name="message"),
    path(f"{sent}withdraw/", following.withdraw, name="withdraw"),
    # Answering: the provider it was sent to.
    path("provider/referrals/", answering.inbox, name="inbox"),
    path(received, answering.detail, name="provider_detail"),
    path(f"{received}accept/", answering.accept, name="accept"),
    path(f"{received}decline/", answering.decline, name="decline"),
    path(f"{received}message/", answering.message, name="provider_message"),
    path(f"{received}support-started/", answering.start_support, name="start_support"),
    path(f"{received}support-ended/", answering.end_support, name="end_support"),
    # Council staff: references and statuses, never personal details.
    path("council/referrals/", council.referrals, name="council_list"),
    path("council/referrals/unanswered/", council.unanswered, name="council_unanswered"),
]
