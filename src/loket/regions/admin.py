from django.contrib import admin

from loket.regions.models import Region, RegionAlias


class AliasInline(admin.TabularInline):
    model = RegionAlias
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["kode", "nama", "level"]
    list_filter = ["level"]
    search_fields = ["kode", "nama"]
    raw_id_fields = ["parent"]
    inlines = [AliasInline]
