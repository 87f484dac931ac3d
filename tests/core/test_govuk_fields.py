"""Form fields rendered through GOV.UK Frontend's macros (core/govuk_fields.py, `govuk_field` in core/jinja2.py): what
a person sees and what the error summary's links land on."""

import re

import pytest
from django import forms
from django.http import QueryDict
from django.template import engines
from django.test import RequestFactory

from core.forms import GovukDateField, GovukFormMixin


class ReferralForm(GovukFormMixin, forms.Form):
    email = forms.EmailField(
        label="Email address", help_text="We only use it to reply",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    needs = forms.CharField(label="What they need", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    council = forms.ChoiceField(label="Council", choices=[("", "Choose a council"), ("worcs", "Worcestershire")])
    contact = forms.ChoiceField(
        label="How should they contact you?", widget=forms.RadioSelect,
        choices=[("phone", "Phone"), ("email", "Email"), ("none", "Do not contact me")],
    )
    days = forms.MultipleChoiceField(
        label="Days", widget=forms.CheckboxSelectMultiple, choices=[("mo", "Monday"), ("tu", "Tuesday")],
        required=False,
    )
    urgent = forms.BooleanField(label="It is urgent", required=False)
    born = GovukDateField(label="Date of birth", what="Their date of birth", required=False)


def render(source: str, **context) -> str:
    request = RequestFactory().get("/search/", {"postcode": "WR1 2EY", "page": "2"})
    return engines["jinja2"].from_string(source).render(context, request)


def field(form, name, **options) -> str:
    return render("{{ govuk_field(form[name], **options) }}", form=form, name=name, options=options)


def posted(**data) -> ReferralForm:
    query = QueryDict(mutable=True)
    for name, value in data.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    form = ReferralForm(query)
    form.is_valid()
    return form


def test_a_text_field_has_its_label_hint_and_the_widget_s_attributes():
    html = field(ReferralForm(), "email")

    assert '<label class="govuk-label govuk-label--s" for="id_email">' in html
    assert '<div id="id_email-hint" class="govuk-hint">' in html and "We only use it to reply" in html
    assert re.search(r'<input class="govuk-input" id="id_email" name="email" type="email" value=""', html)
    assert 'autocomplete="email"' in html and 'spellcheck="false"' in html
    assert 'aria-describedby="id_email-hint"' in html


def test_what_was_typed_is_kept_beside_the_error_and_escaped():
    html = field(posted(email='<b>"not an email'), "email")

    assert 'value="&lt;b&gt;&#34;not an email"' in html
    assert 'id="id_email-error"' in html and "Enter a valid email address." in html
    assert 'aria-describedby="id_email-hint id_email-error"' in html
    assert "govuk-form-group--error" in html and "govuk-input--error" in html


def test_the_question_can_be_the_page_s_heading_with_a_caption():
    html = field(ReferralForm(), "email", heading="What is your email address?", caption="Refer someone")

    assert re.search(
        r'<h1 class="govuk-label-wrapper">\s*<label class="govuk-label govuk-label--l" for="id_email">\s*'
        r'<span class="govuk-caption-l">Refer someone</span>What is your email address\?', html
    )


def test_a_password_is_never_written_back():
    html = field(posted(password="secret-typed"), "password")

    assert "secret-typed" not in html
    assert 'type="password"' in html and 'autocomplete="new-password"' in html
    assert html.count("autocomplete=") == 1
    assert "Show password" in html


def test_a_textarea_keeps_its_rows_and_text():
    html = field(posted(needs="Lunch on Thursdays"), "needs")

    assert re.search(r'<textarea class="govuk-textarea" id="id_needs" name="needs" rows="3"', html)
    assert "Lunch on Thursdays</textarea>" in html


def test_a_select_shows_the_chosen_option():
    html = field(posted(council="worcs"), "council")

    assert '<option value="worcs" selected>Worcestershire</option>' in html
    assert '<option value="">Choose a council</option>' in html


def test_radios_keep_django_s_ids_so_the_error_summary_lands_on_the_first():
    form = posted()
    html = field(form, "contact") + render("{{ govuk_error_summary(form) }}", form=form)

    assert 'id="id_contact_0"' in html and 'id="id_contact_2"' in html
    assert '<a href="#id_contact_0">' in html
    assert 'id="id_contact-error"' in html
    assert "govuk-radios--small" in html


def test_radios_can_have_an_or_before_a_choice_and_the_question_as_the_heading():
    html = field(posted(contact="email"), "contact", heading="How should they contact you?", caption="Referral",
                 divider_before="none")

    assert re.search(r'<div class="govuk-radios__divider">or</div>\s*<div class="govuk-radios__item">\s*'
                     r'<input class="govuk-radios__input" id="id_contact_2"', html)
    assert re.search(r'id="id_contact_1" name="contact" type="radio" value="email" checked', html)
    assert ('<span class="govuk-caption-l">Referral</span><h1 class="govuk-fieldset__heading">How should they '
            "contact you?</h1>") in html
    assert "govuk-radios--small" not in html


def test_checkboxes_tick_what_was_chosen():
    html = field(posted(days=["tu"]), "days")

    assert re.search(r'id="id_days_0" name="days" type="checkbox" value="mo">', html)
    assert re.search(r'id="id_days_1" name="days" type="checkbox" value="tu" checked>', html)
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">' in html


def test_a_single_checkbox_is_the_whole_question():
    html = field(posted(urgent="on"), "urgent")

    assert re.search(r'id="id_urgent" name="urgent" type="checkbox" value="on" checked>', html)
    assert "<fieldset" not in html


def test_a_date_has_three_boxes_that_keep_what_was_typed():
    form = posted(born_day="31", born_month="2", born_year="1990")
    html = field(form, "born") + render("{{ govuk_error_summary(form) }}", form=form)

    assert '<div class="govuk-date-input" id="id_born">' in html
    assert re.search(r'id="id_born_0" name="born_day" type="text" value="31"', html)
    assert re.search(r'id="id_born_2" name="born_year" type="text" value="1990"', html)
    assert html.count("govuk-input--error") == 3
    assert '<a href="#id_born_0">Their date of birth must be a real date</a>' in html


def test_the_same_field_with_other_answers_is_rendered_afresh():
    assert 'value="tu" checked' in field(posted(days=["tu"]), "days")
    assert 'value="tu" checked' not in field(posted(days=["mo"]), "days")


def test_a_hidden_field_is_not_a_govuk_component():
    class Hidden(forms.Form):
        key = forms.CharField(widget=forms.HiddenInput)

    with pytest.raises(ValueError, match="hidden"):
        field(Hidden(), "key")


def test_a_form_without_errors_has_no_error_summary():
    assert render("{{ govuk_error_summary(form) }}", form=ReferralForm()) == ""


def test_pagination_keeps_the_search_and_marks_this_page():
    class Page:
        number = 2
        paginator = type("Paginator", (), {"num_pages": 9})()

        def has_previous(self):
            return True

        def has_next(self):
            return True

        def previous_page_number(self):
            return 1

        def next_page_number(self):
            return 3

    html = render('{{ govuk_pagination(page, [1, 2, 3, none, 9], "Results pages") }}', page=Page())

    assert '<nav class="govuk-pagination" aria-label="Results pages">' in html
    assert 'href="?postcode=WR1+2EY&amp;page=3" rel="next"' in html
    assert re.search(r'href="\?postcode=WR1\+2EY&amp;page=2" aria-label="Page 2" aria-current="page"', html)
    assert "govuk-pagination__item--ellipsis" in html


def test_a_missing_variable_fails_loudly_in_tests():
    from jinja2.exceptions import UndefinedError

    with pytest.raises(UndefinedError):
        render("{{ no_such_thing }}")
