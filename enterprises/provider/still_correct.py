"""The "my listing is still correct" page, reached from the link in a review reminder, without signing in.

Who may use it: whoever holds a link we signed (`enterprises.reminders.read_still_correct_link`), for the one listing
and review date in it, until it expires. A GET only shows the question; the POST of its button records the
confirmation, once, and comes back to the page, which then says it is done. A link that was never ours, has expired,
or is for a listing that has left the directory gets a page that says so, never an error.
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from enterprises.reminders import LinkProblem, confirm_still_correct, read_still_correct_link


@require_http_methods(["GET", "POST"])
def still_correct(request, token):
    try:
        link = confirm_still_correct(token) if request.method == "POST" else read_still_correct_link(token)
    except LinkProblem as problem:
        return render(request, "provider/still_correct_problem.html", {"problem": str(problem)},
                      status=problem.status)
    if request.method == "POST":
        return redirect(request.path)
    return render(request, "provider/still_correct.html", {
        "link": link,
        "listing": link.listing,
        "link_days": settings.REVIEW_CONFIRMATION_LINK_DAYS,
    })
