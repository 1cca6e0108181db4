"""Who may do what, reporting years, evidence, narratives, comments and the audit trail of
every change to framework content and data."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusters.models import Country, Sector
from indicators.models import Indicator, Observation


class Role:
    """Django groups that carry the roles; focal points also need assignments."""

    SECRETARIAT = "secretariat"
    FOCAL_POINT = "focal_point"
    VIEWER = "viewer"


class FocalPointAssignment(models.Model):
    """A sector focal point reviews a sector; with a country, a national focal point reviews that
    country's values in the sector."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="focal_points")
    country = models.ForeignKey(Country, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("focal point assignment")
        verbose_name_plural = _("focal point assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sector"], condition=Q(country__isnull=True), name="assignment_sector_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "sector", "country"],
                condition=Q(country__isnull=False),
                name="assignment_country_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.sector.code}" + (f" · {self.country.code}" if self.country_id else "")


class NotificationPreference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    on_returned = models.BooleanField(_("a value of mine is returned"), default=True)
    on_review = models.BooleanField(_("values wait for my review"), default=True)
    on_deadline = models.BooleanField(_("a reporting deadline is near"), default=True)
    language = models.CharField(_("language of e-mails"), max_length=10, choices=settings.LANGUAGES, default="en")
    weekly_digest = models.BooleanField(
        _("one e-mail a week instead of one per event"),
        default=False,
        help_text=_("Each Monday: what waits for you, what was returned to you, deadlines and data-quality warnings."),
    )
    digest_sent_for = models.DateField(null=True, blank=True, editable=False)  # the Monday of the last digest

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


def _attachment_path(instance, filename: str) -> str:
    return f"evidence/{instance.observation_id}/{filename}"


class Attachment(models.Model):
    """Evidence for an observation; stored outside the web root and served only to users who may
    see the observation."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path)
    name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Narrative(models.Model):
    """The text the report prints for an indicator and reporting year, in each language."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        APPROVED = "approved", _("approved")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="narratives")
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("written by")
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("reviewed by")
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("narrative")
        verbose_name_plural = _("narratives")
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="narrative_unique")]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.year}"


class Comment(models.Model):
    """A comment in the thread on an indicator and year."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="comments")
    year = models.PositiveSmallIntegerField(_("year"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.year} · {self.author}"


class AuditEntry(models.Model):
    """One change: who, when, what, old -> new, why; with the object's state after it, so that
    an earlier version can be restored."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        SUBMIT = "submit", _("submitted")
        APPROVE = "approve", _("approved")
        RETURN = "return", _("returned")
        RESTORE = "restore", _("restored")
        LOCK = "lock", _("locked")
        OPEN = "open", _("opened")
        PUBLISH = "publish", _("published")
        ASSIGN = "assign", _("assigned")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=300)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_entries"
    )
    changes = models.JSONField(default=dict)
    state = models.JSONField(default=dict)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"
