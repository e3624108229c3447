"""What a timeline's lanes stand for: one lane per leader, per country or per kind of
event. The values are the ``lanes`` URL parameter and ``LaneCount.lanes``; charts
and the ORM both read them, so this module imports neither."""

from django.db import models


class Lanes(models.TextChoices):
    LEADER = "leader", "Leader"
    COUNTRY = "country", "Country"
    KIND = "kind", "Kind of event"
