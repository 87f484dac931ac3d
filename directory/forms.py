"""The public directory's forms that anyone may send: a shared list's code, the address to email a list to,
and "Report a problem with this page"."""

from django import forms

from core.forms import GovukFormMixin, SubmissionKeyField
from directory.models import ProblemReport
from directory.shortlist import normalise_code, shared_ids


class SharedCodeForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label="Code for the shared list",
        help_text="8 letters and numbers, like K7QM-4XTB",
        max_length=40,
        error_messages={"required": "Enter the code for the shared list",
                        "max_length": "Enter the code as it was given to you, like K7QM-4XTB"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError("Enter the code as it was given to you, like K7QM-4XTB: 8 letters and numbers")
        if shared_ids(code) is None:
            raise forms.ValidationError("There is no shared list with that code. Check it and try again")
        return code


class EmailShortlistForm(GovukFormMixin, forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="We send the list once and do not keep the address",
        max_length=254,
        error_messages={"required": "Enter the email address to send the list to",
                        "invalid": "Enter an email address in the correct format, like name@example.com",
                        "max_length": "Enter an email address in the correct format, like name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def refuse(self, refusal) -> None:
        """Too many lists emailed from this network (enterprises/ratelimits.py): say so beside the address."""
        self.add_error("email", refusal.message)



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
    submission = SubmissionKeyField()  # sending the same form twice makes one report

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.non_field_anchor = "id_problem_0"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("problem") == ProblemReport.Problem.OTHER and not (cleaned.get("details") or "").strip():
            self.add_error("details", "Tell us what is wrong with this page")
        return cleaned

    def refuse(self, refusal) -> None:
        """Too many reports from this network (enterprises/ratelimits.py): say so above the form."""
        self.add_error(None, refusal.message)
