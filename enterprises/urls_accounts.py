"""Signing in and out, password reset, listing an enterprise, accepting an invitation (no namespace)."""

urlpatterns = []
