"""E-mails: a value returned to its author, values waiting for review, a deadline coming. Each
goes out in the recipient's language, only if the recipient has not turned it off, and only
after the change that caused it has been committed."""

import datetime
from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators.models import ReportingYear
from workflow.models import NotificationPreference, Role


def _preference(user) -> NotificationPreference:
    preference = getattr(user, "notifications", None)
    return preference or NotificationPreference(user=user)


def _send(user, kind: str, subject_and_body) -> None:
    preference = _preference(user)
    if not user.email or not getattr(preference, kind) or preference.weekly_digest:
        return  # who chose the weekly digest reads it there (workflow.digest)
    with translation.override(preference.language):
        subject, body = subject_and_body()
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)


def _where(observation) -> str:
    return observation.country.name if observation.country_id else _("the region")


def notify_returned(observation, comment: str) -> None:
    author = observation.created_by
    if author is None:
        return

    def message():
        params = {
            "indicator": observation.part.indicator.code,
            "part": observation.part.name,
            "where": _where(observation),
            "year": observation.year,
            "comment": comment,
        }
        return (
            _("Returned: %(indicator)s, %(where)s, %(year)s") % params,
            _(
                "Your value for %(part)s (%(indicator)s), %(where)s, %(year)s was returned with this comment:\n\n"
                "%(comment)s\n\nPlease correct it and submit it again."
            )
            % params,
        )

    transaction.on_commit(lambda: _send(author, "on_returned", message))


def deadline_reminders(*, today: datetime.date, days_before: int = 7) -> int:
    """Remind everyone who enters or reviews values that an open year's deadline is near; once
    per year. Returns the number of e-mails sent."""
    sent = 0
    due = ReportingYear.objects.filter(
        status=ReportingYear.Status.OPEN,
        deadline__gte=today,
        deadline__lte=today + datetime.timedelta(days=days_before),
        reminder_sent_on__isnull=True,
    )
    users = list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name=Role.SECRETARIAT) | Q(groups__name=Role.FOCAL_POINT))
        .distinct()
        .select_related("notifications")
    )
    for year in due:
        for user in users:

            def message(year=year):
                params = {"year": year.year, "deadline": year.deadline.isoformat()}
                return (
                    _("Reporting deadline for %(year)s: %(deadline)s") % params,
                    _("Values for the reporting year %(year)s are due by %(deadline)s.") % params,
                )

            if user.email and _preference(user).on_deadline and not _preference(user).weekly_digest:
                _send(user, "on_deadline", message)
                sent += 1
        ReportingYear.objects.filter(pk=year.pk).update(reminder_sent_on=today)
    return sent


def notify_submitted(observations) -> None:
    """Values submitted for review, by any way in: one e-mail per reviewer for the whole batch.
    The reviewers are the focal points assigned to the sector (and country); with separation of
    duties, nobody is asked to review their own values. Each item needs part_id, country_id, year
    and the author (author_id, or updated_by_id / created_by_id)."""
    from clusters.models import Country
    from indicators.models import IndicatorPart
    from workflow.models import FocalPointAssignment

    observations = list(observations)
    if not observations:
        return
    sector_of = dict(
        IndicatorPart.objects.filter(id__in={o.part_id for o in observations}).values_list(
            "id", "indicator__result__sector_id"
        )
    )
    # how many of the values fall in each sector, and in each sector and place
    by_place = Counter((sector_of[o.part_id], o.country_id) for o in observations)
    by_sector = Counter()
    for (sector_id, _country_id), count in by_place.items():
        by_sector[sector_id] += count

    def author(o):
        return getattr(o, "author_id", None) or getattr(o, "updated_by_id", None) or getattr(o, "created_by_id", None)

    authors = {author(o) for o in observations} if settings.SEPARATION_OF_DUTIES else set()
    wanted: dict[int, int] = {}
    for user_id, sector_id, country_id in FocalPointAssignment.objects.filter(
        sector_id__in=by_sector, user__is_active=True
    ).values_list("user_id", "sector_id", "country_id"):
        covered = by_sector[sector_id] if country_id is None else by_place[(sector_id, country_id)]
        if covered and user_id not in authors:
            wanted[user_id] = wanted.get(user_id, 0) + covered
    reviewers = get_user_model().objects.filter(pk__in=wanted).select_related("notifications")
    first = observations[0]
    first_part = IndicatorPart.objects.select_related("indicator").get(pk=first.part_id)
    first_place = Country.objects.filter(pk=first.country_id).first() if first.country_id else None

    for reviewer in list(reviewers):
        count = min(wanted[reviewer.pk], len(observations))

        def message(count=count):
            if len(observations) == 1:
                params = {
                    "indicator": first_part.indicator.code,
                    "part": first_part.name,
                    "where": first_place.name if first_place else _("the region"),
                    "year": first.year,
                }
                return (
                    _("Waiting for your review: %(indicator)s, %(where)s, %(year)s") % params,
                    _(
                        "A value for %(part)s (%(indicator)s), %(where)s, %(year)s was submitted and waits for your "
                        "review."
                    )
                    % params,
                )
            return (
                ngettext(
                    "%(count)s submitted value waits for your review",
                    "%(count)s submitted values wait for your review",
                    count,
                )
                % {"count": count},
                ngettext(
                    "%(count)s value in your sectors was added or changed and waits for your review.",
                    "%(count)s values in your sectors were added or changed and wait for your review.",
                    count,
                )
                % {"count": count},
            )

        transaction.on_commit(lambda reviewer=reviewer, message=message: _send(reviewer, "on_review", message))


def notify_narrative_submitted(narrative) -> None:
    """A narrative sent for review: an e-mail to each focal point of the whole sector, except its
    writer when duties are separated."""
    from workflow.models import FocalPointAssignment

    reviewers = get_user_model().objects.filter(
        pk__in=FocalPointAssignment.objects.filter(
            sector_id=narrative.indicator.result.sector_id, country__isnull=True, user__is_active=True
        ).values("user_id")
    )
    if settings.SEPARATION_OF_DUTIES and narrative.updated_by_id:
        reviewers = reviewers.exclude(pk=narrative.updated_by_id)

    def message():
        params = {"indicator": narrative.indicator.code, "year": narrative.year}
        return (
            _("Narrative waiting for your review: %(indicator)s, %(year)s") % params,
            _("The narrative of %(indicator)s for %(year)s was submitted and waits for your review.") % params,
        )

    for reviewer in list(reviewers.select_related("notifications")):
        transaction.on_commit(lambda reviewer=reviewer: _send(reviewer, "on_review", message))


def notify_narrative_returned(narrative) -> None:
    writer = narrative.updated_by
    if writer is None:
        return

    def message():
        params = {"indicator": narrative.indicator.code, "year": narrative.year, "comment": narrative.review_comment}
        return (
            _("Narrative returned: %(indicator)s, %(year)s") % params,
            _(
                "Your narrative of %(indicator)s for %(year)s was returned with this comment:\n\n%(comment)s\n\n"
                "Please revise it and submit it again."
            )
            % params,
        )

    transaction.on_commit(lambda: _send(writer, "on_returned", message))
