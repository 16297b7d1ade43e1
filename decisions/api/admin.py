"""Admin for API tokens: issue (the key is shown once), see last use, revoke. Never edited or deleted:
a revoked token stays as the record of which system acted when."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from decisions.models import ApiToken

from .tokens import api_token_issue, api_token_revoke, api_token_rotate, scope_problem


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "user", "department"]

    def clean(self):
        data = super().clean()
        if data.get("user") and data.get("department"):
            problem = scope_problem(data["user"], data["department"])
            if problem:
                raise forms.ValidationError({"user": problem})
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "key_prefix",
        "user",
        "department",
        "created_at",
        "last_used_at",
        "last_used_ip",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("department__government", "revoked_at")
    search_fields = ("name", "key_prefix", "user__username")
    form = ApiTokenForm
    actions = ["revoke", "rotate"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "user", "department")
        return (
            "name",
            "user",
            "department",
            "key_prefix",
            "created_by",
            "created_at",
            "last_used_at",
            "last_used_ip",
            "expires_at",
            "revoked_at",
            "revoked_by",
        )

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, key = api_token_issue(user=obj.user, department=obj.department, name=obj.name, issued_by=request.user)
        obj.pk = token.pk
        self.message_user(
            request,
            _("The token's key, shown only this once: %(key)s") % {"key": key},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token, revoked_by=request.user)

    @admin.action(description=_("Rotate the selected tokens (new keys, the old ones revoked)"))
    def rotate(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            new_token, key = api_token_rotate(token=token, rotated_by=request.user)
            self.message_user(
                request,
                _("The new key of %(name)s, shown only this once: %(key)s") % {"name": new_token.name, "key": key},
                messages.WARNING,
            )
