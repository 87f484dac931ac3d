"""Django form fields as GOV.UK Frontend components: a bound field's label, hint, errors, value and choices turned into
the parameters of the component's macro from govuk-frontend-jinja (templates call `govuk_field`, core/jinja2.py).

Ids stay Django's, so the error summary's links (`GovukFormMixin.error_summary`) land on the field: the input is
`id_<name>`, its hint `id_<name>-hint` and its error `id_<name>-error`; the choices of radios and checkboxes are
`id_<name>_0`, `id_<name>_1`, …; the boxes of a date are `id_<name>_0` (day), `_1` and `_2`.
"""

from django import forms
from markupsafe import Markup, escape

from core.forms import GovukDateInput

MACROS = "govuk_frontend_jinja/components/{}/macro.html"
DATE_PARTS = [("Day", "govuk-input--width-2"), ("Month", "govuk-input--width-2"), ("Year", "govuk-input--width-4")]
# What the password input's macro writes itself: never also among the widget's own attributes.
PASSWORD_OWN = {"autocomplete", "spellcheck", "autocapitalize"}


def field_component(field, *, heading=None, caption=None, divider_before=None, **params) -> tuple[str, str, dict]:
    """(component, macro name, parameters) for a bound field.

    `heading` makes the field's question the page's h1 (the label, or the legend of radios and checkboxes), with
    `caption` above it; `divider_before` puts "or" before that choice of radios. Any other keyword is a parameter of
    the macro, given as is (and replacing the one made here): `hint={"text": "…"}`, `classes="govuk-input--width-10"`.
    """
    widget = field.field.widget
    if isinstance(widget, forms.HiddenInput):
        raise ValueError(f"{field.name} is hidden: write {{{{ form.{field.name} }}}} instead of govuk_field")
    if isinstance(widget, forms.CheckboxSelectMultiple):
        component, made = "checkboxes", _choices(field, "govuk-checkboxes--small", heading, caption)
    elif isinstance(widget, forms.RadioSelect):
        small = "" if heading else "govuk-radios--small"
        component, made = "radios", _choices(field, small, heading, caption, divider_before)
    elif isinstance(widget, forms.CheckboxInput):
        component, made = "checkboxes", _single_checkbox(field)
    elif isinstance(widget, forms.Select):
        component, made = "select", _select(field)
    elif isinstance(widget, forms.Textarea):
        component, made = "textarea", _textarea(field, heading, caption)
    elif isinstance(widget, GovukDateInput):
        component, made = "date-input", _date(field)
    elif isinstance(widget, forms.PasswordInput):
        component, made = "password-input", _password(field)
    else:
        component, made = "input", _input(field, heading, caption)
    made.update(params)
    return component, _macro_name(component), made


def _macro_name(component: str) -> str:
    return "govuk" + "".join(part.capitalize() for part in component.split("-"))


def hint_and_error(field) -> dict:
    made = {}
    if field.help_text:
        made["hint"] = {"text": field.help_text}
    errors = field.errors
    if len(errors) == 1:
        made["errorMessage"] = {"text": errors[0]}
    elif errors:
        separator = Markup('<br><span class="govuk-visually-hidden">Error:</span> ')
        made["errorMessage"] = {"html": separator.join(escape(error) for error in errors)}
    return made


def _label(field, heading, caption) -> dict:
    if heading:
        return {"html": _with_caption(heading, caption), "classes": "govuk-label--l", "isPageHeading": True}
    return {"text": field.label, "classes": getattr(field.field, "label_class", None) or "govuk-label--s"}


def _with_caption(heading, caption) -> Markup:
    above = Markup('<span class="govuk-caption-l">{}</span>').format(caption) if caption else Markup()
    return above + escape(heading)


def _attributes(widget, leave_out=frozenset()) -> dict:
    """The widget's attributes (autocomplete, inputmode, maxlength, …) for the macro, but its class."""
    attributes = {}
    for name, value in widget.attrs.items():
        if name == "class" or name in leave_out or value is False or value is None:
            continue
        attributes[name] = {"value": True, "optional": True} if value is True else value
    return attributes


def _value(field):
    value = field.value()
    return "" if value is None else value


def _input(field, heading, caption) -> dict:
    widget = field.field.widget
    return {
        "id": field.id_for_label,
        "name": field.html_name,
        "type": getattr(widget, "input_type", "text"),
        "value": _value(field),
        "label": _label(field, heading, caption),
        "classes": widget.attrs.get("class"),
        "attributes": _attributes(widget),
        **hint_and_error(field),
    }


def _password(field) -> dict:
    """A password is never written back: it is typed again after an error."""
    widget = field.field.widget
    return {
        "id": field.id_for_label,
        "name": field.html_name,
        "label": _label(field, None, None),
        "autocomplete": widget.attrs.get("autocomplete", "current-password"),
        "attributes": _attributes(widget, PASSWORD_OWN),
        **hint_and_error(field),
    }


def _textarea(field, heading, caption) -> dict:
    """No maxlength (GOV.UK's advice): a browser would cut pasted text short without a word; the form says instead
    how much too long it is, keeping all of it."""
    widget = field.field.widget
    return {
        "id": field.id_for_label,
        "name": field.html_name,
        "rows": widget.attrs.get("rows", 5),
        "value": _value(field),
        "label": _label(field, heading, caption),
        "attributes": _attributes(widget, {"rows", "cols", "maxlength"}),
        **hint_and_error(field),
    }


def selected_strings(value) -> set[str]:
    """A field's value (one value, a list, or None) as strings, to compare with its choices' values."""
    if value is None:
        return {""}
    values = value if isinstance(value, (list, tuple, set)) else [value]
    return {"" if item is None else str(item) for item in values}


def _select(field) -> dict:
    selected = selected_strings(field.value())
    return {
        "id": field.id_for_label,
        "name": field.html_name,
        "label": _label(field, None, None),
        "items": [
            {"value": value, "text": label, "selected": str(value) in selected} for value, label in field.field.choices
        ],
        **hint_and_error(field),
    }


def _choices(field, classes, heading, caption, divider_before=None) -> dict:
    """Radios or checkboxes in a fieldset whose legend is the field's label (or the page's h1)."""
    if heading:
        legend = {
            "html": _with_caption(Markup(""), caption) + Markup('<h1 class="govuk-fieldset__heading">{}</h1>').format(
                heading
            ),
            "classes": "govuk-fieldset__legend--l",
        }
    else:
        legend = {"text": field.label, "classes": "govuk-fieldset__legend--s"}
    selected = selected_strings(field.value())
    prefix = field.auto_id
    items = []
    for index, (value, label) in enumerate(field.field.choices):
        if divider_before is not None and value == divider_before:
            items.append({"divider": "or"})
        text = str(value)
        items.append({"id": f"{prefix}_{index}", "value": text, "text": label, "checked": text in selected})
    return {
        "idPrefix": prefix,
        "name": field.html_name,
        "fieldset": {"legend": legend},
        "classes": classes,
        "items": items,
        **hint_and_error(field),
    }


def _single_checkbox(field) -> dict:
    """One checkbox that is the whole question ("Only show services taking new people"): no fieldset."""
    return {
        "idPrefix": field.auto_id,
        "name": field.html_name,
        "classes": "govuk-checkboxes--small",
        "items": [{"id": field.id_for_label, "value": "on", "text": field.label, "checked": bool(field.value())}],
        **hint_and_error(field),
    }


def _date(field) -> dict:
    parts = field.subwidgets[0].data["subwidgets"]
    error = " govuk-input--error" if field.errors else ""
    return {
        "id": field.auto_id,
        "fieldset": {"legend": {"text": field.label, "classes": "govuk-fieldset__legend--s"}},
        "items": [
            {"id": part["attrs"]["id"], "name": part["name"], "label": label, "classes": width + error,
             "value": "" if part["value"] is None else part["value"]}
            for part, (label, width) in zip(parts, DATE_PARTS)
        ],
        **hint_and_error(field),
    }
