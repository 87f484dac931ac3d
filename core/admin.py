"""Superusers see every outgoing message in the Django admin, the failed ones that belong to no council among them;
never their words."""

from django.contrib import admin

from core.models import OutgoingMessage


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    list_display = ["to", "kind", "channel", "status", "created_at", "attempts", "failed_at", "last_error"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["to"]
    fields = ["to", "kind", "channel", "status", "council_id", "created_at", "attempts", "last_tried_at", "sent_at",
              "failed_at", "last_error"]
    readonly_fields = fields
    ordering = ["-created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
