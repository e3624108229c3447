"""Template helpers: pinned links (events.pinning), citations, and a page title said twice."""

from html import unescape
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import strip_tags

register = template.Library()


@register.filter
def pinned(url, pin):
    """{{ url|pinned:pin }}: the link, pinned to the moment of the page that shows it
    (its ``pin``, events.changes.Pin); unchanged on a live page."""
    if not pin:
        return url
    return f"{url}{'&' if '?' in url else '?'}as_of={pin.as_of}"


@register.simple_tag(takes_context=True)
def pinned_url(context, name, *args, **query):
    """{% pinned_url 'events:timeline' event=slug %}: like {% url %}, with a query string,
    pinned as the page is."""
    url = reverse(name, args=args)
    query = {key: value for key, value in query.items() if value not in ("", None)}
    return pinned(f"{url}?{urlencode(query)}" if query else url, context.get("pin"))


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    return context["request"].build_absolute_uri(path)


class CaptureNode(template.Node):
    child_nodelists = ("nodelist",)  # so {% block %} inside it can still be overridden

    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        context[self.name] = self.nodelist.render(context)
        return ""


@register.tag
def capture(parser, token):
    """{% capture as name %}…{% endcapture %}: render once, use as {{ name }} anywhere after."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Use {% capture as name %}…{% endcapture %}.")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


MLA_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


def apa(title, url, moment, accessed):
    """APA 7 for a web page whose content changes: the pinned moment is its date."""
    return (
        f"newsdash. ({moment.year}, {moment:%B} {moment.day}). {title}. "
        f"Retrieved {accessed:%B} {accessed.day}, {accessed.year}, from {url}"
    )


def mla(title, url, moment, accessed):
    """MLA 9: the title in quotes, the site, the date, the address, the day of access."""

    def day(date):
        return f"{date.day} {MLA_MONTHS[date.month - 1]} {date.year}"

    return f"“{title}.” newsdash, {day(moment)}, {url}. Accessed {day(accessed)}."


@register.simple_tag(takes_context=True)
def cite(context, style):
    """{% cite "apa" %}: the page cited in that style, from its captured ``page_title``."""
    title = unescape(strip_tags(str(context.get("page_title", "newsdash")))).strip()
    citable = context["citable"]
    values = (title, citable.url, citable.moment, citable.accessed)
    return {"apa": apa, "mla": mla}[style](*values)
