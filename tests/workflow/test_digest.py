"""The weekly digest, with a frozen clock: sent once a week (not twice when beat runs again), in
the user's language, saying what the user's My work says; whoever chose it gets no per-event
e-mails."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from progress.quality import quality_run
from tests import factories
from workflow import services
from workflow.entry import Entry
from workflow.models import NotificationPreference, Role
from workflow.notifications import deadline_reminders
from workflow.tasks import weekly_digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(db, django_capture_on_commit_callbacks):
    """A focal point of TRP who chose the digest, in Russian; two values wait for them, one is
    odd; the year's deadline is in ten days."""
    factories.open_year(2025, deadline=datetime.date(2025, 3, 20))
    secretariat = factories.user("sec", groups=(Role.SECRETARIAT,))
    focal = factories.focal_point("trp-fp", "TRP")
    NotificationPreference.objects.create(user=focal, weekly_digest=True, language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        written = services.entries_save(
            user=secretariat,
            entries=[
                Entry(indicator="TRP OP 1", part="ROAD_BCP_TIME", country="CAREC", year=2025, value="45", ref="road"),
                Entry(indicator="TRP OP 1", part="RAIL_BCP_TIME", country="CAREC", year=2025, value="30", ref="rail"),
            ],
        ).observations
        for observation in written.values():
            services.observation_submit(user=secretariat, observation=observation)
    quality_run()
    return focal


@freeze_time("2025-03-10 06:00")  # a Monday
def test_the_digest_goes_once_a_week_and_says_what_my_work_says(week, client):
    mail.outbox.clear()
    assert weekly_digest() == 1
    assert weekly_digest() == 0  # beat ran again the same week: nothing more
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [week.email]
    assert message.subject == "Сводка за неделю по рамочной основе результатов ЦАРЭС: 10 марта 2025 г."
    body = message.body
    # the same two values My work lists, with the odd one's warning
    client.force_login(week)
    with translation.override("ru"):
        work = client.get(reverse("workflow:my_work")).content.decode()
    assert "2 значения ожидают вашего рассмотрения" in body and "2 значения ожидают вашего рассмотрения" in work
    assert "TRP OP 1" in body and "2025: 45" in body and "2025: 30" in body
    assert "с 2021 г." in body or "2021" in body  # the road time's big move is flagged
    assert "значения за 2025 необходимо представить до 20 марта 2025 г." in body
    assert "/ru/work/quality/TRP/" in body and "/ru/work/" in body

    with freeze_time("2025-03-14 06:00"):  # later the same week
        assert weekly_digest() == 0
    with freeze_time("2025-03-17 06:00"):  # the next Monday
        assert weekly_digest() == 1
    assert len(mail.outbox) == 2


def test_who_chose_the_digest_gets_no_per_event_e_mail(week):
    other = factories.focal_point("trp-fp-2", "TRP")  # no digest: e-mails as events happen
    mail.outbox.clear()
    assert deadline_reminders(today=datetime.date(2025, 3, 15)) == 2  # the secretariat and the other one
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["sec@example.org", other.email])
    assert week.email not in [m.to[0] for m in mail.outbox]
