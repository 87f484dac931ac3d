"""Council staff: approvals, reviews, lists, invitations, under /council/ (namespace "council")."""

app_name = "council"
urlpatterns = []
