"""Regions of Indonesia (provinsi -> kabupaten/kota -> kecamatan -> desa/kelurahan).

Generic on purpose: the national list holds every province, regency and kecamatan; an
office loads the desa/kelurahan of its own regency. Every code is Kemendagri's, dotted.
"""

from __future__ import annotations

from django.db import models


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINSI = "provinsi", "Provinsi"
        KABUPATEN_KOTA = "kabupaten_kota", "Kabupaten/Kota"
        KECAMATAN = "kecamatan", "Kecamatan"
        DESA = "desa", "Desa"
        KELURAHAN = "kelurahan", "Kelurahan"

    kode = models.CharField(max_length=13, unique=True)
    level = models.CharField(max_length=16, choices=Level.choices, db_index=True)
    nama = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )

    class Meta:
        ordering = ["kode"]
        verbose_name = "wilayah"
        verbose_name_plural = "wilayah"

    def __str__(self) -> str:
        return f"{self.kode} {self.nama}"

    @property
    def parent_code(self) -> str:
        return self.kode.rsplit(".", 1)[0] if "." in self.kode else ""


class RegionAlias(models.Model):
    """A variant spelling people use (informal, not official)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=100)
    jenis = models.CharField(max_length=40, blank=True)

    class Meta:
        unique_together = [("region", "alias")]
        verbose_name = "alias wilayah"
        verbose_name_plural = "alias wilayah"

    def __str__(self) -> str:
        return f"{self.alias} → {self.region.nama}"
