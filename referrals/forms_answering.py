"""The provider's answers to a referral: accept it, decline it, send the referrer a message, record that support
started, record that support ended.

The referral's page holds several of these forms at once, so each has a prefix that keeps their fields' ids apart.
An error that belongs to no field (the referral moved on before the answer arrived) links to the referral's status.
`referrals.lifecycle` checks everything again; these forms only turn what was typed into its arguments, with the
messages a person needs beside the fields.
"""

from django import forms

from core.forms import GovukFormMixin
from referrals.models import DeclineReason, Outcome

MAX_LENGTH = 5000
TOO_LONG = "Keep it under 5,000 characters"


def _text(label: str, *, required_message: str = "", help_text: str = "", rows: int = 4) -> forms.CharField:
    errors = {"max_length": TOO_LONG}
    if required_message:
        errors["required"] = required_message
    return forms.CharField(
        label=label, help_text=help_text, required=bool(required_message), max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}), error_messages=errors,
    )


def _radios(label: str, choices, message: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=choices, widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


class AnswerForm(GovukFormMixin, forms.Form):
    non_field_anchor = "referral-status"
    #: The prefix the form has on the referral's page.
    prefix_on_page = ""
    #: The field holding free text, kept when the answer is refused so that it can still be sent as a message.
    text_field = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.prefix_on_page or None)
        super().__init__(*args, **kwargs)

    def typed_text(self) -> str:
        if not self.is_bound or not self.text_field:
            return ""
        return (self.data.get(self.add_prefix(self.text_field)) or "").strip()

    def refuse(self, message: str) -> "AnswerForm":
        """Show only `message`: the answer cannot be given any more, so the fields' own errors do not matter."""
        self.is_valid()
        self.errors.clear()
        self.add_error(None, message)
        return self


class AcceptForm(AnswerForm):
    prefix_on_page = "accept"
    text_field = "message"

    message = _text(
        "Message to the referrer (optional)", rows=3,
        help_text="For example, when you will contact the person. The referrer sees it with the referral.",
    )


class StartSupportForm(AnswerForm):
    prefix_on_page = "start"
    text_field = "message"

    message = _text(
        "Note for the referrer (optional)", rows=3,
        help_text="For example, the date of the first visit or session.",
    )


class MessageForm(AnswerForm):
    prefix_on_page = "message"
    text_field = "text"

    text = _text(
        "Your message", required_message="Enter your message",
        help_text="For example, to ask for more information. We email the referrer to say there is a message; "
        "the email does not include it.",
    )


class DeclineForm(AnswerForm):
    text_field = "detail"

    reason = _radios("Why can you not take this referral?", DeclineReason.choices,
                     "Select why you cannot take this referral")
    detail = _text(
        "More about why", required_message="Enter more about why you cannot take this referral",
        help_text="We show this to the referrer. If you know of another service that might help the person, "
        "say so here.",
    )


class EndSupportForm(AnswerForm):
    text_field = "detail"

    outcome = _radios("How did the support end?", Outcome.choices, "Select how the support ended")
    detail = _text(
        "More about how it ended",
        help_text="Needed if you choose ‘Another outcome’. We show this to the referrer.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == Outcome.OTHER and not (cleaned.get("detail") or "").strip():
            self.add_error("detail", "Enter how the support ended")
        return cleaned
