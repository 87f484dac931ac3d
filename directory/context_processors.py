from directory.shortlist import shortlisted_ids


def shortlist(request):
    """How many services the header's shortlist link counts."""
    return {"shortlist_count": len(shortlisted_ids(request.session)) if hasattr(request, "session") else 0}
