""""Start a community micro-enterprise": what it is, what the council offers, and the enquiry form anyone may send
without an account (rate-limited per client network; the same form sent twice makes one enquiry). The enquiry's
rules are enterprises/enquiries.py."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from enterprises import ratelimits
from enterprises.enquiries import sent_before, submit_enquiry
from enterprises.start.forms import EnquiryForm

SENT = "enquiry_sent"  # the session's note of the last enquiry's reference, for the confirmation page


@require_http_methods(["GET", "POST"])
def start(request):
    form = EnquiryForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        enquiry = sent_before(form.cleaned_data["submission"])  # a double click: the first one went, and counted
        if enquiry is None:
            refusal = ratelimits.attempt(request, "enquiry")
        if enquiry is None and refusal is None:
            data = form.cleaned_data
            enquiry, _ = submit_enquiry(
                area=data["area"], idea=data["idea"], who_it_would_support=data["who_it_would_support"],
                name=data["name"], email=data["email"], phone=data["phone"], submission_key=data["submission"],
            )
        if enquiry is not None:
            request.session[SENT] = enquiry.reference
            return redirect("start_enquiry_sent")
        form.refuse(refusal)
    response = render(request, "start/start.html", {
        "form": form, "retention_months": settings.ENQUIRY_RETENTION_MONTHS,
    })
    if refusal is not None:
        response.status_code = 429
        response["Retry-After"] = str(refusal.retry_after)
    return response


@require_GET
def sent(request):
    """The confirmation, with the reference of the enquiry this browser sent (nothing else of it)."""
    return render(request, "start/sent.html", {"reference": request.session.get(SENT, "")})
