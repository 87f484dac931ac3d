"""The stylesheet styles every GOV.UK Frontend class the site writes. frontend/scss/app.scss brings in only the
components we use, so a template, form or script that starts using another component must add it there; these tests
say which class or component is missing. They read the built static/dist/app.css (`make frontend`) and the sources
as text: no database, no browser."""

import ast
import os
import re
from pathlib import Path

import pytest
from django import forms

from core.forms import GovukDateField
from core.govuk_fields import field_component

REPO = Path(__file__).resolve().parents[1]
BUILT_CSS = REPO / "static" / "dist" / "app.css"
GOVUK_CSS = REPO / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "govuk-frontend.min.css"  # all of it
NOT_OURS = {".venv", "node_modules", "tests", "staticfiles", "static", ".data", ".git", "migrations", "frontend"}

CLASS = r"govuk-(?:\\?!|[a-z0-9_-])*[a-z0-9]"
# A string that is nothing but class names: "govuk-input--width-10", " govuk-input--error", "govuk-button app-x".
CLASS_LIST = re.compile(r"\s*[a-z][a-z0-9_!-]*(?:\s+[a-z][a-z0-9_!-]*)*\s*")
# Elements in GOV.UK Frontend's own markup that have no rule (a component's block class, such as govuk-checkboxes,
# counts as styled when its elements are; govuk-js-* classes are hooks for its JavaScript).
NO_RULE = {"govuk-template__header", "govuk-generic-header__container"}


def classes_in_css(path: Path) -> set[str]:
    if not path.exists():
        pytest.fail(f"{path.relative_to(REPO)} is missing: run `make frontend` (or `npm ci && npm run build`)")
    return {name.replace("\\!", "!") for name in re.findall(r"\.(" + CLASS + ")", path.read_text())}


@pytest.fixture(scope="module")
def built_classes() -> set[str]:
    return classes_in_css(BUILT_CSS)


def our_python_files():
    for folder, subfolders, files in os.walk(REPO):
        subfolders[:] = [name for name in subfolders if name not in NOT_OURS and not name.startswith(".")]
        yield from (Path(folder) / name for name in files if name.endswith(".py"))


def classes_in_string(text: str) -> set[str]:
    """The govuk- classes a string of Python or JavaScript holds: the whole string if it is a list of class names,
    or the class attributes of the markup in it."""
    if CLASS_LIST.fullmatch(text):
        values = [text]
    else:
        values = re.findall(r'class="([^"]*)"', text)
    return {name for value in values for name in value.split() if name.startswith("govuk-")}


def classes_in_templates() -> dict[str, str]:
    found = {}
    for path in (REPO / "templates").rglob("*.html"):
        text = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.S)  # comments
        text = re.sub(r'data-module="[^"]*"', "", text)  # names of JavaScript modules, not classes
        for match in re.finditer(CLASS, text):
            if text.startswith(("{{", "{%"), match.end()):
                continue  # the start of a name that the template finishes
            found.setdefault(match.group(), str(path.relative_to(REPO)))
    return found


def classes_in_python() -> dict[str, str]:
    found = {}
    for path in our_python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for name in classes_in_string(node.value):
                    found.setdefault(name, str(path.relative_to(REPO)))
    return found


def classes_in_javascript() -> dict[str, str]:
    found = {}
    for path in (REPO / "frontend" / "js").glob("*.js"):
        for literal in re.findall(r'"([^"\n]*)"|`([^`$]*)`', path.read_text()):
            for name in classes_in_string("".join(literal)):
                found.setdefault(name, str(path.relative_to(REPO)))
    return found


def test_every_govuk_class_the_site_writes_has_a_rule_in_the_stylesheet(built_classes):
    used = {**classes_in_javascript(), **classes_in_python(), **classes_in_templates()}
    assert len(used) > 100, "the search for classes found too few: has the way templates are written changed?"
    styled = built_classes | {re.split("__|--", name)[0] for name in built_classes}
    missing = {
        name: where for name, where in used.items()
        if name not in styled and name not in NO_RULE and not name.startswith("govuk-js-")
    }
    assert missing == {}, (
        "These classes have no rule in static/dist/app.css: add their component to frontend/scss/app.scss, or "
        "correct the class (GOV.UK Frontend 6 has no such class)"
    )


def components_rendered_by_macros() -> set[str]:
    """GOV.UK Frontend components the templates and Python render through govuk-frontend-jinja's macros."""
    names = set()
    for path in (REPO / "templates").rglob("*.html"):
        names |= set(re.findall(r"govuk_frontend_jinja/components/([a-z-]+)/macro\.html", path.read_text()))
    for path in our_python_files():
        names |= set(re.findall(r'MACROS\.format\(\s*"([a-z-]+)"', path.read_text()))

    class EveryWidget(forms.Form):
        text = forms.CharField()
        words = forms.CharField(widget=forms.Textarea)
        password = forms.CharField(widget=forms.PasswordInput)
        pick = forms.ChoiceField(choices=[("a", "A")])
        one_of = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)
        some_of = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
        agreed = forms.BooleanField()
        day = GovukDateField()

    form = EveryWidget()
    names |= {field_component(form[name])[0] for name in form.fields}
    return names


def test_every_component_rendered_through_a_macro_is_in_the_stylesheet(built_classes):
    components = components_rendered_by_macros()
    assert {"button", "input", "date-input", "radios", "checkboxes", "error-summary"} <= components
    govuk_classes = classes_in_css(GOVUK_CSS)
    missing = {
        name: sorted(found for found in govuk_classes - built_classes
                     if re.fullmatch(rf"govuk-{name}(?:(?:__|--).*)?", found))
        for name in components
    }
    assert {name: classes for name, classes in missing.items() if classes} == {}, (
        "GOV.UK Frontend styles these classes of a component we render, and our stylesheet does not: add the "
        "component to frontend/scss/app.scss"
    )
