"""Stub: replaced by the view module of the referrals issue."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


start = consent = no_consent = person = postcode = needs = safety = urgency = check = confirmation = _todo
