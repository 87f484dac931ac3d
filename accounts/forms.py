"""Forms for signing in, resetting a password, listing an enterprise and inviting people: GOV.UK fields and messages.

Passwords render as the GOV.UK password input (`govuk_field`, core/govuk_fields.py), which never writes back what was
typed; every other field keeps its value when the form has errors.
"""

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.services import (
    LOCKED_OUT_MESSAGE,
    existing_team_refusal,
    normalise_email,
    sign_in_refused,
    unconfirmed_with_password,
    validate_new_password,
)
from core.forms import GovukFormMixin
from core.notifications import queue_email
from enterprises.models import Council, Invitation, StaffMembership

EMAIL_FORMAT_MESSAGE = "Enter an email address in the correct format, like name@example.com"
WRONG_PASSWORD_MESSAGE = "The email address or password is not right. Check them and try again."
UNCONFIRMED_MESSAGE = (
    "Confirm your email address first, with the link in the email we sent you. No email? List your enterprise "
    "again and we will send a new link."
)
PASSWORDS_DIFFER_MESSAGE = "The passwords do not match. Enter the same password twice."


def password_hint() -> str:
    lengths = [
        validator.min_length
        for validator in password_validation.get_default_password_validators()
        if isinstance(validator, MinimumLengthValidator)
    ]
    length = f"Use {max(lengths)} characters or more. " if lengths else ""
    return f"{length}Three random words together are easy to remember and hard to guess."


def email_field(label="Email address", *, required_message="Enter your email address", autocomplete="email",
                help_text=""):
    return forms.EmailField(
        label=label,
        max_length=254,
        help_text=help_text,
        widget=forms.EmailInput(attrs={"autocomplete": autocomplete, "spellcheck": "false", "autocapitalize": "none"}),
        error_messages={"required": required_message, "invalid": EMAIL_FORMAT_MESSAGE},
    )


def password_field(label, *, autocomplete, required_message, help_text=""):
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        error_messages={"required": required_message},
    )


class AccountFormMixin(GovukFormMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An error about the whole form (too many attempts) links to its first field, where the person starts again.
        first = next(iter(self.fields), None)
        if first is not None:
            self.non_field_anchor = self[first].id_for_label

    def refuse(self, refusal) -> None:
        """Too many attempts from this network (enterprises/ratelimits.py): say so above the form."""
        self.add_error(None, refusal.message)


class SignInForm(AccountFormMixin, forms.Form):
    email = email_field()
    password = password_field("Password", autocomplete="current-password", required_message="Enter your password")

    def __init__(self, *args, request=None, refusal=None, **kwargs):
        self.request = request
        self.refusal = refusal  # too many attempts from this network: no password is checked
        self.user = None
        self.failed = False  # an attempt that counts toward the network's rate limit
        super().__init__(*args, **kwargs)

    def clean(self):
        email, password = self.cleaned_data.get("email"), self.cleaned_data.get("password")
        if self.refusal is not None:
            self.refuse(self.refusal)
            return self.cleaned_data
        if not email:
            return self.cleaned_data
        if sign_in_refused(email):  # not even the right password gets in now
            self.failed = True
            self.add_error("email", LOCKED_OUT_MESSAGE)
            return self.cleaned_data
        if not password:
            return self.cleaned_data
        self.user = authenticate(self.request, email=email, password=password)
        if self.user is None:
            self.failed = True
            if sign_in_refused(email):  # that was the failure that locks the account
                self.add_error("email", LOCKED_OUT_MESSAGE)
            elif unconfirmed_with_password(email, password):
                self.add_error("email", UNCONFIRMED_MESSAGE)
            else:
                self.add_error("password", WRONG_PASSWORD_MESSAGE)
        return self.cleaned_data


class NewPasswordMixin:
    """`password` and `password_confirm`, checked by AUTH_PASSWORD_VALIDATORS against the email and name given."""

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            try:
                validate_new_password(
                    password, email=self.new_account_email(), name=self.cleaned_data.get("name", "")
                )
            except ValidationError as error:
                raise ValidationError(" ".join(error.messages)) from error  # one message per field
        return password

    def clean_password_confirm(self):
        password, confirm = self.cleaned_data.get("password"), self.cleaned_data.get("password_confirm")
        if password and confirm and password != confirm:
            raise ValidationError(PASSWORDS_DIFFER_MESSAGE)
        return confirm

    def new_account_email(self) -> str:
        return self.cleaned_data.get("email") or ""


def name_field():
    return forms.CharField(
        label="Your full name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"required": "Enter your full name"},
    )


def new_password_fields():
    return (
        password_field(
            "Create a password", autocomplete="new-password", required_message="Create a password",
            help_text=password_hint(),
        ),
        password_field("Confirm your password", autocomplete="new-password", required_message="Confirm your password"),
    )


class ListingForm(AccountFormMixin, forms.Form):
    """The enterprise part of “List your enterprise”: all a signed-in person is asked."""

    enterprise_name = forms.CharField(
        label="Name of your enterprise",
        max_length=200,
        help_text="The name people know you by. If you work on your own, this can be your own name.",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={"required": "Enter the name of your enterprise"},
    )
    council = forms.ModelChoiceField(
        label="Which council area do you work in?",
        queryset=Council.objects.all(),
        empty_label="Choose a council",
        error_messages={
            "required": "Choose the council area you work in",
            "invalid_choice": "Choose a council from the list",
        },
    )
    summary = forms.CharField(
        label="What does your enterprise do?",
        max_length=300,
        help_text="In one sentence. For example, “A lunch club for older people in Evesham, every Tuesday.” "
        "You can add more detail later.",
        error_messages={
            "required": "Enter a sentence about what your enterprise does",
            "max_length": "What your enterprise does must be 300 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        councils = list(Council.objects.all()[:2])
        if len(councils) == 1:
            self.fields["council"].empty_label = None
            self.fields["council"].initial = councils[0].pk


class ListYourEnterpriseForm(NewPasswordMixin, ListingForm):
    """A new provider: their account, and their enterprise's draft listing."""

    name = name_field()
    email = email_field(help_text="You will use this to sign in. We will also tell you about your listing here.")
    password, password_confirm = new_password_fields()

    field_order = ["name", "email", "password", "password_confirm", "enterprise_name", "council", "summary"]

    def clean_email(self):
        # Whether an account has this address is not said here: the email we send says it (accounts/services.py).
        return normalise_email(self.cleaned_data["email"])


class InvitationForm(GovukFormMixin, forms.Form):
    email = email_field(
        required_message="Enter the email address of the person you are inviting",
        autocomplete="off",
        help_text="We will send the invitation to this address.",
    )
    role = forms.ChoiceField(
        label="What will they do?",
        widget=forms.RadioSelect,
        choices=[
            (Invitation.Role.STAFF, "Work for the council: review and approve listings"),
            (Invitation.Role.REFERRER, "Refer people to services, as a referrer"),
        ],
        error_messages={"required": "Choose whether they will work for the council or refer people"},
    )
    organisation = forms.CharField(
        label="Referrer’s organisation or team",
        max_length=200,
        required=False,
        help_text="Only for referrers, to start a new team. For example, “Worcestershire Adult Social Care – Wyre "
        "Forest team”. People join a team that already has members when someone in it invites them.",
    )

    def __init__(self, *args, council: Council, **kwargs):
        self.council = council
        super().__init__(*args, **kwargs)

    def clean(self):
        email, role = self.cleaned_data.get("email"), self.cleaned_data.get("role")
        organisation = " ".join(self.cleaned_data.get("organisation", "").split())
        self.cleaned_data["organisation"] = organisation
        if role == Invitation.Role.REFERRER and not organisation:
            self.add_error("organisation", "Enter the name of the referrer’s organisation or team")
        if not email or not role:
            return self.cleaned_data
        own_staff = StaffMembership.objects.filter(council=self.council, user__email__iexact=email).exists()
        if role == Invitation.Role.STAFF:
            # Staff of another council are not named here: that is for the person invited to find out.
            if own_staff:
                self.add_error("email", f"{email} is already on the staff of your council")
        elif own_staff:
            self.add_error("email", f"{email} is on your council’s staff. Council staff cannot also be referrers")
        elif organisation:
            refusal = existing_team_refusal(self.council, organisation)
            if refusal:
                self.add_error("organisation", refusal)
        return self.cleaned_data


class AcceptInvitationForm(NewPasswordMixin, AccountFormMixin, forms.Form):
    name = name_field()
    password, password_confirm = new_password_fields()

    def __init__(self, *args, invitation: Invitation, **kwargs):
        self.invitation = invitation
        super().__init__(*args, **kwargs)

    def new_account_email(self) -> str:
        return self.invitation.email


class PasswordResetForm(AccountFormMixin, auth_forms.PasswordResetForm):
    email = email_field(help_text="The email address you sign in with.")

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        """Queued like every other email (core/notifications.py), rather than sent while the person waits."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        path = reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        queue_email(to_email, subject, body, kind="password_reset",
                    fields={"link": f"{context['protocol']}://{context['domain']}{path}"})


class SetPasswordForm(AccountFormMixin, auth_forms.SetPasswordForm):
    """Choose a new password after following the link in a password-reset email."""

    new_password1, new_password2 = (
        password_field(
            "New password", autocomplete="new-password", required_message="Enter a new password",
            help_text=password_hint(),
        ),
        password_field(
            "Confirm your new password", autocomplete="new-password", required_message="Confirm your new password"
        ),
    )

    def clean_new_password1(self):
        password = self.cleaned_data.get("new_password1")
        if password:
            try:
                password_validation.validate_password(password, self.user)
            except ValidationError as error:
                raise ValidationError(" ".join(error.messages)) from error  # one message per field
        return password

    def clean_new_password2(self):
        password, confirm = self.cleaned_data.get("new_password1"), self.cleaned_data.get("new_password2")
        if password and confirm and password != confirm:
            raise ValidationError(PASSWORDS_DIFFER_MESSAGE)
        return confirm

    def clean(self):  # the checks above put each message beside its own field
        return self.cleaned_data



class TeamInvitationForm(GovukFormMixin, forms.Form):
    """A referrer invites a colleague into one of their teams."""

    email = email_field(
        label="Your colleague’s email address",
        required_message="Enter the email address of the colleague you are inviting",
        autocomplete="off",
        help_text="We will send the invitation to this address. It should be their work address.",
    )
    team = forms.ModelChoiceField(
        label="Which team are you inviting them to?",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the team", "invalid_choice": "Choose one of your teams"},
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if len(teams) == 1:
            self.fields["team"].initial = teams[0].pk
            self.fields["team"].widget = forms.HiddenInput()

    def clean(self):
        email, team = self.cleaned_data.get("email"), self.cleaned_data.get("team")
        if email and team and team.members.filter(email__iexact=email).exists():
            self.add_error("email", f"{email} is already in {team.name}")
        return self.cleaned_data
