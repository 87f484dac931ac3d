"""Council staff's decisions on listings and their changes: each form is one action on the review page; and the
form of a synonym (words people use).

Each decision form has a prefix, so that several forms on one page keep their fields' ids apart, and each one's
non-field errors (a transition that was refused) link to the part of the page that shows the listing's status.
"""

import re

from django import forms
from django.utils import timezone

from core.dates import long_date
from core.forms import GovukDateField, GovukFormMixin
from enterprises.checks import checks_needed, missing_checks, named_checks, needed_by_type
from enterprises.models import Enterprise, EnterpriseCheck, Synonym, next_review_due, read_as_search_words


class CouncilForm(GovukFormMixin, forms.Form):
    #: Where the error summary sends a person for an error that belongs to no field.
    status_anchor = "listing-status"

    def error_summary(self):
        return [(anchor or self.status_anchor, message) for anchor, message in super().error_summary()]


def _required_text(label: str, message: str, *, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, help_text=help_text, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
        error_messages={"required": message, "max_length": "Keep it under 5,000 characters"},
    )


def _optional_text(label: str, *, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, help_text=help_text, required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
        error_messages={"max_length": "Keep it under 5,000 characters"},
    )


def check_choices(enterprise: Enterprise, services=None) -> list[tuple[str, str]]:
    """The checks staff may record for this listing, each with what the provider told the council.

    CQC registration is offered only where one of its services gives a CQC number.
    """
    Kind = EnterpriseCheck.Kind
    services = list(enterprise.services.all() if services is None else services)
    insurance = "Public liability insurance"
    if enterprise.insurance_expires_on:
        insurance += f" (the provider says it expires on {long_date(enterprise.insurance_expires_on)})"
    dbs = "DBS checks"
    if enterprise.dbs_answer:
        dbs += f" (the provider says: “{enterprise.get_dbs_answer_display()}”)"
    safeguarding = "Safeguarding policy"
    if enterprise.has_safeguarding_policy is not None:
        safeguarding += " (the provider says they have one)" if enterprise.has_safeguarding_policy else (
            " (the provider says they do not have one)"
        )
    choices = [(Kind.INSURANCE, insurance), (Kind.DBS, dbs), (Kind.SAFEGUARDING, safeguarding)]
    numbers = sorted({service.cqc_registration for service in services if service.cqc_registration})
    if numbers:
        choices.append((Kind.CQC, f"CQC registration ({', '.join(numbers)})"))
    choices.append((Kind.QUALITY_STANDARD, "Local quality standard"))
    return choices


class ChecksAndReviewDateForm(CouncilForm):
    checks = forms.MultipleChoiceField(
        label="What you have checked", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Select each thing you have seen evidence of. The public page shows each one with today’s date.",
    )
    review_due_on = GovukDateField(
        label="Next review date", what="The next review date",
        help_text="For example, 27 3 2027. Usually a year from today.",
    )

    def __init__(self, *args, enterprise: Enterprise, services=None, **kwargs):
        kwargs.setdefault(
            "initial", {"review_due_on": next_review_due()}
        )
        super().__init__(*args, **kwargs)
        self.fields["checks"].choices = check_choices(enterprise, services)

    def clean_review_due_on(self):
        value = self.cleaned_data["review_due_on"]
        if value <= timezone.localdate():
            raise forms.ValidationError("The next review date must be in the future")
        return value


class ApproveForm(ChecksAndReviewDateForm):
    """Approving asks for a reason when the checks ticked, with those already recorded, leave out any that the
    listing's types of support need (enterprises/checks.py; `enterprises.listings.approve_listing` has the final
    word). `needs` and `missing` say which, for the page."""

    missing_checks_reason = _optional_text(
        "Reason to approve without every check it needs",
        help_text="Only if you have not ticked every check it needs. Kept in the listing’s history. The public page "
                  "says which checks were not made.",
    )
    message = _optional_text("Note (optional)", help_text="Kept in the listing’s history. We email the provider to "
                             "say their listing is published.")
    field_order = ["checks", "missing_checks_reason", "review_due_on", "message"]

    def __init__(self, *args, enterprise: Enterprise, services=None, **kwargs):
        super().__init__(*args, enterprise=enterprise, services=services, **kwargs)
        self.enterprise = enterprise
        self.services = list(enterprise.services.all() if services is None else services)
        needs = needed_by_type(enterprise, self.services) or [("Any type of support", checks_needed([]))]
        self.needs = [(type_name, named_checks(kinds)) for type_name, kinds in needs if kinds]
        self.missing = missing_checks(enterprise, services=self.services)
        self.missing_named = named_checks(self.missing)
        offered = {value for value, _label in self.fields["checks"].choices}
        self.cannot_be_ticked = [kind for kind in self.missing if kind not in offered]
        if not self.missing:
            del self.fields["missing_checks_reason"]

    def clean(self):
        cleaned = super().clean()
        if self.missing and "checks" in cleaned and not cleaned.get("missing_checks_reason"):
            still = missing_checks(self.enterprise, checking=cleaned["checks"], services=self.services)
            if still:
                self.add_error("missing_checks_reason", f"Enter why you are approving it without {named_checks(still)}"
                                                        f", or tick them if you have checked them")
        return cleaned


class MarkReviewedForm(ChecksAndReviewDateForm):
    pass


class RequestChangesForm(CouncilForm):
    message = _required_text(
        "What the provider needs to change", "Enter what the provider needs to change",
        help_text="We email this to the provider. Say what to change and why.",
    )


class RejectForm(CouncilForm):
    reason = _required_text(
        "Reason for rejecting the listing", "Enter the reason for rejecting the listing",
        help_text="We email this to the provider.",
    )


class SuspendForm(CouncilForm):
    reason = _required_text(
        "Reason for suspending the listing", "Enter the reason for suspending the listing",
        help_text="We email this to the provider. The public will not see the listing until you reinstate it.",
    )


class ArchiveForm(CouncilForm):
    reason = _required_text(
        "Reason for archiving the listing", "Enter the reason for archiving the listing",
        help_text="We email this to the provider. An archived listing cannot be published again.",
    )


class ReinstateForm(CouncilForm):
    message = _optional_text("Message to the provider (optional)",
                             help_text="We include it in the email that tells them their listing is published again.")


class ApproveRevisionForm(CouncilForm):
    message = _optional_text("Note (optional)", help_text="Kept in the listing’s history. We email the provider to "
                             "say their changes are live.")


class RejectRevisionForm(CouncilForm):
    reason = _required_text(
        "Reason for rejecting the changes", "Enter the reason for rejecting the changes",
        help_text="We email this to the provider. The public keeps seeing the listing as it was.",
    )



# Words people use ---------------------------------------------------------------------------------------------------

SYNONYM_LENGTH = Synonym._meta.get_field("words").max_length
# What the search would leave out when it reads a minus sign: a "!" outside the quoted words of a tsquery's text.
_QUOTED = re.compile(r"'(?:[^']|'')*'")


def _words_field(label: str, help_text: str, required: str) -> forms.CharField:
    return forms.CharField(
        label=label, help_text=help_text, max_length=SYNONYM_LENGTH,
        error_messages={"required": required, "max_length": f"Keep it under {SYNONYM_LENGTH} characters"},
    )


class SynonymForm(GovukFormMixin, forms.Form):
    """A synonym of the staff member's council: the words as people type them, and what they should also find.
    Both are read as the search reads words typed into it (`read_as_search_words`), and must mean something to it."""

    words = _words_field(
        "Words people search for",
        "One word or a few, as people type them. For example, day centre",
        "Enter the words people search for",
    )
    also_find = _words_field(
        "Also find services that match",
        "The words your listings use. A search for the words above will also find what a search for these finds. "
        "For example, day club",
        "Enter the words a search for them should also find",
    )

    def __init__(self, *args, council, synonym: Synonym | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.council, self.synonym = council, synonym

    def clean_words(self):
        return " ".join(self.cleaned_data["words"].split())

    def clean_also_find(self):
        return " ".join(self.cleaned_data["also_find"].split())

    def clean(self):
        words, also_find = self.cleaned_data.get("words"), self.cleaned_data.get("also_find")
        typed = {name: text for name, text in (("words", words), ("also_find", also_find)) if text}
        readings = dict(zip(typed, read_as_search_words(*typed.values()), strict=True))
        for name, reading in readings.items():
            if not reading:
                self.add_error(name, f"The search ignores words as common as “{typed[name]}”. Enter other words")
            elif "!" in _QUOTED.sub("", reading):
                self.add_error(name, "Take out the minus sign: the search would leave out what follows it")
        if self.errors or len(readings) < 2:
            return self.cleaned_data
        if readings["words"] == readings["also_find"]:
            self.add_error("also_find", "Enter different words: the search already reads these as the words above")
        elif self._taken(words, also_find):
            self.add_error("also_find", f"A search for “{words}” already finds “{also_find}”")
        return self.cleaned_data

    def _taken(self, words: str, also_find: str) -> bool:
        same = Synonym.objects.filter(council=self.council, words__iexact=words, also_find__iexact=also_find)
        if self.synonym is not None:
            same = same.exclude(pk=self.synonym.pk)
        return same.exists()
