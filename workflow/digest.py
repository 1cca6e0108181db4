"""The weekly digest: one e-mail a week, for who chose it instead of one per event. It says what
My work says (workflow.selectors.my_work, the same selector), the deadlines of the coming weeks
and the data-quality warnings of the user's sectors, in the user's language. Sent once a week:
running the beat task again in the same week sends nothing."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from indicators.models import ReportingYear
from workflow.models import NotificationPreference, Role
from workflow.selectors import my_work

DEADLINE_WEEKS = 4  # the deadlines the digest announces


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of the day's week."""
    return day - datetime.timedelta(days=day.weekday())


def digest_content(user, *, today: datetime.date) -> dict:
    """What the digest says to the user: the counts and items of My work, the deadlines of the
    coming weeks and the open data-quality warnings of the user's sectors."""
    work = my_work(user=user)
    deadlines = list(
        ReportingYear.objects.filter(
            status=ReportingYear.Status.OPEN,
            deadline__gte=today,
            deadline__lte=today + datetime.timedelta(weeks=DEADLINE_WEEKS),
        ).order_by("deadline")
    )
    return {
        "user": user,
        "to_review": work["to_review"],
        "narratives_to_review": work["narratives_to_review"],
        "returned": work["returned"],
        "narratives_returned": work["narratives_returned"],
        "drafts": work["drafts"],
        "deadlines": deadlines,
        "quality": [s for s in work["quality_sectors"] if s.open_warnings],
        "site": settings.SITE_URL.rstrip("/"),
        "work_path": reverse("workflow:my_work"),
    }


def digest_send(*, today: datetime.date) -> int:
    """Send this week's digest to everyone who chose it and has not had it this week. Returns
    how many were sent."""
    monday = week_of(today)
    people = (
        get_user_model()
        .objects.filter(is_active=True, notifications__weekly_digest=True)
        .filter(Q(groups__name=Role.SECRETARIAT) | Q(groups__name=Role.FOCAL_POINT))
        .exclude(email="")
        .distinct()
        .select_related("notifications")
    )
    sent = 0
    for user in people:
        # claim this week's digest first: a second run of the beat task finds it taken
        claimed = (
            NotificationPreference.objects.filter(user=user)
            .filter(Q(digest_sent_for__isnull=True) | Q(digest_sent_for__lt=monday))
            .update(digest_sent_for=monday)
        )
        if not claimed:
            continue
        with translation.override(user.notifications.language):
            context = digest_content(user, today=today)
            subject = _("Your weekly summary of the CAREC results framework: %(date)s") % {
                "date": date_format(monday, "DATE_FORMAT"),
            }
            body = render_to_string("workflow/email/digest.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
        sent += 1
    return sent
