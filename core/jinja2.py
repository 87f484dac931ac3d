"""The templates' Jinja2 environment (TEMPLATES in config/settings.py; docs/architecture.md, "Templates").

Templates find GOV.UK Frontend's own macros under `govuk_frontend_jinja/` (the govuk-frontend-jinja package):
`{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}`. Besides Jinja's own, they have
the globals and filters below, and those of each module named in the backend's "template_modules" option (an app's
`<app>/templating.py`, with a GLOBALS and a FILTERS dict), so core needs to know nothing of the apps above it.
"""

import json
import threading
from collections import OrderedDict
from datetime import date
from importlib import import_module

from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import (
    ChoiceLoader,
    Environment,
    PackageLoader,
    PrefixLoader,
    Undefined,
    pass_context,
    pass_environment,
    select_autoescape,
)
from markupsafe import Markup

from core import dates
from core.govuk_fields import MACROS, field_component
from core.urls import reverse_ids

# Templates of plain text, such as an email's subject and body: nothing in them is escaped, so "Tom & Jerry's" arrives
# as typed, not as "Tom &amp; Jerry&#39;s". Every other template (HTML) is escaped.
PLAIN_TEXT_EXTENSIONS = ("txt",)


class LoudUndefined(Undefined):
    """Fails a test that prints a variable nobody gave the template (a typo, a missing context entry). Testing
    whether it is there (`{% if form %}`, `x is defined`, `x|default(…)`) is fine, and the GOV.UK macros do only
    that with the parameters left out."""

    __slots__ = ()

    def __str__(self):
        self._fail_with_undefined_error()


def environment(template_modules=(), loud_undefined=False, **options) -> Environment:
    """The backend's options, and two of ours: `template_modules` (above) and `loud_undefined` (LoudUndefined
    instead of Jinja's Undefined, which prints nothing: settings turn it on in development and tests)."""
    options["loader"] = ChoiceLoader(
        [options["loader"], PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]
    )
    options["undefined"] = LoudUndefined if loud_undefined else Undefined
    if options.get("autoescape", True) is True:
        options["autoescape"] = select_autoescape(
            enabled_extensions=(), disabled_extensions=PLAIN_TEXT_EXTENSIONS, default_for_string=True, default=True
        )
    options.setdefault("extensions", ["jinja2.ext.do"])
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    env = Environment(**options)
    env.rendered_components = RenderedComponents()
    env.globals.update(
        url=url,
        static=static,
        now=timezone.localtime,
        querystring=querystring,
        govuk_field=govuk_field,
        govuk_error_summary=govuk_error_summary,
        govuk_pagination=govuk_pagination,
    )
    env.filters.update(
        long_date=long_date,
        govuk_time=dates.govuk_time,
        localtime=timezone.localtime,
        pluralize=defaultfilters.pluralize,
        linebreaks=defaultfilters.linebreaks_filter,
        linebreaksbr=defaultfilters.linebreaksbr,
        floatformat=defaultfilters.floatformat,
        date=defaultfilters.date,
        truncatechars=defaultfilters.truncatechars,
    )
    for name in template_modules:
        module = import_module(name)
        env.globals.update(getattr(module, "GLOBALS", {}))
        env.filters.update(getattr(module, "FILTERS", {}))
    return env


def url(name: str, *args, **kwargs) -> str:
    """`url("referrals:start", service.pk)`: the address of a named URL, as Django's `{% url %}` gives."""
    if not kwargs and all(type(arg) is int for arg in args):
        return reverse_ids(name, *args)
    return reverse(name, args=args or None, kwargs=kwargs or None)


def long_date(value) -> str:
    """31 March 2027 (core.dates.long_date); "" for anything that is not a date or a moment, as in the Django
    templates."""
    return dates.long_date(value) if isinstance(value, date) else ""


@pass_context
def querystring(context, **changes) -> str:
    """This request's query string with some parameters changed (None removes one): `querystring(page=2)` gives
    "?postcode=WR1+2EY&page=2", as Django's `{% querystring %}` does."""
    query = context["request"].GET
    params = query.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        elif isinstance(value, (list, tuple)):
            params.setlist(key, value)
        else:
            params[key] = value
    if not params and not query:
        return ""
    return f"?{params.urlencode()}"


def _macro(env: Environment, component: str, name: str):
    return getattr(env.get_template(MACROS.format(component)).module, name)


class RenderedComponents:
    """The HTML of the GOV.UK macros' latest calls, by their parameters, least recently used dropped first.

    A macro's HTML depends only on its parameters, and the GOV.UK macros are slow (the 14 checkboxes of "Type of
    support" take 2 ms, more than the rest of a results page's template), while the filters of a search mostly come
    with the same choices ticked: so each is rendered once and then read from here.
    """

    def __init__(self, size: int = 1000):
        self.size = size
        self.html: OrderedDict[str, Markup] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, env: Environment, component: str, name: str, params: dict) -> Markup:
        key = component + json.dumps(params, sort_keys=True, default=str)
        with self.lock:
            html = self.html.get(key)
            if html is not None:
                self.html.move_to_end(key)
                return html
        html = _macro(env, component, name)(params)
        with self.lock:
            self.html[key] = html
            if len(self.html) > self.size:
                self.html.popitem(last=False)
        return html


@pass_environment
def govuk_field(env, field, **options) -> Markup:
    """A form field as its GOV.UK component: `govuk_field(form.email)`, or with the question as the page's heading,
    `govuk_field(form.consent, heading="Has the person agreed?", caption="Refer someone")` (core/govuk_fields.py)."""
    component, name, params = field_component(field, **options)
    return env.rendered_components.get(env, component, name, params)


@pass_environment
def govuk_error_summary(env, form) -> Markup:
    """The error summary of a form with errors (`form.error_summary`, core/forms.py); nothing for one without."""
    if not form or not form.errors:
        return Markup()
    errors = [{"text": message, "href": f"#{anchor}"} for anchor, message in form.error_summary()]
    return _macro(env, "error-summary", "govukErrorSummary")({"titleText": "There is a problem", "errorList": errors})


@pass_context
def govuk_pagination(context, page, page_links, label="Pages") -> Markup:
    """GOV.UK pagination for a page from core.paging.page_of and its `page_links`; nothing when there is one page.
    The links keep this request's query string, with its page changed."""
    if page is None or page.paginator.num_pages < 2:
        return Markup()
    params = {"landmarkLabel": label, "items": []}
    if page.has_previous():
        params["previous"] = {"href": querystring(context, page=page.previous_page_number())}
    for number in page_links:
        if number is None:
            params["items"].append({"ellipsis": True})
        else:
            href = querystring(context, page=number)
            params["items"].append({"number": number, "href": href, "current": number == page.number})
    if page.has_next():
        params["next"] = {"href": querystring(context, page=page.next_page_number())}
    return _macro(context.environment, "pagination", "govukPagination")(params)
