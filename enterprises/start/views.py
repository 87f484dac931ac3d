""""Start a community micro-enterprise": what it is, what the council offers, and the enquiry form anyone may send
without an account (rate-limited per client network; the same form sent twice makes one enquiry). The enquiry's
rules are enterprises/enquiries.py."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from enterprises import ratelimits
from enterprises.enquiries import already_sent, submit_enquiry
from enterprises.start.forms import EnquiryForm


@require_http_methods(["GET", "POST"])
def start(request):
    form = EnquiryForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        if already_sent(form.cleaned_data["submission"]):  # a double click: the first one went, and counted
            return redirect("start_enquiry_sent")
        refusal = ratelimits.attempt(request, "enquiry")
        if refusal is None:
            data = form.cleaned_data
            submit_enquiry(
                area=data["area"], idea=data["idea"], who_it_would_support=data["who_it_would_support"],
                name=data["name"], email=data["email"], phone=data["phone"], submission_key=data["submission"],
            )
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
    return render(request, "start/sent.html")
