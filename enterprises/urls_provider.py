"""Provider self-service, under /provider/ (namespace "provider")."""

app_name = "provider"
urlpatterns = []
