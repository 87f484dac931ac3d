"""Stub: replaced by the view module of the referrals issue."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


inbox = detail = accept = decline = message = start_support = end_support = _todo
