"""Wagtail admin: import a Moodle competency framework CSV (with its rules file), previewed
before anything is saved; export one as a zip of the CSV and the rules file."""

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.views.generic import FormView, View
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.permissions import policy_registry

from . import selectors, services
from .models import CompetencyFramework
from .moodle import (
    MoodleImportError,
    ParsedFramework,
    parse_framework_files,
    write_framework_zip,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
PREVIEW_MAX_AGE = 60 * 60  # seconds; an older preview must be uploaded again
URL_NAME = "curriculum_framework_import"
EXPORT_URL_NAME = "curriculum_framework_export"


def _salt(user) -> str:
    # Per user, so one person's signed preview cannot be confirmed by another.
    return f"curriculum.framework-import:{user.pk}"


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label="Moodle competency framework CSV",
        help_text="As exported by Moodle's 'Export competency framework': UTF-8, at most 5 MB.",
        validators=[FileExtensionValidator(["csv"], message="Choose a .csv file.")],
    )

    rules_file = forms.FileField(
        label="Rules file (optional)",
        required=False,
        help_text="The .rules.json file exported beside the CSV: evidence rules, method caps, "
        "refreshers, scale level descriptors, level-4 descriptors, senior routes and national "
        "framework references, which Moodle's CSV has no place for.",
        validators=[FileExtensionValidator(["json"], message="Choose a .json rules file.")],
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("The file is larger than 5 MB.")
        return upload

    def clean_rules_file(self):
        upload = self.cleaned_data.get("rules_file")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("The rules file is larger than 5 MB.")
        return upload


class FrameworkConfirmForm(forms.Form):
    """The previewed file, signed, so that what is imported is exactly what was previewed."""

    payload = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_payload(self) -> dict:
        try:
            return signing.loads(
                self.cleaned_data["payload"], salt=_salt(self.user), max_age=PREVIEW_MAX_AGE
            )
        except signing.SignatureExpired as error:
            raise ValidationError("The preview has expired: upload the file again.") from error
        except signing.BadSignature as error:
            raise ValidationError(
                "The previewed file could not be verified, so nothing was imported: "
                "upload the file again."
            ) from error


class FrameworkImportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Upload, preview, confirm. Nothing is saved before the confirm step."""

    model = CompetencyFramework
    permission_required = "add"
    form_class = FrameworkUploadForm
    template_name = "curriculum/admin/framework_import.html"
    preview_template_name = "curriculum/admin/framework_import_preview.html"
    page_title = "Import framework (Moodle CSV)"
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailsnippets_curriculum_competencyframework:list"),
                "label": "Competency frameworks",
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=self.request.path,
            submit_button_label="Preview import",
            submit_button_active_label="Reading the file…",
            cancel_url=reverse("wagtailsnippets_curriculum_competencyframework:list"),
        )
        return context

    def post(self, request, *args, **kwargs):
        if "payload" in request.POST:
            return self.confirm()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data["file"].read()
        rules_upload = form.cleaned_data.get("rules_file")
        rules_data = rules_upload.read() if rules_upload else None
        try:
            parsed = parse_framework_files(data, rules_data)
        except MoodleImportError as error:
            return self.refuse(error.errors)
        if taken := selectors.framework_id_number_taken(id_number=parsed.id_number):
            return self.refuse([taken])
        # Both files were read as UTF-8 by the parser above.
        payload = signing.dumps(
            {
                "csv": data.decode("utf-8-sig"),
                "rules": None if rules_data is None else rules_data.decode("utf-8-sig"),
            },
            salt=_salt(self.request.user),
            compress=True,
        )
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and len(payload) > limit - 10_000:
            # The confirm step posts the file back as a form field, which Django caps.
            return self.refuse(
                [
                    "This file is too large to preview in the browser: ask an administrator to "
                    "run 'manage.py import_framework' with it."
                ]
            )
        return TemplateResponse(
            self.request, self.preview_template_name, self.preview_context(parsed, payload)
        )

    def preview_context(self, parsed: ParsedFramework, payload: str) -> dict:
        depths = parsed.depths()
        return self.get_context_data(
            parsed=parsed,
            rows=[{**item, "depth": depths[item["id_number"]]} for item in parsed.competencies],
            depth_counts=parsed.depth_counts(),
            confirm_form=FrameworkConfirmForm(initial={"payload": payload}, user=self.request.user),
        )

    def confirm(self):
        form = FrameworkConfirmForm(self.request.POST, user=self.request.user)
        if not form.is_valid():
            return self.refuse(form.errors["payload"])
        try:
            payload = form.cleaned_data["payload"]
            framework = services.framework_import(
                data=payload["csv"], rules_data=payload["rules"], actor=self.request.user
            )
        except MoodleImportError as error:
            return self.refuse(error.errors)
        count = framework.competencies.count()
        if framework.live:
            outcome = "published as version 1"
        elif payload["rules"] is None:
            outcome = (
                "saved as a draft: Moodle's CSV holds no descriptors of the scale levels, so "
                "write one for each level, then submit it for review to publish it"
            )
        else:
            outcome = "saved as a draft: submit it for review to publish it"
        messages.success(
            self.request, f"Imported {framework} with {count} competencies, {outcome}."
        )
        return redirect("wagtailsnippets_curriculum_competencyframework:edit", framework.pk)

    def refuse(self, errors: list[str]):
        """The upload form again, with every problem listed; nothing has been saved."""
        return self.render_to_response(
            self.get_context_data(form=FrameworkUploadForm(), import_errors=list(errors))
        )


class FrameworkExportView(PermissionCheckedMixin, View):
    """The published framework as a zip: Moodle's CSV, and beside it the rules file holding what
    Moodle has no column for (evidence rules, method caps, refreshers, descriptors)."""

    model = CompetencyFramework
    permission_required = "change"

    def get(self, request, pk: int):
        framework = CompetencyFramework.objects.filter(pk=pk).values_list("id_number").first()
        if framework is None:
            raise Http404("No such framework.")
        exported = selectors.framework_for_export(id_number=framework[0], with_rules=True)
        try:
            data = write_framework_zip(exported)
        except ValueError as error:
            messages.error(request, str(error))
            return redirect("wagtailsnippets_curriculum_competencyframework:list")
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{exported.id_number}.zip"'
        return response


def export_url(framework: CompetencyFramework) -> str:
    return reverse(EXPORT_URL_NAME, args=[framework.pk])


class FrameworkImportMenuItem(MenuItem):
    def is_shown(self, request):
        return policy_registry.get_by_type(CompetencyFramework).user_has_permission(
            request.user, "add"
        )


def admin_urls() -> list:
    return [
        path("frameworks/import/", FrameworkImportView.as_view(), name=URL_NAME),
        path("frameworks/<int:pk>/export/", FrameworkExportView.as_view(), name=EXPORT_URL_NAME),
    ]


def menu_item() -> MenuItem:
    return FrameworkImportMenuItem(
        "Import framework (Moodle CSV)", reverse_lazy(URL_NAME), icon_name="upload", order=220
    )
