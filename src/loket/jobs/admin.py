from typing import TYPE_CHECKING

from django.contrib import admin

from loket.jobs.models import Job

if TYPE_CHECKING:
    JobModelAdmin = admin.ModelAdmin[Job]
else:  # ModelAdmin is generic in the type stubs only; at run time it takes no parameter
    JobModelAdmin = admin.ModelAdmin


@admin.register(Job)
class JobAdmin(JobModelAdmin):
    list_display = ["pk", "name", "state", "attempts", "run_after", "created_at"]
    list_filter = ["state", "name"]
    readonly_fields = [f.name for f in Job._meta.fields]
