"""Council staff: the words people use. Each council's staff keep its synonyms (a search for "day centre" also finds
what a search for "day club" finds); the search reads them (directory/search.py, `matching_words`).

Every view is for staff only (`staff_required`), and every synonym is looked up from `council_synonyms`, so another
council's is a 404.
"""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from enterprises.access import council_synonyms, staff_required
from enterprises.council.forms import SynonymForm
from enterprises.models import Synonym


@require_GET
@staff_required
def synonyms(request):
    return render(request, "council/synonyms.html", {"synonyms": council_synonyms(request.user)})


def _synonym_page(request, synonym: Synonym | None):
    initial = {"words": request.GET.get("words", "")[: Synonym._meta.get_field("words").max_length]}
    if synonym is not None:
        initial = {"words": synonym.words, "also_find": synonym.also_find}
    data = request.POST if request.method == "POST" else None
    form = SynonymForm(data, initial=initial, council=request.council, synonym=synonym)
    if form.is_valid():
        saved = synonym or Synonym(council=request.council)
        saved.words, saved.also_find = form.cleaned_data["words"], form.cleaned_data["also_find"]
        try:
            with transaction.atomic():
                saved.save()
        except IntegrityError:  # the same synonym, added by a colleague since the form was checked
            form.add_error("also_find", f"A search for “{saved.words}” already finds “{saved.also_find}”")
        else:
            messages.success(request, f"A search for “{saved.words}” now also finds “{saved.also_find}”")
            return redirect("council:synonyms")
    return render(request, "council/synonym_form.html", {"form": form, "synonym": synonym})


@require_http_methods(["GET", "POST"])
@staff_required
def add_synonym(request):
    """Add a synonym; `?words=` fills in the words people search for (the reports' "Add as a synonym")."""
    return _synonym_page(request, None)


@require_http_methods(["GET", "POST"])
@staff_required
def change_synonym(request, pk):
    return _synonym_page(request, get_object_or_404(council_synonyms(request.user), pk=pk))


@require_http_methods(["GET", "POST"])
@staff_required
def delete_synonym(request, pk):
    synonym = get_object_or_404(council_synonyms(request.user), pk=pk)
    if request.method == "POST":
        synonym.delete()
        messages.success(request, f"A search for “{synonym.words}” no longer also finds “{synonym.also_find}”")
        return redirect("council:synonyms")
    return render(request, "council/synonym_delete.html", {"synonym": synonym})
