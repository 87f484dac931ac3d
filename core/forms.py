"""Design-system form fields: each field renders its own GOV.UK Frontend component."""

import datetime
import uuid

from django import forms


class GovukDateInput(forms.MultiWidget):
    """The GOV.UK date input: three boxes, day, month and year (rendered by components/fields/date.html)."""

    def __init__(self, attrs=None):
        part = {"inputmode": "numeric"}
        super().__init__(
            {"day": forms.TextInput(part), "month": forms.TextInput(part), "year": forms.TextInput(part)}, attrs
        )

    def decompress(self, value):
        if isinstance(value, str) and value:
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        return [value.day, value.month, value.year] if value else [None, None, None]

    def id_for_label(self, id_):
        """The day box: where the error summary's link takes the person."""
        return f"{id_}_0" if id_ else ""


class SubmissionKeyField(forms.CharField):
    """A form's hidden key, a new random one each time the form is shown, so that sending the same form twice makes
    one record. Cleaned, it is a UUID; a missing or garbled one (nobody's browser sends that) is a new key."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, initial=uuid.uuid4, **kwargs)

    def clean(self, value) -> uuid.UUID:
        try:
            return uuid.UUID(super().clean(value))
        except ValueError:
            return uuid.uuid4()


class GovukDateField(forms.Field):
    """A date typed into a GovukDateInput, with the GOV.UK date input's error messages.

    `what` names the date in those messages: "The expiry date must include a month". Whatever is typed, the answer
    is a date or one of those messages, never a server error. The year must be from `earliest_year` to `latest_year`:
    nothing we ask about is earlier or later, and a date at the end of the calendar (31 12 9999) has no day after it
    for the reports to count to.
    """

    widget = GovukDateInput
    earliest_year = 1900
    latest_year = 2100

    def __init__(self, *, what="The date", **kwargs):
        self.what = what
        kwargs.setdefault("error_messages", {}).setdefault("required", f"Enter {what[:1].lower()}{what[1:]}")
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or isinstance(value, datetime.date):
            return value or None
        parts = [str(part or "").strip() for part in value]
        if not any(parts):
            return None
        missing = [name for name, part in zip(["day", "month", "year"], parts) if not part]
        if missing:
            raise forms.ValidationError(f"{self.what} must include a {' and a '.join(missing)}", code="incomplete")
        day, month, year = parts
        if not all(part.isdecimal() for part in parts):  # what int() reads: isdigit() would let "²" through
            raise forms.ValidationError(f"{self.what} must be a real date, in numbers", code="invalid")
        if len(year) != 4:
            raise forms.ValidationError(f"The year must include 4 numbers, like {datetime.date.today().year}",
                                        code="invalid")
        if not self.earliest_year <= int(year) <= self.latest_year:
            raise forms.ValidationError(
                f"{self.what} must be between 1 January {self.earliest_year} and 31 December {self.latest_year}",
                code="out_of_range",
            )
        try:
            return datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):  # no such day, or a number no day or month has (99999999999999999999)
            raise forms.ValidationError(f"{self.what} must be a real date", code="invalid") from None


FIELD_TEMPLATES = {
    forms.CheckboxSelectMultiple: "components/fields/checkboxes.html",
    forms.RadioSelect: "components/fields/radios.html",
    forms.CheckboxInput: "components/fields/checkbox.html",
    forms.Select: "components/fields/select.html",
    forms.Textarea: "components/fields/textarea.html",
    GovukDateInput: "components/fields/date.html",
}


class GovukFormMixin:
    """Give every field the template of its component, and keep error messages in GOV.UK style."""

    template_name_for_field = "components/fields/input.html"
    #: Where the error summary links an error that belongs to no field: the id of the part of the page it is about.
    non_field_anchor = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.template_name = next(
                (template for widget, template in FIELD_TEMPLATES.items() if type(field.widget) is widget),
                self.template_name_for_field,
            )

    def error_summary(self):
        """(anchor, message) pairs for the error summary, in the order the fields appear."""
        items = []
        for name, errors in self.errors.items():
            bound = self[name] if name in self.fields else None
            anchor = bound.id_for_label if bound is not None else self.non_field_anchor
            if bound is not None and isinstance(bound.field.widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                anchor = f"{bound.auto_id}_0"
            items.extend((anchor, message) for message in errors)
        return items
