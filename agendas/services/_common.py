"""Helpers shared by the agenda services."""

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from core.services.audit import audit_record

PARIS = ZoneInfo("Europe/Paris")


def full_clean_save(obj, **kwargs):
    obj.full_clean(**kwargs)
    obj.save()
    return obj


def audit(actor, action, record, request=None, **details):
    audit_record(actor=actor, action=action, record=record, request=request, details=details or None)


def check_aware(value, field):
    if not isinstance(value, datetime.datetime):
        raise ValidationError({field: "Indiquez une date et une heure."})
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError({field: "La date et l'heure doivent porter un fuseau horaire."})


def local_date(value: datetime.datetime) -> datetime.date:
    return value.astimezone(PARIS).date()


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())
