"""Council staff's "Place names people search for": the villages, estates and local names of their areas that the
public search should know (the rules: enterprises/areas.py)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import GovukFormMixin
from enterprises.access import staff_required
from enterprises.areas import AreaNameRefused, add_area_name, council_area_names, remove_area_name
from enterprises.provider.forms import PostcodeField

NAME_LENGTH = 100


class AreaNameForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Place name", max_length=NAME_LENGTH,
        help_text="A village, estate or local name people might type in the search box, like Callow End",
        error_messages={"required": "Enter the place name",
                        "max_length": f"The place name must be {NAME_LENGTH} characters or fewer"},
    )
    area = forms.TypedChoiceField(label="Which of your areas is it in?", coerce=int,
                                  error_messages={"required": "Choose the area it is in",
                                                  "invalid_choice": "Choose one of your council’s areas"})
    postcode = PostcodeField(label="A postcode in the middle of it (optional)",
                             help_text="Searches start from here. Without one, they start from the area’s centre")

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = {area.pk: area for area in council.areas.order_by("name")}
        self.fields["area"].choices = [("", "Choose an area"), *((pk, a.name) for pk, a in self.areas.items())]
        self.fields["name"].widget.attrs.update({"class": "govuk-input--width-20", "spellcheck": "false"})

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not any(character.isalpha() for character in name) or any(character.isdigit() for character in name):
            raise forms.ValidationError("Enter a place name in letters, like Callow End", code="invalid")
        return name


@require_http_methods(["GET", "POST"])
@staff_required
def place_names(request):
    council = request.council
    form = AreaNameForm(request.POST or None, council=council)
    if request.method == "POST" and form.is_valid():
        try:
            added = add_area_name(council=council, area=form.areas[form.cleaned_data["area"]],
                                  name=form.cleaned_data["name"], postcode=form.cleaned_data["postcode"],
                                  by=request.user)
        except AreaNameRefused as refused:
            form.add_error("name", str(refused))
        else:
            messages.success(request, f"People can now search for {added.name}")
            return redirect("council:place_names")
    return render(request, "council/place_names.html", {
        "form": form,
        "area_names": council_area_names(council),
        "areas": list(form.areas.values()),
    })


@require_POST
@staff_required
def remove_place_name(request, pk):
    removed = remove_area_name(council=request.council, area_name_id=pk)
    if removed is not None:
        messages.success(request, f"{removed} is no longer a place name people can search for")
    return redirect("council:place_names")
