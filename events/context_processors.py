"""What every page shows about itself: whether it is pinned, and how to cite it."""

from functools import cached_property

from . import pinning


class Citable:
    """The page's citable link (pinned to its moment, or to now) and the dates a citation
    gives; worked out only when a template asks (an error page may not read the request)."""

    def __init__(self, request):
        self.request = request
        self.accessed = pinning.now()

    @cached_property
    def moment(self):
        pin = getattr(self.request, "pin", None)
        return pin.moment if pin else self.accessed

    @cached_property
    def as_of(self):
        return pinning.format_moment(self.moment)

    @cached_property
    def url(self):
        params = self.request.GET.copy()
        params["as_of"] = self.as_of
        return self.request.build_absolute_uri(f"{self.request.path}?{params.urlencode(safe=':')}")


def citation(request):
    return {"pin": getattr(request, "pin", None), "citable": Citable(request)}
