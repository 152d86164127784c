from django.contrib import admin

from loket.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "name", "state", "attempts", "run_after", "created_at"]
    list_filter = ["state", "name"]
    readonly_fields = [f.name for f in Job._meta.fields]
