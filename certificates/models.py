"""Qualifications: the rules a link worker meets to be certified (certificates come later)."""

from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from curriculum.models import AssessmentMethod, Competency, CompetencyFramework


class Qualification(ClusterableModel):
    """A qualification and its award rules, e.g. the Link Worker Practice Certificate (Core)."""

    title = models.CharField(max_length=255)
    code = models.CharField(
        max_length=40, unique=True, help_text="A unique short code, e.g. LWPC-CORE."
    )
    description = models.TextField(blank=True)
    framework = models.ForeignKey(
        CompetencyFramework, on_delete=models.PROTECT, related_name="qualifications"
    )
    all_core_at_level = models.PositiveSmallIntegerField(
        "every core competency at level",
        default=3,
        help_text="The lowest level each core, non-retired competency of the framework must reach.",
    )
    min_direct_observations = models.PositiveSmallIntegerField(
        "direct observations",
        default=2,
        help_text="How many observations, each by a different assessor.",
    )
    observation_method = models.ForeignKey(
        AssessmentMethod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The method that counts as a direct observation, e.g. DOP.",
    )
    required_method = models.ForeignKey(
        AssessmentMethod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="At least one current assessment by this method, e.g. PD.",
    )
    min_supervision_sessions_12_months = models.PositiveSmallIntegerField(
        "supervision sessions in the last 12 months", default=10
    )
    min_cpd_points_year = models.PositiveSmallIntegerField("CPD points a year", default=20)
    min_cpd_formal_hours_year = models.PositiveSmallIntegerField(
        "formal CPD hours a year", default=10
    )
    validity_months = models.PositiveSmallIntegerField(default=36)
    renewal_window_days = models.PositiveSmallIntegerField(
        default=60, help_text="Renewal is due this many days before expiry."
    )
    issuer_name = models.CharField(max_length=255)
    signatory = models.CharField(max_length=255, help_text="Who signs, e.g. Head of Training.")

    panels = [
        MultiFieldPanel(
            [FieldPanel("title"), FieldPanel("code"), FieldPanel("framework")],
            heading="Qualification",
        ),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("all_core_at_level"),
                FieldPanel("min_direct_observations"),
                FieldPanel("observation_method"),
                FieldPanel("required_method"),
            ],
            heading="Competence",
        ),
        InlinePanel("requirements", heading="Further competencies", label="Competency"),
        MultiFieldPanel(
            [
                FieldPanel("min_supervision_sessions_12_months"),
                FieldPanel("min_cpd_points_year"),
                FieldPanel("min_cpd_formal_hours_year"),
            ],
            heading="Supervision and CPD",
        ),
        MultiFieldPanel(
            [
                FieldPanel("validity_months"),
                FieldPanel("renewal_window_days"),
                FieldPanel("issuer_name"),
                FieldPanel("signatory"),
            ],
            heading="Certificate",
        ),
    ]

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class QualificationRequirement(Orderable):
    """A named competency a qualification asks for at a minimum level, beyond the core rule."""

    qualification = ParentalKey(
        Qualification, on_delete=models.CASCADE, related_name="requirements"
    )
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    min_level = models.PositiveSmallIntegerField("minimum level", default=3)

    panels = [FieldPanel("competency"), FieldPanel("min_level")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["qualification", "competency"], name="qualification_requirement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competency.id_number} at level {self.min_level}"
