"""The catalogue of problems (the resident must fix) and warnings (for the officer).

Codes are stable: the channel, the console and the acceptance checks rely on them, and
docs/intake.md lists every one with an example. Texts are short, plain Bahasa Indonesia.
"""

from __future__ import annotations

from dataclasses import dataclass

# Automated checks can be wrong (a NIK's date may differ from the real birth date), so
# every problem tells the resident how to reach a person.
OFFICER_HINT = "Jika data Anda sudah benar, balas PETUGAS agar dibantu petugas."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a message. `field` is a JSON key, or `format` / `service`."""

    code: str
    field: str
    message: str  # what the resident (problem) or the officer (warning) reads
    text: str = ""  # the message without the officer hint: one line of a reply
    redirect: str = ""  # the service the resident should apply for instead (KIA at 17 -> KTP)
    resident: str = (
        ""  # a warning as the resident reads it under the answer (never an instruction to officers)
    )

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "message": self.message}


# code -> message template (str.format fields filled by the parser)
PROBLEMS: dict[str, str] = {
    # --- the message as a whole ------------------------------------------------------------
    "service_unknown": "{help}",
    "format_missing_fields": (
        "Data permohonan {service} belum lengkap: {given}, seharusnya {expected} data ({labels}), "
        "dipisah dengan tanda #."
    ),
    "format_extra_fields": (
        "Ada data lebih dari yang diminta: {extra}. Permohonan {service} cukup {expected} data ({labels})."
    ),
    "field_missing": "{words} belum diisi.",
    # --- NIK -------------------------------------------------------------------------------
    "nik_not_number": "NIK hanya berisi angka, tanpa huruf. Yang Anda tulis: {value}. Mohon periksa lagi.",
    "nik_length": "NIK harus 16 angka, yang Anda tulis {count} angka. Mohon periksa lagi.",
    "nik_birth_date_invalid": (
        "NIK sepertinya salah ketik: angka ke-7 sampai ke-12 ({part}) harus tanggal lahir "
        "(tanggal, bulan, tahun; untuk perempuan tanggal ditambah 40). Mohon periksa lagi."
    ),
    "nik_birth_date_future": (
        "NIK sepertinya salah ketik: tanggal lahir di dalam NIK ({date}) belum terjadi.{hint} Mohon periksa lagi."
    ),
    "nik_serial_zero": "NIK sepertinya salah ketik: 4 angka terakhir tidak mungkin 0000. Mohon periksa lagi.",
    # --- KK number -------------------------------------------------------------------------
    "no_kk_not_number": "Nomor KK hanya berisi angka, tanpa huruf. Yang Anda tulis: {value}. Mohon periksa lagi.",
    "no_kk_length": "Nomor KK harus 16 angka, yang Anda tulis {count} angka. Mohon periksa lagi.",
    "no_kk_region_unknown": (
        "Nomor KK sepertinya salah ketik: 6 angka pertama ({part}) bukan kode wilayah kecamatan. "
        "Mohon periksa lagi."
    ),
    "no_kk_date_invalid": (
        "Nomor KK sepertinya salah ketik: angka ke-7 sampai ke-12 ({part}) harus tanggal "
        "(tanggal, bulan, tahun). Mohon periksa lagi."
    ),
    "no_kk_date_future": (
        "Nomor KK sepertinya salah ketik: tanggal di dalam nomor KK ({date}) belum terjadi. Mohon periksa lagi."
    ),
    "no_kk_serial_zero": "Nomor KK sepertinya salah ketik: 4 angka terakhir tidak mungkin 0000. Mohon periksa lagi.",
    # --- age rules -------------------------------------------------------------------------
    "kia_age_17": (
        "Menurut NIK, anak ini lahir {date} dan sudah berumur {age} tahun. KIA hanya untuk anak di bawah "
        "17 tahun: sekarang waktunya membuat KTP-el (kirim ke {ktp_number} dengan format {ktp_format})."
    ),
    "nik_same_as_no_kk": (
        "NIK dan Nomor KK yang Anda tulis sama ({value}). Nomor KK ada di bagian atas Kartu Keluarga; "
        "NIK ada di baris nama orangnya. Mohon periksa lagi NIK."
    ),
    # --- names -----------------------------------------------------------------------------
    "name_has_digits": "{words} tidak boleh berisi angka. Yang Anda tulis: {value}.",
    "name_invalid_characters": (
        "{words} hanya boleh berisi huruf, spasi, titik, tanda petik (') dan tanda hubung (-). "
        "Tanda ini tidak boleh: {chars}"
    ),
    "name_too_short": "{words} terlalu pendek: paling sedikit 2 huruf.",
    "name_too_long": "{words} terlalu panjang: paling banyak 60 huruf (sekarang {count}).",
    # --- places ----------------------------------------------------------------------------
    "kecamatan_unknown": "Kecamatan {value} tidak ada di {regency}.{hint} Mohon periksa lagi nama kecamatan.",
    "kecamatan_outside_office": (
        "Kecamatan {place} ada di {elsewhere}, bukan di {regency}. Layanan ini untuk warga {regency}."
    ),
    "kecamatan_ambiguous": "Nama kecamatan {value} belum jelas: maksud Anda {options}? Tulis nama yang benar.",
    "desa_unknown": "Desa/kelurahan {value} tidak ada di {where}. Mohon periksa lagi nama desa/kelurahan.",
    "desa_not_in_kecamatan": (
        "{desa} tidak ada di Kecamatan {kecamatan}. {where}{hint} Mohon periksa lagi nama desa dan kecamatan."
    ),
    "desa_ambiguous": (
        "Nama desa/kelurahan {value} belum jelas: maksud Anda {options}?{hint} Tulis nama yang benar."
    ),
    # --- the other fields ------------------------------------------------------------------
    "jenis_unknown": (
        "Jenis permohonan KTP-el harus salah satu dari: PEMULA (KTP-el pertama), HILANG, atau RUSAK. "
        "Yang Anda tulis: {value}."
    ),
    "alamat_too_short": (
        "Alamat pindah terlalu pendek. Tulis alamat tujuan lengkap: jalan/kampung, RT/RW, desa, kecamatan, "
        "kabupaten/kota (paling sedikit 10 huruf)."
    ),
    "alamat_too_long": "Alamat pindah terlalu panjang: paling banyak 200 huruf (sekarang {count}).",
    "no_skpwni_invalid": (
        "Nomor SKPWNI hanya berisi huruf, angka, garis miring (/), titik dan tanda hubung, "
        "seperti tertulis di surat pindah, misalnya SKPWNI/3506/22032021/0101."
    ),
    "keperluan_too_long": "Keperluan terlalu panjang: paling banyak 300 huruf (sekarang {count}).",
}

# Warnings never block a request: they tell the officer what to look at.
WARNINGS: dict[str, str] = {
    "nik_region_outside_office": (
        "Kode wilayah NIK {code} adalah Kecamatan {place}, {elsewhere}, di luar {regency}. "
        "NIK tetap memakai kode tempat pertama kali terbit; pastikan domisili dari KK."
    ),
    "nik_region_unknown": (
        "Kode wilayah NIK {code} tidak ada dalam daftar kode wilayah sekarang (mungkin kode lama "
        "sebelum pemekaran). Cocokkan dengan KK."
    ),
    "desa_unverified": (
        "Desa/kelurahan {value} diterima seperti ditulis warga: daftar desa Kecamatan {kecamatan} "
        "belum dimuat untuk kantor ini. Cocokkan nama desa dengan KK."
    ),
    "ktp_pemula_under_17": (
        "KTP-el PEMULA, tetapi menurut NIK umurnya {age} tahun (lahir {date}): "
        "boleh hanya jika sudah/pernah menikah. Minta buku nikah."
    ),
}


# The same warnings as the resident reads them under the answer: what happens, kindly, with
# nothing asked of the resident that the office does (the officer checks the KK).
RESIDENT_WARNINGS: dict[str, str] = {
    "nik_region_outside_office": (
        "NIK ini terbit di Kecamatan {place}, {elsewhere}. Tidak apa-apa: petugas akan "
        "mencocokkan domisili dengan KK."
    ),
    "nik_region_unknown": (
        "Kode wilayah NIK {code} tidak ada dalam daftar kami (mungkin kode lama). Petugas akan "
        "mencocokkannya dengan KK."
    ),
    "desa_unverified": "Nama desa/kelurahan {value} kami catat seperti Anda tulis; petugas akan mencocokkannya dengan KK.",
    "ktp_pemula_under_17": (
        "Menurut NIK, umurnya {age} tahun. KTP-el pemula sebelum 17 tahun hanya untuk yang sudah "
        "atau pernah menikah: siapkan buku nikah."
    ),
}


def problem(code: str, field: str, /, **params: object) -> Problem:
    text = PROBLEMS[code].format(**params)
    hinted = text if code == "service_unknown" else f"{text} {OFFICER_HINT}"
    return Problem(code=code, field=field, message=hinted, text=text)


def warning(code: str, field: str, /, **params: object) -> Problem:
    text = WARNINGS[code].format(**params)
    return Problem(
        code=code, field=field, message=text, text=text, resident=RESIDENT_WARNINGS[code].format(**params)
    )
