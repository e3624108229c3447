from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Collection, Event, Leader


@require_GET
def home(request):
    events = Event.objects.published().with_place().chronological()
    featured = Collection.objects.published().filter(featured=True).first()
    context = {
        "events": events,
        "featured": featured,
        "leader_count": Leader.objects.filter(participations__event__in=events.values("pk")).distinct().count(),
    }
    return render(request, "events/home.html", context)


@require_GET
def event_detail(request, slug):
    # Editors preview drafts through "view on site"; the public never sees them.
    events = Event.objects.with_details()
    if not request.user.is_staff:
        events = events.published()
    event = get_object_or_404(events, slug=slug)
    return render(request, "events/event_detail.html", {"event": event})
