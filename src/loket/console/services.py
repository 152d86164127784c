"""The five services and how the console names them."""

SERVICES: dict[str, str] = {
    "KIA": "Kartu Identitas Anak",
    "KTP": "KTP-el",
    "KK": "Kartu Keluarga",
    "SKPWNI": "Surat pindah keluar",
    "SKDWNI": "Surat pindah datang",
}
