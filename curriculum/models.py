"""Wagtail pages of the public site and the curriculum, and the competency framework."""

from django.conf import settings
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    Page,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

from .blocks import ModuleBodyBlock
from .caching import PublicCacheMixin

# Page views below import curriculum.selectors when called: the selectors import these models.


class HomePage(PublicCacheMixin, Page):
    """The public front page of the service."""

    introduction = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["curriculum.CurriculumPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        curricula = CurriculumPage.objects.child_of(self).live().order_by("path")
        return {**super().get_context(request, *args, **kwargs), "curricula": curricula}


class AssessmentMethod(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, models.Model
):
    """A way of assessing a competency, e.g. DOP: direct observation of practice."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    search_fields = [index.SearchField("code"), index.SearchField("name")]

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class NationalFramework(models.TextChoices):
    """A national framework or standard that the competencies are mapped to (the crosswalk)."""

    NHSE_B1569 = (
        "NHSE_B1569",
        "NHS England social prescribing link worker workforce development framework (B1569)",
    )
    PCI = "PCI", "Personalised Care Institute curriculum"
    ST0958 = "ST0958", "Community health and wellbeing worker apprenticeship standard (ST0958)"


class NationalReference(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, models.Model
):
    """A section, duty or knowledge, skill or behaviour of a national framework, e.g. ST0958 K3."""

    framework = models.CharField(max_length=20, choices=NationalFramework.choices)
    code = models.CharField(
        max_length=100,
        help_text="As the framework numbers or names it, e.g. K3, or a section's name.",
    )
    title = models.CharField(max_length=255, help_text="What it says, in a few words.")

    search_fields = [
        index.SearchField("code"),
        index.SearchField("title"),
        index.AutocompleteField("title"),
    ]

    class Meta:
        ordering = ["framework", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="national_reference_unique_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.framework} {self.code} – {self.title}"

    @property
    def key(self) -> str:
        """How the framework file and the rules file name it: 'ST0958:K3'."""
        return f"{self.framework}:{self.code}"


class CompetencyFramework(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    """A competency framework: its rating scale and a tree of domains and competencies."""

    id_number = models.CharField(
        "ID number",
        max_length=100,
        unique=True,
        help_text="A unique code for the framework, e.g. SPLW-CORE (Moodle's 'Id number').",
    )
    short_name = models.CharField(max_length=255)
    description = RichTextField(blank=True)
    taxonomies = models.CharField(
        max_length=255,
        blank=True,
        help_text="What each level of the tree is called, top first, e.g. 'domain,competency'.",
    )
    moodle_scale_id = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="The Moodle scale this framework's scale came from, kept for export.",
    )

    search_fields = [
        index.SearchField("short_name"),
        index.SearchField("id_number"),
        index.AutocompleteField("short_name"),
    ]

    class Meta:
        ordering = ["short_name"]

    def __str__(self) -> str:
        return f"{self.short_name} ({self.id_number})"

    @cached_property
    def proficiency_threshold(self) -> int | None:
        """The lowest level that counts as proficient."""
        values = [level.value for level in self.scale_levels.all() if level.is_proficient]
        return min(values) if values else None

    def get_preview_template(self, request, mode_name):
        return "curriculum/framework_preview.html"


class ScaleLevel(Orderable):
    """One level of a framework's rating scale. Level 0, 'not assessed', is implicit."""

    framework = ParentalKey(
        CompetencyFramework, on_delete=models.CASCADE, related_name="scale_levels"
    )
    value = models.PositiveSmallIntegerField(help_text="1 for the lowest level, then 2, 3…")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=255, blank=True)
    is_proficient = models.BooleanField(
        "counts as proficient",
        default=False,
        help_text="Assessments at this level or above meet the proficiency threshold.",
    )
    is_default = models.BooleanField(default=False, help_text="Moodle's default scale value.")

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["framework", "value"], name="scale_level_unique_value")
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.name}"


class MethodCap(Orderable):
    """The highest level one assessment method can show on its own in a framework.

    E-learning shows awareness at most, a knowledge test that the person is developing: level 3
    and above need evidence from practice, so only methods from practice go uncapped.
    """

    framework = ParentalKey(
        CompetencyFramework, on_delete=models.CASCADE, related_name="method_caps"
    )
    method = models.ForeignKey(AssessmentMethod, on_delete=models.PROTECT, related_name="+")
    max_level = models.PositiveSmallIntegerField(
        "highest level on its own", help_text="The highest scale level this method can show alone."
    )

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["framework", "method"], name="method_cap_unique")
        ]

    def __str__(self) -> str:
        return f"{self.method.code} up to level {self.max_level}"


class CompetencyQuerySet(models.QuerySet):
    def assessable(self) -> "CompetencyQuerySet":
        """What is assessed: competencies in use, not the domains at the top that group them."""
        return self.filter(is_retired=False).exclude(parent_id_number="")


class Competency(Orderable, ClusterableModel):
    """A domain or competency in a framework; a node with children is a domain."""

    objects = CompetencyQuerySet.as_manager()

    framework = ParentalKey(
        CompetencyFramework, on_delete=models.CASCADE, related_name="competencies"
    )
    id_number = models.CharField(
        "code", max_length=100, help_text="Unique within the framework, e.g. SPLW-ROL-01."
    )
    parent_id_number = models.CharField(
        "parent code",
        max_length=100,
        blank=True,
        help_text="The code of the domain this sits under; blank at the top of the tree.",
    )
    short_name = models.CharField("title", max_length=255)
    description = RichTextField(blank=True)
    assessment_criteria = models.TextField(
        blank=True, help_text="What an assessor looks for, one criterion per line."
    )
    # The evidence rule: every "all of" method, and one of the "any of" methods when there are
    # any, must be met by standing assessments before the competency counts at a level.
    required_methods = ParentalManyToManyField(
        AssessmentMethod,
        blank=True,
        related_name="competencies_requiring",
        verbose_name="all of these methods",
        help_text="Each of these is needed, e.g. a simulation and a knowledge test.",
    )
    accepted_methods = ParentalManyToManyField(
        AssessmentMethod,
        blank=True,
        related_name="competencies",
        verbose_name="any of these methods",
        help_text="One of these is needed (besides any 'all of' methods), e.g. DOP or SIM.",
    )
    advanced_descriptor = models.TextField(
        "level 4 descriptor",
        blank=True,
        help_text="What the top of the scale (Advanced: teaches, leads or quality-assures) looks "
        "like for this competency.",
    )
    senior_route = models.CharField(
        "senior route",
        max_length=255,
        blank=True,
        help_text="The senior link worker route it supports, e.g. practice educator.",
    )
    national_references = ParentalManyToManyField(
        NationalReference,
        blank=True,
        related_name="competencies",
        verbose_name="national framework references",
        help_text="Where the national frameworks cover it: the crosswalk.",
    )
    is_core = models.BooleanField("core", default=False)
    needed_before_unsupervised_work = models.BooleanField(
        default=False,
        help_text="Part of the 'safe to practise' milestone before an unsupervised caseload.",
    )
    is_retired = models.BooleanField(
        "retired",
        default=False,
        help_text="Retired competencies are no longer assessed; their history is kept.",
    )
    refresh_months = models.PositiveSmallIntegerField(
        "refresh every (months)",
        null=True,
        blank=True,
        help_text="Leave empty if it never needs refreshing; e.g. 12 for information governance.",
    )
    refresh_method = models.ForeignKey(
        AssessmentMethod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The method that refreshes it, e.g. ELC; empty for any method of its rule.",
    )
    cross_references = models.CharField(
        max_length=1000, blank=True, help_text="Codes of related competencies, comma-separated."
    )
    rule_type = models.CharField(max_length=255, blank=True)
    rule_outcome = models.CharField(max_length=20, blank=True)
    rule_config = models.TextField(blank=True)

    class Meta(Orderable.Meta):
        verbose_name_plural = "competencies"
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "id_number"], name="competency_code_unique_in_framework"
            )
        ]

    def __str__(self) -> str:
        return f"{self.id_number} {self.short_name}"

    @property
    def criteria_list(self) -> list[str]:
        return [line.strip() for line in self.assessment_criteria.splitlines() if line.strip()]


class CurriculumVersion(models.Model):
    """A published state of a framework; assessments record the version they were made against."""

    framework = models.ForeignKey(
        CompetencyFramework, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    revision = models.OneToOneField(
        "wagtailcore.Revision", on_delete=models.PROTECT, related_name="curriculum_version"
    )
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["framework", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="curriculum_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.framework.id_number} version {self.number}"


class CurriculumPage(PublicCacheMixin, RoutablePageMixin, Page):
    """A named curriculum, e.g. the link worker core curriculum, with its modules beneath."""

    version_label = models.CharField(
        max_length=40, help_text="The edition learners see, e.g. 2026.1."
    )
    framework = models.ForeignKey(
        CompetencyFramework, on_delete=models.PROTECT, related_name="curricula"
    )
    introduction = RichTextField(blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("version_label"),
        FieldPanel("framework"),
        FieldPanel("introduction"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    parent_page_types = ["curriculum.HomePage"]
    subpage_types = ["curriculum.ModulePage"]

    def get_context(self, request, *args, **kwargs):
        from .selectors import curriculum_context

        return {**super().get_context(request, *args, **kwargs), **curriculum_context(self)}

    def get_cached_paths(self) -> list[str]:
        """Every route a frontend cache may hold, purged with the page."""
        codes = self.framework.competencies.values_list("id_number", flat=True)
        return [
            "/",
            "print/",
            "crosswalk/",
            "crosswalk/csv/",
            *(f"competencies/{code}/" for code in codes),
        ]

    @path("print/", name="print")
    def print_view(self, request):
        from .selectors import curriculum_print_context

        return self.render(
            request,
            context_overrides=curriculum_print_context(self),
            template="curriculum/curriculum_print.html",
        )

    @path("crosswalk/", name="crosswalk")
    def crosswalk_view(self, request):
        from .selectors import crosswalk_rows

        return self.render(
            request,
            context_overrides={"rows": crosswalk_rows(self), "frameworks": NationalFramework},
            template="curriculum/crosswalk.html",
        )

    @path("crosswalk/csv/", name="crosswalk_csv")
    def crosswalk_csv_view(self, request):
        from .crosswalk import crosswalk_csv_response
        from .selectors import crosswalk_rows

        return crosswalk_csv_response(crosswalk_rows(self), filename=f"{self.slug}-crosswalk.csv")

    @path("competencies/<str:code>/", name="competency")
    def competency_view(self, request, code):
        from .selectors import competency_context

        competency = get_object_or_404(
            Competency.objects.select_related("framework"), framework=self.framework, id_number=code
        )
        return self.render(
            request,
            context_overrides=competency_context(self, competency),
            template="curriculum/competency_detail.html",
        )


class ModulePage(PublicCacheMixin, RoutablePageMixin, Page):
    """A module of a curriculum: what to learn, with teaching content and its competencies."""

    code = models.CharField(max_length=20, help_text="Short module code, e.g. ROL.")
    summary = models.TextField(max_length=300)
    learning_outcomes = models.TextField(help_text="One learning outcome per line.")
    study_hours = models.PositiveSmallIntegerField("estimated study hours")
    needed_before_unsupervised_work = models.BooleanField(default=False)
    body = StreamField(ModuleBodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("code"),
                FieldPanel("summary"),
                FieldPanel("study_hours"),
                FieldPanel("needed_before_unsupervised_work"),
            ],
            heading="About the module",
        ),
        FieldPanel("learning_outcomes"),
        InlinePanel(
            "module_competencies",
            heading="Competencies it develops",
            label="Competency",
            panels=[FieldPanel("competency")],
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("code"),
        index.SearchField("summary"),
        index.SearchField("learning_outcomes"),
        index.SearchField("body"),
    ]
    parent_page_types = ["curriculum.CurriculumPage"]
    subpage_types = []

    @property
    def outcomes_list(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        from .selectors import module_context

        return {**super().get_context(request, *args, **kwargs), **module_context(self)}

    def get_cached_paths(self) -> list[str]:
        return ["/", "history/"]

    @path("history/", name="history")
    def history_view(self, request):
        from .selectors import page_versions

        return self.render(
            request,
            context_overrides={"versions": list(reversed(page_versions(self)))},
            template="curriculum/module_history.html",
        )


class ModuleCompetency(Orderable):
    """A competency that a module develops."""

    module = ParentalKey(ModulePage, on_delete=models.CASCADE, related_name="module_competencies")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["module", "competency"], name="module_competency_unique"
            )
        ]
