"""The shortlist's forms: a shared list's code, typed in, and the address to email a list to."""

from django import forms

from core.forms import GovukFormMixin
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
