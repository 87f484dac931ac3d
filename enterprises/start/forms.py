"""The enquiry form of "Start a community micro-enterprise": anyone may send it, without an account."""

from django import forms
from django.conf import settings

from core.forms import GovukFormMixin, SubmissionKeyField
from enterprises.models import Area, Council
from enterprises.provider.forms import PhoneField

IDEA_MAX_LENGTH = 2000
EMAIL_OR_PHONE = "Enter an email address or a phone number, so the council can contact you"


def area_choices() -> list[tuple[str, str]]:
    """Every council's areas; with more than one council on the site, each says whose it is."""
    areas = list(Area.objects.select_related("council").order_by("council__name", "name", "pk"))
    several = Council.objects.count() > 1
    return [("", "Choose an area"), *(
        (str(area.pk), f"{area.name} ({area.council.name})" if several else area.name) for area in areas
    )]


class EnquiryForm(GovukFormMixin, forms.Form):
    idea = forms.CharField(
        label="What is your idea?",
        help_text="For example, a lunch club in the village hall, help with gardening, or visiting people at home",
        max_length=IDEA_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your idea",
                        "max_length": f"Your idea must be {IDEA_MAX_LENGTH} characters or fewer"},
    )
    area = forms.ChoiceField(
        label="Where would it be?",
        help_text="The area where you would run it",
        error_messages={"required": "Choose the area where you would run it",
                        "invalid_choice": "Choose the area where you would run it"},
    )
    who_it_would_support = forms.CharField(
        label="Who would it support?",
        help_text="For example, older people living alone, carers, or adults with a learning disability",
        max_length=IDEA_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter who it would support",
                        "max_length": f"Who it would support must be {IDEA_MAX_LENGTH} characters or fewer"},
    )
    name = forms.CharField(
        label="Your name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"required": "Enter your name", "max_length": "Your name must be 200 characters or fewer"},
    )
    email = forms.EmailField(
        label="Email address (optional if you give a phone number)",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com",
                        "max_length": "Enter an email address in the correct format, like name@example.com"},
    )
    phone = PhoneField(
        label="Phone number (optional if you give an email address)",
        error_messages={"max_length": "Enter a phone number, like 01632 960 001 or 07700 900 982"},
    )
    consent = forms.BooleanField(
        label="I agree that the council may contact me about my idea",
        error_messages={
            "required": "Tick the box to agree that the council may contact you: we cannot help without it"
        },
    )
    submission = SubmissionKeyField()  # sending the same form twice makes one enquiry

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices()
        self.non_field_anchor = "id_idea"
        months = settings.ENQUIRY_RETENTION_MONTHS
        self.fields["consent"].help_text = (
            f"Only the council’s staff who help people start see your details. We erase them {months} month"
            f"{'' if months == 1 else 's'} after your enquiry ends"
        )

    def clean_area(self) -> Area:
        try:
            return Area.objects.get(pk=int(self.cleaned_data["area"]))
        except (Area.DoesNotExist, ValueError):
            raise forms.ValidationError("Choose the area where you would run it") from None

    def clean(self):
        cleaned = super().clean()
        if not self.has_error("email") and not self.has_error("phone") and not (
            cleaned.get("email") or cleaned.get("phone")
        ):
            self.add_error("email", EMAIL_OR_PHONE)
        return cleaned

    def refuse(self, refusal) -> None:
        """Too many enquiries from this network (enterprises/ratelimits.py): say so above the form."""
        self.add_error(None, refusal.message)
