"""Design-system form fields: each field renders its own GOV.UK Frontend component."""

from django import forms

FIELD_TEMPLATES = {
    forms.CheckboxSelectMultiple: "components/fields/checkboxes.html",
    forms.RadioSelect: "components/fields/radios.html",
    forms.CheckboxInput: "components/fields/checkbox.html",
    forms.Select: "components/fields/select.html",
}


class GovukFormMixin:
    """Give every field the template of its component, and keep error messages in GOV.UK style."""

    template_name_for_field = "components/fields/input.html"

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
            anchor = bound.id_for_label if bound is not None else ""
            if bound is not None and isinstance(bound.field.widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                anchor = f"{bound.auto_id}_0"
            items.extend((anchor, message) for message in errors)
        return items
