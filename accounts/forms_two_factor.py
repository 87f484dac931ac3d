"""Forms for two-factor sign-in: one box for a code, in the GOV.UK style (accounts/two_factor.py has the rules)."""

from django import forms
from django.core.exceptions import ValidationError

from accounts.forms import AccountFormMixin
from accounts.two_factor import BACKUP_CODE_LENGTH, DIGITS, normalise_code

WRONG_CODE_MESSAGE = "The code is not right. Enter the code your authenticator app shows now, or a backup code."
WRONG_SET_UP_CODE_MESSAGE = (
    "The code is not right. Check that the app shows a code for this account, and enter the code it shows now."
)


def code_field(*, label: str, help_text: str, backup_codes: bool, required_message: str):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-10",
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                **({} if backup_codes else {"inputmode": "numeric"}),
            }
        ),
        error_messages={"required": required_message},
    )


class SignInCodeForm(AccountFormMixin, forms.Form):
    """The second step of signing in: a code from the app, or a backup code."""

    code = code_field(
        label="Code",
        help_text=f"The {DIGITS}-digit code your authenticator app shows for this site. "
        "If you do not have your phone, enter one of your backup codes.",
        backup_codes=True,
        required_message="Enter the code from your authenticator app",
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if not ((len(code) == DIGITS and code.isdigit()) or len(code) == BACKUP_CODE_LENGTH):
            raise ValidationError(
                f"Enter the {DIGITS}-digit code from your authenticator app, or a backup code like abcde-23456"
            )
        return code


class SetUpCodeForm(AccountFormMixin, forms.Form):
    """Setting up: the first code from the app proves it has the key."""

    code = code_field(
        label="Enter the code your app shows",
        help_text=f"{DIGITS} digits, for example 123456.",
        backup_codes=False,
        required_message="Enter the code your authenticator app shows",
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != DIGITS or not code.isdigit():
            raise ValidationError(f"Enter the {DIGITS}-digit code your authenticator app shows, like 123456")
        return code


class ConfirmWithCodeForm(SignInCodeForm):
    """Turning two-factor off, or getting new backup codes: a code first, so an unattended session cannot do it."""
