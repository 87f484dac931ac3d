"""The referrer's forms: which referrals to show, a message to the provider, and withdrawing a referral.

A refused action (`TransitionError`: the provider moved the referral on a moment before) is added as a non-field
error; the error summary links it to `non_field_anchor`, the part of the page that shows the referral's status.
"""

from django import forms

from core.forms import GovukFormMixin
from referrals.access import STATUS_FILTERS

MAX_TEXT = 5000


class FollowingForm(GovukFormMixin, forms.Form):
    non_field_anchor = "referral-status"


class StatusFilterForm(GovukFormMixin, forms.Form):
    """The radios that choose which referrals to list, bound to the query string so the list works without JavaScript.
    The view takes the choice from `referrals.access.status_filter`, which ignores nonsense as this form would.

    `counts` maps each choice's value to how many referrals it would show; they are added to the labels.
    """

    status = forms.ChoiceField(label="Status", choices=STATUS_FILTERS, required=False, widget=forms.RadioSelect)

    def __init__(self, *args, counts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if counts is not None:
            self.fields["status"].choices = [
                (value, f"{label} ({counts.get(value, 0)})") for value, label in STATUS_FILTERS
            ]


class MessageForm(FollowingForm):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_TEXT,
        error_messages={
            "required": "Enter your message",
            "max_length": "Your message must be 5,000 characters or fewer",
        },
    )

    def __init__(self, *args, enterprise_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["message"]
        field.label = f"Send a message to {enterprise_name}"
        field.label_class = "govuk-label--m"
        field.help_text = (
            f"{enterprise_name} will be emailed to say there is a new message. The email does not include the "
            "message or the person’s details: they sign in to read it."
        )

    @property
    def non_field_anchor(self):
        # A refused message belongs beside the message box, not the status.
        return self["message"].id_for_label


class WithdrawForm(FollowingForm):
    reason = forms.CharField(
        label="Why are you withdrawing it? (optional)",
        help_text="The provider will see this.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT,
        error_messages={"max_length": "The reason must be 5,000 characters or fewer"},
    )
    reason.label_class = "govuk-label--m"
