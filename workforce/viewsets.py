"""Wagtail admin for people, organisations and memberships; every write goes through services."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.forms import modelform_factory
from django.http import HttpResponseRedirect
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import DeleteView as SnippetDeleteView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from . import services
from .forms import AccountCreationForm, AccountEditForm
from .models import Membership, Organisation


class UserViewSet(WagtailUserViewSet):
    """Wagtail's user admin with our account forms (templates in templates/wagtailusers)."""

    def get_form_class(self, for_update: bool = False):
        return AccountEditForm if for_update else AccountCreationForm


class InUseSnippetDeleteView(SnippetDeleteView):
    """A snippet's delete that, while other records still use it (a framework with assessments,
    a qualification with certificates), says so and deletes nothing instead of failing.

    Wagtail's own check reads its reference index, which does not see every model here.
    """

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except (ProtectedError, RestrictedError) as in_use:
            kept = (
                in_use.protected_objects
                if isinstance(in_use, ProtectedError)
                else (in_use.restricted_objects)
            )
            kinds = sorted({str(item._meta.verbose_name_plural) for item in kept})
            messages.error(
                self.request,
                f"“{self.object}” is still used by {', '.join(kinds)}, so it was not deleted. "
                "Records that use it are kept for good.",
            )
            return HttpResponseRedirect(self.get_success_url())


class _ServiceWriteMixin:
    """Save through a service; its ValidationError becomes a message on the form."""

    def save_instance(self):
        return self.write(self.form.cleaned_data)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class OrganisationCreateView(_ServiceWriteMixin, generic.CreateView):
    def write(self, data):
        return services.organisation_create(
            name=data["name"], kind=data["kind"], ods_code=data["ods_code"], actor=self.request.user
        )


class MembershipCreateView(_ServiceWriteMixin, generic.CreateView):
    def write(self, data):
        return services.membership_start(
            user=data["user"],
            organisation=data["organisation"],
            role=data["role"],
            starts_on=data["starts_on"],
            actor=self.request.user,
        )


class MembershipEndForm(WagtailAdminModelForm):
    ends_on = forms.DateField(label="Ends on", help_text="The last day of this role.")

    class Meta:
        model = Membership
        fields = ["ends_on"]


class MembershipEditView(_ServiceWriteMixin, generic.EditView):
    """Only the end date changes once a membership exists: who worked where stays on record."""

    def write(self, data):
        return services.membership_end(
            membership=self.object, ends_on=data["ends_on"], actor=self.request.user
        )


class KeepRecordsPermissionPolicy(ModelPermissionPolicy):
    """Organisations and memberships are history: nobody deletes them, not even a superuser."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        kept = set(actions) - {"delete"}
        return bool(kept) and super().user_has_any_permission(user, kept)

    def user_has_permission_for_instance(self, user, action, instance):
        return action != "delete" and super().user_has_permission_for_instance(
            user, action, instance
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        kept = set(actions) - {"delete"}
        return bool(kept) and super().user_has_any_permission_for_instance(user, kept, instance)


class _KeptModelViewSet(ModelViewSet):
    copy_view_enabled = False


class OrganisationViewSet(_KeptModelViewSet):
    model = Organisation
    icon = "group"
    add_view_class = OrganisationCreateView
    list_display = ["name", "kind", "ods_code"]
    list_filter = ["kind"]
    search_fields = ["name", "ods_code"]
    form_fields = ["name", "kind", "ods_code"]


class MembershipIndexView(generic.IndexView):
    """Each row names its person and organisation: read them with the memberships, not a query
    a row."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "organisation")


class MembershipViewSet(_KeptModelViewSet):
    model = Membership
    icon = "user"
    index_view_class = MembershipIndexView
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    list_display = ["user", "organisation", "role", "starts_on", "ends_on"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__full_name", "user__email", "organisation__name"]

    def get_form_class(self, for_update: bool = False):
        if for_update:
            return MembershipEndForm
        return modelform_factory(
            Membership,
            form=WagtailAdminModelForm,
            fields=["user", "organisation", "role", "starts_on"],
        )


class WorkforceViewSetGroup(ModelViewSetGroup):
    menu_label = "Workforce"
    menu_icon = "group"
    menu_order = 300
    items = (OrganisationViewSet("organisations"), MembershipViewSet("memberships"))
