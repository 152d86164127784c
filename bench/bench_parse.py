"""Intake parser throughput on a realistic mix of WhatsApp messages.

The mix: about 60% good requests (all five services, some with greetings, lower case,
line breaks, dotted numbers), 30% with typing mistakes (misspelt or truncated places,
desa in the wrong kecamatan, short numbers, digits in names), 10% chatter naming no
service. Every message is distinct, and the place-matching cache is cleared before each
parse ("cold") so the figure is not a cache hit rate; a "warm" pass is reported too.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta

from loket.domain.intake import parse
from loket.domain.regions import _Pool, office_regions

TODAY = date(2026, 11, 30)


def _nik(rng: random.Random, kode: str, child: bool) -> str:
    born = TODAY - timedelta(days=rng.randint(30, 16 * 365) if child else rng.randint(17 * 365, 70 * 365))
    day = born.day + (40 if rng.random() < 0.5 else 0)
    return f"{kode}{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randint(1, 9999):04d}"


def _kk(rng: random.Random, kode: str) -> str:
    registered = TODAY - timedelta(days=rng.randint(1, 20 * 365))
    return f"{kode}{registered:%d%m%y}{rng.randint(1, 9999):04d}"


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 6:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    return rng.choice([word[:i] + word[i + 1 :], word[:i] + word[i] + word[i:], word[:-1]])


NAMES = ["SITI AMINAH", "AHMAD FAUZI", "Muhammad Rizky", "NUR'AINI", "DEWI LESTARI", "H. ABDUL ROHMAN"]
CHATTER = [
    "Halo min",
    "Assalamualaikum, mau tanya syarat KIA apa ya?",
    "P",
    "min kok belum dibalas",
    "Terima kasih",
]


def messages(count: int = 2000, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    regions = office_regions()
    desa = [p for p in regions.places if p.level != "kecamatan"]
    out = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.10:
            out.append(rng.choice(CHATTER))
            continue
        place = rng.choice(desa)
        kode = rng.choice(regions.kecamatan).digits
        nama, desa_name, kec_name = rng.choice(NAMES), place.nama.upper(), place.nama_kecamatan.upper()
        nik, kk = _nik(rng, kode, child=True), _kk(rng, kode)
        if roll > 0.70:  # a typing mistake
            mistake = rng.randrange(5)
            if mistake == 0:
                kec_name = _typo(rng, kec_name)
            elif mistake == 1:
                desa_name = _typo(rng, desa_name)
            elif mistake == 2:
                desa_name = rng.choice(desa).nama.upper()
            elif mistake == 3:
                nik = nik[:-1]
            else:
                nama = nama + " 2"
        service = rng.choice(["KIA", "KIA", "KIA", "KTP", "KK", "SKPWNI", "SKDWNI"])
        if service == "KIA":
            parts = ["KIA", nik, kk, nama, desa_name, kec_name]
        elif service == "KTP":
            parts = [
                "KTP",
                _nik(rng, kode, False),
                kk,
                nama,
                desa_name,
                kec_name,
                rng.choice(["PEMULA", "HILANG"]),
            ]
        elif service == "KK":
            parts = ["KK", kk, nama, desa_name, kec_name]
        elif service == "SKPWNI":
            parts = [
                "SKPWNI",
                _nik(rng, kode, False),
                kk,
                nama,
                "JL. MAWAR NO. 3 RT 01/02, BEKASI TIMUR, KOTA BEKASI",
            ]
        else:
            parts = [
                "SKDWNI",
                f"SKPWNI/3275/{rng.randint(10, 28)}032025/{rng.randint(1, 999):04d}",
                "ikut suami",
            ]
        style = rng.random()
        if style < 0.15:
            text = "\n".join(parts)
        else:
            text = "#" + "#".join(parts)
            if style < 0.35:
                text = "Permisi min, " + text.lower()
            elif style < 0.45:
                text = text.replace(nik, f"{nik[:4]}.{nik[4:8]}.{nik[8:12]}.{nik[12:]}")
        out.append(text)
    return out


def _run(texts: list[str], cold: bool, clock) -> list[float]:
    costs = []
    for text in texts:
        if cold:
            _Pool._match_key.cache_clear()
        started = clock()
        parse(text, TODAY)
        costs.append(clock() - started)
    return costs


def main() -> None:
    texts = messages()
    parse(texts[0], TODAY)  # load the region lists once, as a running worker has
    ok = sum(parse(t, TODAY).ok for t in texts)
    print(f"mix: {len(texts)} distinct messages, {ok} ok, {len(texts) - ok} with problems")
    # Wall time suffers from other processes on a shared machine; CPU time of this
    # thread is what one parse costs.
    for clock_name, clock in (("cpu", time.thread_time), ("wall", time.perf_counter)):
        for label, cold in (("cold", True), ("warm", False)):
            costs = _run(texts, cold, clock)
            ranked = sorted(costs)
            print(
                f"{clock_name} {label}: {len(texts) / sum(costs):,.0f} messages/s; per parse "
                f"mean {statistics.mean(costs) * 1e6:.0f} µs, median {statistics.median(costs) * 1e6:.0f} µs, "
                f"p99 {ranked[int(len(costs) * 0.99)] * 1e6:.0f} µs, max {ranked[-1] * 1e6:.0f} µs"
            )


if __name__ == "__main__":
    main()
