"""The catalyst's forms on an enquiry's page: what it became, or why it is not going ahead. Each has a prefix, so the
two forms on one page keep their fields' ids apart; an error that belongs to no field (someone else moved it first)
links to the enquiry's stage."""

from django import forms

from core.forms import GovukFormMixin


class EnquiryForm(GovukFormMixin, forms.Form):
    non_field_anchor = "enquiry-stage"


class StartedForm(EnquiryForm):
    enterprise = forms.ModelChoiceField(
        label="Which listing did it become?",
        help_text="Your council’s listings. Start one for them first if it is not listed yet",
        queryset=None,
        empty_label="Choose a listing",
        error_messages={"required": "Choose the listing it became",
                        "invalid_choice": "Choose the listing it became, from your council’s listings"},
    )

    def __init__(self, *args, listings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = listings.order_by("name", "pk")


class NotGoingAheadForm(EnquiryForm):
    reason = forms.CharField(
        label="Why is it not going ahead?",
        help_text="For the council’s records. We tell the enquirer that it is not going ahead, but not these words",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why it is not going ahead",
                        "max_length": "Keep it under 2,000 characters"},
    )
