"""The public directory's one form that anyone may send: "Report a problem with this page"."""

import uuid

from django import forms

from core.forms import GovukFormMixin
from directory.models import ProblemReport

DETAILS_MAX_LENGTH = 1200
CHOOSE = "Select what is wrong with this page"


class ProblemReportForm(GovukFormMixin, forms.Form):
    problem = forms.ChoiceField(
        label="What is wrong with this page?",
        choices=ProblemReport.Problem.choices,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE, "invalid_choice": CHOOSE},
    )
    details = forms.CharField(
        label="Tell us more (optional)",
        help_text="For example, the right phone number or price. Do not include your own name or contact details.",
        required=False,
        max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": f"What you tell us must be {DETAILS_MAX_LENGTH} characters or fewer"},
    )
    # A new random key each time the form is shown: sending the same form twice makes one report.
    submission = forms.CharField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.non_field_anchor = "id_problem_0"

    def clean_submission(self) -> uuid.UUID:
        """The form's key; a missing or garbled one (nobody's browser sends that) is just a new report."""
        try:
            return uuid.UUID(self.cleaned_data["submission"])
        except ValueError:
            return uuid.uuid4()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("problem") == ProblemReport.Problem.OTHER and not (cleaned.get("details") or "").strip():
            self.add_error("details", "Tell us what is wrong with this page")
        return cleaned

    def refuse(self, refusal) -> None:
        """Too many reports from this network (enterprises/ratelimits.py): say so above the form."""
        self.add_error(None, refusal.message)
