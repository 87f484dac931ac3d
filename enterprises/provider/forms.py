"""The provider's forms: one per section of the task list, plus capacity and the yearly figures.

While a listing is a draft, every section may be saved unfinished: the only required answer is a service's name
(and the enterprise's name, which a listing always has). What a listing needs before it is sent is checked by
`enterprises.completeness.missing_for_submission`, not here. These forms only refuse answers that are wrong.
"""

import datetime
import re
from decimal import Decimal

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone

from core.dates import govuk_time
from core.forms import GovukDateField, GovukFormMixin
from enterprises.models import (
    MAX_COVERAGE_MILES,
    Area,
    Capacity,
    Category,
    ClientGroup,
    CostType,
    Delivery,
    Enterprise,
    Postcode,
    WayToPay,
    Weekday,
)
from enterprises.postcodes import normalise_postcode


class ProviderForm(GovukFormMixin, forms.Form):
    """A form whose fields (apart from any listed in `extra_fields`) are fields of the listing."""

    extra_fields: tuple[str, ...] = ()

    def values(self) -> dict:
        """The listing's fields from the cleaned data, as `revisions.save_*` takes them."""
        return {name: value for name, value in self.cleaned_data.items() if name not in self.extra_fields}


# Fields -------------------------------------------------------------------------------------------------------------


class PostcodeField(forms.CharField):
    """A real GB postcode, normalised ("wr12ey" → "WR1 2EY"), which must be in the Postcode table."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"class": "govuk-input--width-10", "autocomplete": "postal-code",
                                  "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        postcode = normalise_postcode(value)
        if postcode is None:
            raise forms.ValidationError("Enter a real postcode, like WR1 2EY", code="invalid")
        if not Postcode.objects.filter(pk=postcode).exists():
            raise forms.ValidationError("We could not find that postcode. Check it and try again", code="unknown")
        return postcode


class MoneyField(forms.DecimalField):
    """An amount in pounds: "£25", "25.50" and "1,200" all work."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 7)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("error_messages", {
            "invalid": "Enter the amount in pounds, like 25 or 12.50",
            "min_value": "The amount must be 0 or more",
            "max_digits": "Enter an amount less than £100,000",
            "max_whole_digits": "Enter an amount less than £100,000",
            "max_decimal_places": "Enter the amount in pounds and pence, like 12.50",
        })
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal",
                                             "spellcheck": "false"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("£", "").replace(",", "").strip()
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        return value


TIME_PATTERN = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")


def parse_time(text: str) -> datetime.time | None:
    """What people type for a time: "10am", "10:30am", "10.30 pm", "14:30", "1430", "2pm", "midday"."""
    text = text.strip().lower()
    if text in {"midday", "noon", "12 noon", "12noon"}:
        return datetime.time(12, 0)
    if text == "midnight":
        return datetime.time(0, 0)
    match = TIME_PATTERN.match(text)
    if match is None:
        return None
    hour, minute, suffix = int(match[1]), int(match[2] or 0), (match[3] or "").replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


class LenientTimeField(forms.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false"})

    def to_python(self, value):
        if isinstance(value, datetime.time) or value in self.empty_values:
            return value or None
        parsed = parse_time(str(value))
        if parsed is None:
            raise forms.ValidationError(f"Enter {self.label[:1].lower()}{self.label[1:]} as a time, like 10am or "
                                        f"2:30pm", code="invalid")
        return parsed

    def prepare_value(self, value):
        return govuk_time(value) if isinstance(value, datetime.time) else value


PHONE_PATTERN = re.compile(r"^\+?[0-9 ()\-]+$")


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.input_type = "tel"
        self.widget.attrs.update({"class": "govuk-input--width-20", "autocomplete": "tel"})

    def clean(self, value):
        value = super().clean(value)
        if value and (not PHONE_PATTERN.match(value) or not 10 <= len(re.sub(r"\D", "", value)) <= 15):
            raise forms.ValidationError("Enter a phone number, like 01632 960 001 or 07700 900 982", code="invalid")
        return value


def is_mobile_number(value: str) -> bool:
    """A UK mobile number (07…, +44 7… or 0044 7…), which can receive text messages."""
    digits = re.sub(r"\D", "", value)
    for international in ("0044", "44"):
        if value.strip().startswith(("+", "00")) and digits.startswith(international):
            digits = "0" + digits.removeprefix(international).removeprefix("0")  # +44 (0)7700 …
            break
    return re.fullmatch(r"07\d{9}", digits) is not None


def _checkboxes(choices, label, help_text=""):
    return forms.MultipleChoiceField(choices=choices, label=label, help_text=help_text, required=False,
                                     widget=forms.CheckboxSelectMultiple)


def _radios(choices, label, help_text=""):
    return forms.ChoiceField(choices=choices, label=label, help_text=help_text, required=False,
                             widget=forms.RadioSelect)


# The enterprise -----------------------------------------------------------------------------------------------------


class AboutForm(ProviderForm):
    name = forms.CharField(label="Name of your enterprise", max_length=200,
                           error_messages={"required": "Enter the name of your enterprise"})
    summary = forms.CharField(
        label="Summary", max_length=300, required=False,
        help_text="One or two sentences about what you do, for search results. Up to 300 characters.",
        error_messages={"max_length": "The summary must be 300 characters or fewer"},
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Tell people about your enterprise: who you are, what you do and what makes you different.",
    )
    legal_form = _radios(Enterprise.LegalForm.choices, "What kind of organisation are you?")


class ContactForm(ProviderForm):
    contact_name = forms.CharField(label="Contact person", max_length=200, required=False,
                                   help_text="The person people should ask for.")
    phone = PhoneField(label="Phone number")
    email = forms.EmailField(label="Email address", required=False,
                             error_messages={"invalid": "Enter an email address in the right format, like "
                                                        "name@example.com"})
    website = forms.URLField(label="Website", required=False, assume_scheme="https", max_length=200,
                             error_messages={"invalid": "Enter a website address in the right format, like "
                                                        "www.example.org"})
    # A link people can open in their browser: no ftp://, and nothing else Django's default would let through.
    website.validators = [URLValidator(schemes=["http", "https"], message=website.error_messages["invalid"])]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.fields["website"].widget.attrs.update({"spellcheck": "false"})


class DocumentsForm(ProviderForm):
    insurance_expires_on = GovukDateField(
        label="When does your public liability insurance run out?", required=False, what="The expiry date",
    )
    dbs_answer = _radios(
        Enterprise.DbsAnswer.choices, "Do the people who work with people have DBS checks?",
        help_text="A DBS check shows whether someone has a criminal record.",
    )
    has_safeguarding_policy = forms.TypedChoiceField(
        label="Do you have a safeguarding policy?", required=False, widget=forms.RadioSelect,
        choices=[("True", "Yes"), ("False", "No")], coerce=lambda value: value == "True", empty_value=None,
        help_text="A safeguarding policy says how you keep the people you support safe from harm and abuse.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        next_year = timezone.localdate().year + 1
        self.fields["insurance_expires_on"].help_text = (
            f"The end date on your insurance certificate. For example, 31 3 {next_year}"
        )


# Services -----------------------------------------------------------------------------------------------------------


class ServiceDetailsForm(ProviderForm):
    name = forms.CharField(label="Name of the service", max_length=200,
                           error_messages={"required": "Enter the name of the service"})
    summary = forms.CharField(
        label="Summary", max_length=300, required=False,
        help_text="One or two sentences, shown in search results. Up to 300 characters.",
        error_messages={"max_length": "The summary must be 300 characters or fewer"},
    )
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text="What happens, what people get from it, and anything they should know.")
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.all(), label="Types of support", required=False,
        widget=forms.CheckboxSelectMultiple, help_text="Select all that apply.",
    )
    client_groups = forms.ModelMultipleChoiceField(
        queryset=ClientGroup.objects.all(), label="Who is it for?", required=False,
        widget=forms.CheckboxSelectMultiple, help_text="Select all that apply. Leave empty if it is for anyone.",
    )
    delivery = _checkboxes(Delivery.choices, "How is it delivered?", "Select all that apply.")


class ServiceAddForm(ServiceDetailsForm):
    """The details of a new service, with a one-time token so that sending it twice adds it once."""

    extra_fields = ("form_token",)
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)


class ServiceWhereForm(ProviderForm):
    venue_name = forms.CharField(label="Name of the venue", max_length=200, required=False,
                                 help_text="For example, Priory Church Hall.")
    venue_address = forms.CharField(label="Address of the venue", required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    venue_postcode = PostcodeField(label="Postcode of the venue")
    coverage_postcode = PostcodeField(
        label="Postcode you travel from",
        help_text="If you visit people at home: where you start from. We do not show it to the public.",
    )
    coverage_radius_miles = forms.IntegerField(
        label="How far do you travel, in miles?", required=False, min_value=1, max_value=MAX_COVERAGE_MILES,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the distance as a whole number of miles, like 5",
            "min_value": "Enter a distance of at least 1 mile",
            "max_value": f"Enter a distance of {MAX_COVERAGE_MILES} miles or less",
        },
    )
    coverage_areas = forms.ModelMultipleChoiceField(
        queryset=Area.objects.none(), label="Areas you cover", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="If you visit people at home: select the places you go to, as well as or instead of a distance.",
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coverage_areas"].queryset = Area.objects.filter(council=council)


class ServiceCostsForm(ProviderForm):
    cost_type = _radios(CostType.choices, "How much does it cost?")
    cost_amount = MoneyField(
        label="Amount, in pounds", help_text="Per hour, session, day or week, as you chose above; or the suggested "
                                             "donation.",
    )
    cost_note = forms.CharField(label="Anything else about the cost", max_length=300, required=False,
                                help_text="For example, lunch costs £4 extra.")
    ways_to_pay = _checkboxes(WayToPay.choices, "Ways to pay", "Select all that apply.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cost_type"].choices = [
            (value, label if value in {CostType.FREE, CostType.DONATION} else f"An amount {label}")
            for value, label in CostType.choices
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("cost_type") == CostType.FREE:
            cleaned["cost_amount"] = None  # an amount left in the box means nothing for a free service
        return cleaned


class ServiceWhenForm(ProviderForm):
    days = _checkboxes(Weekday.choices, "Which days does it run?", "Select all that apply.")
    opens_at = LenientTimeField(label="Start time", help_text="For example, 10am or 14:30")
    closes_at = LenientTimeField(label="End time", help_text="For example, 3pm or 15:00")
    schedule_note = forms.CharField(label="Anything else about when it runs", max_length=300, required=False,
                                    help_text="For example, the first Tuesday of the month, or term time only.")

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The end time must be after the start time")
        return cleaned


CQC_PATTERN = re.compile(r"^1-\d{6,12}$")


def _yes_no_not_known(label, help_text=""):
    """Yes, no, or "I do not know", which is kept as not known (None) and is what the question shows until answered."""
    return forms.TypedChoiceField(
        label=label, help_text=help_text, required=False, widget=forms.RadioSelect,
        choices=[("True", "Yes"), ("False", "No"), ("", "I do not know")], coerce=lambda value: value == "True",
        empty_value=None, error_messages={"invalid_choice": "Select yes, no or I do not know"},
    )


class ServiceAccessibilityForm(ProviderForm):
    step_free_access = _yes_no_not_known(
        "Is there step-free access?", "A level entrance, a ramp or a lift, so that someone in a wheelchair can get in.",
    )
    hearing_loop = _yes_no_not_known("Is there a hearing loop?")
    accessible_toilet = _yes_no_not_known("Is there an accessible toilet?")
    languages = forms.CharField(label="Languages spoken", max_length=200, required=False,
                                help_text="For example, English, Polish and British Sign Language.")
    accessibility_note = forms.CharField(label="Anything else about accessibility", max_length=500, required=False,
                                         widget=forms.Textarea(attrs={"rows": 3}))
    cqc_registration = forms.CharField(
        label="CQC registration number", max_length=20, required=False,
        help_text="Only if this service gives personal care, like help with washing, dressing or taking medicines. "
                  "It looks like 1-123456789.",
    )

    def __init__(self, *args, needs_cqc=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["cqc_registration"]
        field.widget.attrs.update({"class": "govuk-input--width-20", "spellcheck": "false"})
        if needs_cqc:
            field.help_text = ("This service gives personal care, so the council needs its CQC registration number "
                               "before it can be listed. It looks like 1-123456789.")

    def clean_cqc_registration(self):
        value = re.sub(r"\s+", "", self.cleaned_data["cqc_registration"])
        if value and not CQC_PATTERN.match(value):
            raise forms.ValidationError("Enter a CQC registration number in the right format, like 1-123456789")
        return value


# Straight to the live listing, no approval ---------------------------------------------------------------------------


class CapacityForm(GovukFormMixin, forms.Form):
    capacity = forms.ChoiceField(
        choices=[(value, label) for value, label in Capacity.choices if value != Capacity.NOT_KNOWN],
        widget=forms.RadioSelect, error_messages={"required": "Select whether the service is taking new people"},
    )

    def __init__(self, *args, service, **kwargs):
        kwargs.setdefault("auto_id", f"capacity-{service.pk}-%s")
        if service.capacity != Capacity.NOT_KNOWN:
            kwargs.setdefault("initial", {"capacity": service.capacity})
        super().__init__(*args, **kwargs)
        self.service = service
        self.fields["capacity"].label = f"Is {service.name} taking new people?"


class FiguresForm(ProviderForm):
    people_supported = forms.IntegerField(
        label="How many people did you support in the last 12 months?", min_value=0, max_value=1_000_000,
        error_messages={"required": "Enter how many people you supported, or 0",
                        "invalid": "Enter the number of people as a whole number, like 25",
                        "min_value": "The number of people must be 0 or more",
                        "max_value": "Enter a number less than 1,000,000"},
    )
    paid_staff = forms.IntegerField(
        label="How many paid staff do you have, including yourself?", min_value=0, max_value=10_000,
        error_messages={"required": "Enter how many paid staff you have, or 0",
                        "invalid": "Enter the number of paid staff as a whole number, like 2",
                        "min_value": "The number of paid staff must be 0 or more",
                        "max_value": "Enter a number less than 10,000"},
    )
    volunteers = forms.IntegerField(
        label="How many volunteers help you?", min_value=0, max_value=100_000,
        error_messages={"required": "Enter how many volunteers help you, or 0",
                        "invalid": "Enter the number of volunteers as a whole number, like 3",
                        "min_value": "The number of volunteers must be 0 or more",
                        "max_value": "Enter a number less than 100,000"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget = forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"})
