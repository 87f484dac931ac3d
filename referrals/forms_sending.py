"""The referral form's pages, one form per page. They only check the answers; the pages keep them in the session
(`referrals.views.sending`) until "Send referral", when `referrals.lifecycle.send_referral` saves them.

Each form's `answers()` gives what it adds to the draft, JSON-serialisable (dates as ISO strings), and `initial_from`
turns a draft back into the form's initial values.
"""

from django import forms
from django.utils import timezone

from core.forms import GovukDateField, GovukFormMixin
from core.notifications import texts_can_be_sent
from enterprises.postcodes import normalise_postcode
from enterprises.provider.forms import PhoneField, is_mobile_number
from referrals.models import ConsentMethod, ContactMethod, Funding, Urgency

NOT_YET = "no"
TEXT_LIMIT = 2000


def team_key(team) -> str:
    """How a team is kept in the draft: "organisation:12" or "enterprise:7"."""
    return f"{team._meta.model_name}:{team.pk}"


def _required(message: str) -> dict:
    return {"required": message}


def _long_text(label: str, *, what: str, named: str, required: bool = True, help_text: str = "", rows: int = 5):
    """A textarea. `what` completes "Enter …"; `named` starts the message when the text is too long."""
    messages = {"max_length": f"{named} must be {TEXT_LIMIT:,} characters or fewer"}
    if required:
        messages["required"] = f"Enter {what}"
    return forms.CharField(label=label, required=required, max_length=TEXT_LIMIT, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}), error_messages=messages)


class DraftForm(GovukFormMixin, forms.Form):
    """A page of the referral form."""

    def answers(self) -> dict:
        return dict(self.cleaned_data)

    @classmethod
    def initial_from(cls, draft: dict) -> dict:
        return {name: draft[name] for name in cls.base_fields if name in draft}


class TeamForm(DraftForm):
    team = forms.ChoiceField(label="Who are you referring for?", widget=forms.RadioSelect,
                             error_messages=_required("Select who you are referring for"))

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(team_key(team), team.name) for team in teams]


class ConsentForm(DraftForm):
    consent = forms.ChoiceField(
        label="Has the person agreed to you sharing their details?",
        choices=[*((method.value, f"Yes – {method.label[:1].lower()}{method.label[1:]}") for method in ConsentMethod),
                 (NOT_YET, "No, not yet")],
        widget=forms.RadioSelect,
        help_text="They can agree in person, on the phone or in writing. If they cannot decide for themselves, someone "
                  "with the legal right to decide for them can agree.",
        error_messages=_required("Select whether the person has agreed to you sharing their details"),
    )

    @property
    def agreed(self) -> bool:
        return self.cleaned_data["consent"] != NOT_YET

    def answers(self) -> dict:
        return {"consent_method": self.cleaned_data["consent"], "consent_given_on": timezone.localdate().isoformat()}

    @classmethod
    def initial_from(cls, draft: dict) -> dict:
        return {"consent": draft["consent_method"]} if "consent_method" in draft else {}


class PersonForm(DraftForm):
    person_name = forms.CharField(label="Full name", max_length=200, error_messages={
        "required": "Enter the person’s full name",
        "max_length": "The person’s name must be 200 characters or fewer",
    })
    date_of_birth = GovukDateField(what="Their date of birth", label="Date of birth (optional)", required=False,
                                   help_text="For example, 27 3 1948")
    contact_method = forms.ChoiceField(
        label="How would they like the provider to contact them?", choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        help_text="Give the phone number, email address or postal address below for the way you choose. "
                  "If the provider should contact them through you, they will use your details.",
        error_messages=_required("Select how the person would like the provider to contact them"),
    )
    phone = PhoneField(label="Phone number", help_text="Needed if they would like a phone call.")
    email = forms.EmailField(label="Email address", required=False, max_length=254,
                             help_text="Needed if they would like an email.",
                             error_messages={"invalid": "Enter an email address in the right format, like "
                                                        "name@example.com"})
    address = forms.CharField(label="Postal address", required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="Needed if they would like a letter.",
                              error_messages={"max_length": "The address must be 500 characters or fewer"})

    NEEDED_FOR = {
        ContactMethod.PHONE: ("phone", "Enter a phone number for the person"),
        ContactMethod.EMAIL: ("email", "Enter an email address for the person"),
        ContactMethod.LETTER: ("address", "Enter a postal address for the person"),
    }

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]  # from 1900 on: GovukDateField's years
        if born is not None and born >= timezone.localdate():
            raise forms.ValidationError("Their date of birth must be in the past", code="future")
        return born

    def clean(self):
        cleaned = super().clean()
        needed = self.NEEDED_FOR.get(cleaned.get("contact_method"))
        if needed is not None:
            name, message = needed
            if name not in self.errors and not cleaned.get(name):
                self.add_error(name, message)
        return cleaned

    def answers(self) -> dict:
        answers = dict(self.cleaned_data)
        born = answers["date_of_birth"]
        answers["date_of_birth"] = born.isoformat() if born else ""
        return answers


class PostcodeForm(DraftForm):
    postcode = forms.CharField(label="What is their postcode?", max_length=20,
                               help_text="So the provider knows whether they cover where the person lives. "
                                         "For example, WR1 2EY",
                               error_messages={"required": "Enter the person’s postcode",
                                               "max_length": "Enter a real postcode, like WR1 2EY"})

    def __init__(self, *args, searched: str = "", **kwargs):
        """`searched`: the postcode this person last searched near, offered when the draft has none yet."""
        super().__init__(*args, **kwargs)
        self.fields["postcode"].widget.attrs.update({"class": "govuk-input--width-10", "autocomplete": "off",
                                                     "spellcheck": "false"})
        if searched and not self.initial.get("postcode"):
            self.initial["postcode"] = searched
            self.fields["postcode"].help_text = (
                f"We have filled in {searched}, the postcode you searched near. Change it if they live somewhere "
                "else. The provider needs it to know whether they cover where the person lives."
            )

    def clean_postcode(self):
        postcode = normalise_postcode(self.cleaned_data["postcode"])
        if postcode is None:
            raise forms.ValidationError("Enter a real postcode, like WR1 2EY", code="invalid")
        return postcode


class NeedsForm(DraftForm):
    what_matters = _long_text("What matters to them?", what="what matters to the person",
                              named="What matters to them",
                              help_text="In their words if you can: what they enjoy, what they would like to do "
                                        "again, who is important to them.")
    support_wanted = _long_text("What support do they want?", what="what support the person wants",
                                named="The support they want",
                                help_text="For example, company at lunch once a week, or help getting to the shops.")


class SafetyForm(DraftForm):
    safety_notes = _long_text(
        "Is there anything the provider must know to work safely?", what="what the provider must know",
        named="What the provider must know", required=False, rows=6,
        help_text="For example, their mobility, health conditions, risks at home, pets, or how best to communicate "
                  "with them. Leave it empty if there is nothing.",
    )


class UrgencyForm(DraftForm):
    urgency = forms.ChoiceField(label="How soon do they need support?", choices=Urgency.choices,
                                widget=forms.RadioSelect,
                                error_messages=_required("Select how soon the person needs support"))


class FundingForm(DraftForm):
    funding = forms.ChoiceField(label="How will the support be paid for?", choices=Funding.choices,
                                widget=forms.RadioSelect,
                                help_text="So the provider knows who to talk to about any cost.",
                                error_messages=_required("Select how the support will be paid for"))


class ReferrerPhoneForm(DraftForm):
    referrer_phone = PhoneField(label="What is your phone number?", required=True,
                                help_text="So the provider can phone you about this referral.",
                                error_messages={"required": "Enter your phone number",
                                                "max_length": "Your phone number must be 40 characters or fewer"})
    text_updates = forms.BooleanField(
        label="Text me as well when the provider accepts or declines it, and when support ends", required=False,
        help_text="We will email you too. The text message gives only the referral’s reference, never the "
                  "person’s details.",
    )

    def __init__(self, *args, last_used: str = "", **kwargs):
        """`last_used`: the number this person gave with their last referral, offered when the draft has none. Texts
        are offered only where the site can send them."""
        super().__init__(*args, **kwargs)
        if not texts_can_be_sent():
            del self.fields["text_updates"]
        if last_used and not self.initial.get("referrer_phone"):
            self.initial["referrer_phone"] = last_used
            self.fields["referrer_phone"].help_text = (
                "So the provider can phone you about this referral. This is the number you gave last time: change "
                "it if it is not the best one now."
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("text_updates") and cleaned.get("referrer_phone") and not is_mobile_number(
            cleaned["referrer_phone"]
        ):
            self.add_error("referrer_phone", "Enter a mobile phone number, like 07700 900 982, to be told by text")
        return cleaned

    def answers(self) -> dict:
        return {"text_updates": False, **self.cleaned_data}


class SendForm(GovukFormMixin, forms.Form):
    """The check page's form: the key that makes sending it twice send it once."""

    non_field_anchor = "send-referral"

    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
