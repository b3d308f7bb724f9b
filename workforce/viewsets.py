"""Wagtail admin for people, organisations and memberships; every write goes through services."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from . import services
from .forms import AccountCreationForm, AccountEditForm
from .models import Membership, Organisation


class UserViewSet(WagtailUserViewSet):
    """Wagtail's user admin with our account forms (templates in templates/wagtailusers)."""

    def get_form_class(self, for_update: bool = False):
        return AccountEditForm if for_update else AccountCreationForm


class _ServiceCreateView(generic.CreateView):
    """Create through a service so the admin enforces the same rules as everything else."""

    def save_instance(self):
        try:
            return self.create_through_service(self.form.cleaned_data)
        except ValidationError as error:
            self.form.add_error(None, error)
            raise

    def form_valid(self, form):
        self.form = form
        try:
            return super().form_valid(form)
        except ValidationError:
            return self.form_invalid(form)


class OrganisationCreateView(_ServiceCreateView):
    def create_through_service(self, data):
        return services.organisation_create(
            name=data["name"], kind=data["kind"], ods_code=data["ods_code"], actor=self.request.user
        )


class MembershipCreateView(_ServiceCreateView):
    def create_through_service(self, data):
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


class MembershipEditView(generic.EditView):
    """Only the end date changes once a membership exists: who worked where stays on record."""

    def save_instance(self):
        return services.membership_end(
            membership=self.object,
            ends_on=self.form.cleaned_data["ends_on"],
            actor=self.request.user,
        )


class KeepRecordsPermissionPolicy(ModelPermissionPolicy):
    """Organisations and memberships are history: nobody deletes them, not even a superuser."""

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, set(actions) - {"delete"})

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return super().user_has_any_permission_for_instance(
            user, set(actions) - {"delete"}, instance
        )


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


class MembershipViewSet(_KeptModelViewSet):
    model = Membership
    icon = "user"
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
