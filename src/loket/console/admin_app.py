"""Django's admin app with Loket's site as the default one (see `admin_site`).

Kept apart from `admin_site` because INSTALLED_APPS imports this module before any model
is loaded; the site itself is imported lazily by Django once the registry is ready.
"""

from django.contrib.admin.apps import AdminConfig


class LoketAdminConfig(AdminConfig):
    default_site = "loket.console.admin_site.SecondFactorAdminSite"
