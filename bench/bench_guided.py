"""Typed format vs guided conversation: simulated residents with typing errors (a benchmark).

The same residents (same intents, same literacy, same error draws; seed BENCH_SEED) ask for
a KIA twice, on two phone numbers:

(a) typed: one `#KIA#NIK#NO_KK#NAMA#DESA#KECAMATAN` message, rendered through the typing-error
    model; after each reply the resident reads it, fixes an error with a high chance when the
    reply names its field (NIK, KK, desa, kecamatan, the # sign) and a low chance otherwise,
    may slip a new error while retyping, and gives up after their patience runs out;
(b) guided: MENU, pick the row whose title names the service, then answer what each message
    asks, recognising the field it names by keywords (NIK, Kartu Keluarga/KK, nama,
    desa/kelurahan, kecamatan), typing the answer through the same error model (no #, so no
    missing # and no field order to get wrong), picking list rows by title (a "Lainnya" row
    pages on), and pressing the button that says "Benar"/"Ya"/"Setuju". When MENU is not
    answered with a list it prints "guided conversation not available" and stops.

Everything goes through the real path: signed deliveries posted to /webhooks/whatsapp,
the worker's jobs run in-process, our replies read back from the fake Graph API (which
refuses what Meta refuses). A request is completed when a reply carries its request number
(KIA-YYYYMMDD-NNNN); consent and document photos come after and are left out on both paths.

Time model (simulated seconds, stated in docs/whatsapp-inbound.md "Measured"): typing per
character by literacy (0.5 / 0.8 / 1.5 s), +2 s per `#` (the symbol keyboard), a tap 2.5 s
(4 s for the low-literacy profile), reading per character received (0.05 / 0.08 / 0.2 s),
5 s waiting for each answer on a weak signal, 20 s to look again at the KK card or the
message after an error is explained. A slip the reply names is fixed with a chance of
0.9 / 0.75 / 0.5 by literacy, one it does not name with 0.15; retyping slips again at 0.3
times the first chance. Patience on the typed path: 6 / 5 / 4 messages.

Environment: BENCH_RESIDENTS (120), BENCH_SEED (13), DATABASE_URL (default: a throw-away SQLite).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import re
import secrets
import tempfile
import time
from dataclasses import dataclass, field

RESIDENTS = int(os.environ.get("BENCH_RESIDENTS", "120"))
SEED = int(os.environ.get("BENCH_SEED", "13"))
NUMBER_ID = "990000000013"
APP_SECRET = "bench-app-secret"
TOKEN = "bench-access-token"
REQUEST_NUMBER = re.compile(r"\bKIA-\d{8}-\d{4}\b")
MAX_SENT = 30  # a resident sends at most this many messages before the simulation calls it lost

# --- the people -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    name: str
    share: float
    type_char: float  # seconds per character typed
    read_char: float  # seconds per character read
    tap: float  # seconds per tap
    patience: int  # messages they are willing to send on the typed path before giving up
    fix_named: float  # chance to find and fix a slip the reply names (NIK, KK, desa, the # sign)
    errors: dict[str, float]  # chance of each typing error per message (or per typed answer)


PROFILES = [
    Profile(
        "lancar",
        0.4,
        0.5,
        0.05,
        2.5,
        6,
        0.9,
        {
            "missing_hash": 0.03,
            "swapped": 0.03,
            "o_for_0": 0.05,
            "dropped_digit": 0.04,
            "misspelled_desa": 0.10,
            "extra_spaces": 0.2,
            "lowercase": 0.3,
        },
    ),
    Profile(
        "biasa",
        0.4,
        0.8,
        0.08,
        2.5,
        5,
        0.75,
        {
            "missing_hash": 0.12,
            "swapped": 0.08,
            "o_for_0": 0.10,
            "dropped_digit": 0.08,
            "misspelled_desa": 0.20,
            "extra_spaces": 0.3,
            "lowercase": 0.4,
        },
    ),
    Profile(
        "lansia/literasi rendah",
        0.2,
        1.5,
        0.2,
        4.0,
        4,
        0.5,
        {
            "missing_hash": 0.35,
            "swapped": 0.15,
            "o_for_0": 0.20,
            "dropped_digit": 0.12,
            "misspelled_desa": 0.30,
            "extra_spaces": 0.4,
            "lowercase": 0.5,
        },
    ),
]
HASH_SECONDS = 2.0
WAIT_SECONDS = 5.0
RECHECK_SECONDS = 20.0
FIX_UNNAMED = 0.15  # the reply does not name the slip's field: a lucky guess
SLIP_AGAIN = 0.3  # retyping, each error's chance is this share of the first time's
# What a reply must mention for the resident to know which slip to fix.
NAMES = {
    "missing_hash": ("#",),
    "swapped": ("NIK", "KK"),
    "o_for_0": ("NIK", "KK"),
    "dropped_digit": ("NIK", "16 angka"),
    "misspelled_desa": ("desa", "Desa"),
}
HARMLESS = ("extra_spaces", "lowercase")
NAMES_POOL = [
    "SITI AMINAH",
    "BUDI SANTOSO",
    "MUHAMMAD RIZKI",
    "NUR AINI",
    "AHMAD FAUZI",
    "DEWI LESTARI",
    "RINA MARLINA",
    "AGUS SALIM",
    "PUTRI AYU",
    "DIMAS PRATAMA",
    "ZAHRA NABILA",
    "FAJAR NUGROHO",
]


@dataclass
class Intent:
    nik: str
    no_kk: str
    nama: str
    desa: str
    kecamatan: str


@dataclass
class Resident:
    n: int
    profile: Profile
    intent: Intent
    rng: random.Random


@dataclass
class Outcome:
    completed: bool = False
    sent: int = 0
    received: int = 0
    seconds: float = 0.0
    lost: str = ""  # why a guided conversation was left unfinished
    correct: bool = False  # completed with exactly the intended NIK, KK, name, desa, kecamatan
    extra: dict = field(default_factory=dict)


def _people(regions: list[tuple[str, str, str]]) -> list[Resident]:
    rng = random.Random(SEED)
    today = dt.date.today()
    people = []
    for n in range(RESIDENTS):
        roll, acc = rng.random(), 0.0
        profile = PROFILES[-1]
        for p in PROFILES:
            acc += p.share
            if roll < acc:
                profile = p
                break
        code, desa, kecamatan = rng.choice(regions)
        born = today - dt.timedelta(days=rng.randint(400, 16 * 365))
        day = born.day + (40 if rng.random() < 0.5 else 0)
        nik = f"{code}{day:02d}{born:%m%y}{rng.randint(1, 999):04d}"
        issued = today - dt.timedelta(days=rng.randint(400, 12 * 365))
        no_kk = f"{code}{issued:%d%m%y}{rng.randint(1, 9999):04d}"
        intent = Intent(nik, no_kk, rng.choice(NAMES_POOL), desa, kecamatan)
        people.append(Resident(n, profile, intent, random.Random(SEED * 1000 + n)))
    return people


# --- the typing-error model ----------------------------------------------------------------


def _o_for_0(value: str, rng: random.Random) -> str:
    zeros = [i for i, ch in enumerate(value) if ch == "0"]
    if not zeros:
        return value
    i = rng.choice(zeros)
    return value[:i] + "O" + value[i + 1 :]


def _drop_digit(value: str, rng: random.Random) -> str:
    i = rng.randrange(len(value))
    return value[:i] + value[i + 1 :]


def _misspell(value: str, rng: random.Random) -> str:
    vowels = [i for i, ch in enumerate(value) if ch.upper() in "AIUEO"]
    if not vowels:
        return value
    i = rng.choice(vowels)
    swap = rng.choice([v for v in "AIUEO" if v != value[i].upper()])
    return value[:i] + swap + value[i + 1 :]


def _slips(person: Resident, errors: set[str], first: bool) -> set[str]:
    """The slips of this attempt: the ones not fixed, plus new ones while retyping."""
    scale = 1.0 if first else SLIP_AGAIN
    new = {name for name, chance in person.profile.errors.items() if person.rng.random() < chance * scale}
    return errors | new


def _typed_message(person: Resident, errors: set[str]) -> str:
    rng, intent = person.rng, person.intent
    nik, no_kk, desa = intent.nik, intent.no_kk, intent.desa
    if "o_for_0" in errors:
        if rng.random() < 0.5:
            nik = _o_for_0(nik, rng)
        else:
            no_kk = _o_for_0(no_kk, rng)
    if "dropped_digit" in errors:
        nik = _drop_digit(nik, rng)
    if "swapped" in errors:
        nik, no_kk = no_kk, nik
    if "misspelled_desa" in errors:
        desa = _misspell(desa, rng)
    parts = ["KIA", nik, no_kk, intent.nama, desa, intent.kecamatan]
    sep = " # " if "extra_spaces" in errors else "#"
    text = (" " if "missing_hash" in errors else sep).join(parts)
    text = text if "missing_hash" in errors else "#" + text
    if "extra_spaces" in errors:
        text = "  " + text.replace(" ", "  ")
    return text.lower() if "lowercase" in errors else text


def _typed_answer(person: Resident, key: str, errors: set[str]) -> str:
    """One field typed in answer to a question: the same slips, where they can happen."""
    rng, intent = person.rng, person.intent
    value = getattr(intent, key)
    if key == "nik" and "swapped" in errors:
        value = intent.no_kk  # answered the NIK question with the KK number
    if key in ("nik", "no_kk") and "o_for_0" in errors:
        value = _o_for_0(value, rng)
    if key == "nik" and "dropped_digit" in errors:
        value = _drop_digit(value, rng)
    if key == "desa" and "misspelled_desa" in errors:
        value = _misspell(value, rng)
    if "extra_spaces" in errors:
        value = f" {value}  "
    return value.lower() if "lowercase" in errors else value


# --- the channel, seen from the phone ------------------------------------------------------


class Phone:
    """One resident's phone: sends signed deliveries, reads what the fake Graph API received."""

    def __init__(self, fake, client, wa_id: str) -> None:
        self.fake, self.client, self.wa_id = fake, client, wa_id
        self.seen = 0

    def _post(self, kind: str, content: dict) -> list:
        from loket.channels.whatsapp import envelopes

        message = envelopes.message(
            kind,
            content,
            wamid=f"wamid.BENCHG{secrets.token_hex(10)}",
            timestamp=int(time.time()),
            sender=self.wa_id,
        )
        contact = envelopes.contact(wa_id=self.wa_id, user_id=f"ID.G{self.wa_id}", name="Warga")
        data = envelopes.body(envelopes.envelope(NUMBER_ID, contacts=[contact], messages=[message]))
        answer = self.client.post(
            "/webhooks/whatsapp",
            data,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=envelopes.sign(APP_SECRET, data),
        )
        assert answer.status_code == 200, answer.status_code
        _work()
        sent = self.fake.sent_to(self.wa_id)
        new, self.seen = sent[self.seen :], len(sent)
        return new

    def text(self, body: str) -> list:
        return self._post("text", {"body": body})

    def pick(self, kind: str, reply: dict) -> list:
        return self._post("interactive", {"type": kind, kind: reply})


def _work() -> None:
    from loket.channels.whatsapp import ingest
    from loket.jobs import queue

    for _ in range(30):
        split = ingest.dispatch_pending()
        ran = queue.run_pending()
        if not split and not (ran.done or ran.failed or ran.retried):
            return


def _shown(sent) -> str:
    """All the text a phone shows of one message."""
    body = sent.body
    if body.get("type") != "interactive":
        return sent.text
    inter = body["interactive"]
    parts = [
        (inter.get("header") or {}).get("text", ""),
        sent.text,
        (inter.get("footer") or {}).get("text", ""),
    ]
    action = inter.get("action", {})
    parts += [b.get("reply", {}).get("title", "") for b in action.get("buttons", [])]
    for section in action.get("sections", []):
        parts += [f"{r.get('title', '')} {r.get('description', '')}" for r in section.get("rows", [])]
    return "\n".join(p for p in parts if p)


TRACE = os.environ.get("BENCH_TRACE", "")  # "guided:3": print what resident 3 reads on that path


def _read(person: Resident, outcome: Outcome, replies: list) -> str:
    text = "\n".join(_shown(s) for s in replies)
    if TRACE and TRACE.split(":")[-1] == str(person.n) and replies:
        print(f"--- {len(text)} characters read\n{text}")
    outcome.received += len(replies)
    outcome.seconds += WAIT_SECONDS + len(text) * person.profile.read_char
    return text


def _type(person: Resident, outcome: Outcome, text: str) -> None:
    outcome.sent += 1
    outcome.seconds += len(text) * person.profile.type_char + text.count("#") * HASH_SECONDS


def _tap(person: Resident, outcome: Outcome, taps: int = 1) -> None:
    outcome.seconds += taps * person.profile.tap


# --- (a) the typed format ------------------------------------------------------------------


def _check(outcome: Outcome, person: Resident, reply: str) -> None:
    """Completed: does the request carry what the resident meant (a swapped NIK/KK, or a
    place confirmed by mistake, completes with the wrong data)?"""
    from loket.cases.models import Case

    outcome.completed = True
    number = REQUEST_NUMBER.search(reply)
    case = Case.objects.filter(request_number=number.group(0)).first() if number else None
    fields = (case.fields or {}) if case else {}
    intent = person.intent
    meant = {"nik": intent.nik, "no_kk": intent.no_kk, "nama": intent.nama}
    outcome.correct = all(str(fields.get(k, "")).upper() == v.upper() for k, v in meant.items()) and (
        _norm(str(fields.get("desa", ""))) == _norm(intent.desa)
        and _norm(str(fields.get("kecamatan", ""))) == _norm(intent.kecamatan)
    )


def typed(person: Resident, phone: Phone) -> Outcome:
    outcome = Outcome()
    errors = _slips(person, set(), first=True)
    for attempt in range(person.profile.patience):
        message = _typed_message(person, errors)
        _type(person, outcome, message)
        _tap(person, outcome)  # send
        reply = _read(person, outcome, phone.text(message))
        if REQUEST_NUMBER.search(reply):
            _check(outcome, person, reply)
            return outcome
        outcome.seconds += RECHECK_SECONDS
        kept = set()
        for slip in sorted(errors):  # sorted: the draws do not follow the set's hash order
            if slip in HARMLESS:
                continue
            named = any(word in reply for word in NAMES[slip])
            if person.rng.random() >= (person.profile.fix_named if named else FIX_UNNAMED):
                kept.add(slip)
        errors = _slips(person, kept, first=False) if attempt + 1 < person.profile.patience else kept
    return outcome


# --- (b) the guided conversation -------------------------------------------------------------

# The field a question names, by keywords (the first keyword found in the question's last
# lines wins, so "Desa/Kelurahan di Kecamatan X" asks for the desa).
FIELD_WORDS = [
    ("no_kk", re.compile(r"kartu keluarga|\bno\.? ?kk\b|\bnomor kk\b|\bkk\b", re.I)),
    ("nik", re.compile(r"\bnik\b", re.I)),
    ("nama", re.compile(r"\bnama\b", re.I)),
    ("desa", re.compile(r"\bdesa\b|\bkelurahan\b", re.I)),
    ("kecamatan", re.compile(r"\bkecamatan\b", re.I)),
]
PROPOSED = re.compile(r"\*([^*]+)\*\?")  # a name the conversation asks to confirm
DENY = re.compile(r"^\s*(bukan|tidak|ubah)\b", re.I)
CONFIRM = re.compile(r"^\s*(benar|ya\b|saya setuju|setuju|lanjut|kirim)", re.I)
YES_NO = re.compile(r"\b(balas|ketik|jawab)\s+\*?ya\b", re.I)


def _asked_field(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    for tail in (lines[-2:], lines):
        found = []
        for key, words in FIELD_WORDS:
            hit = words.search("\n".join(tail))
            if hit:
                found.append((hit.start(), key))
        if found:
            return min(found)[1]
    return ""


def _norm(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


def _rows(inter: dict) -> list[dict]:
    return [row for section in inter.get("action", {}).get("sections", []) for row in section.get("rows", [])]


def guided(person: Resident, phone: Phone, service: str = "KIA") -> Outcome:
    outcome = Outcome()
    _type(person, outcome, "MENU")
    _tap(person, outcome)
    replies = phone.text("MENU")
    text = _read(person, outcome, replies)
    lists = [s for s in replies if s.type == "interactive" and s.body["interactive"].get("type") == "list"]
    if not lists:
        outcome.lost = "unavailable"
        return outcome
    row = next(
        (r for r in _rows(lists[-1].body["interactive"]) if service in r.get("title", "").upper()), None
    )
    if row is None:
        outcome.lost = "no service row"
        return outcome
    _tap(person, outcome, 2)  # open the list, pick the row
    outcome.sent += 1
    replies = phone.pick("list_reply", {"id": row["id"], "title": row["title"]})
    errors_by_field: dict[str, set[str]] = {}
    last_field, repeats = "", 0
    while outcome.sent < MAX_SENT:
        text = _read(person, outcome, replies)
        if REQUEST_NUMBER.search(text):
            _check(outcome, person, text)
            return outcome
        if not replies:
            outcome.lost = "no answer"
            return outcome
        question = replies[-1]
        inter = question.body.get("interactive") if question.type == "interactive" else None
        if inter is None:
            asked = _asked_field(_shown(question))
        else:  # the header and body ask; rows and buttons are the answers
            asked = _asked_field(f"{(inter.get('header') or {}).get('text', '')}\n{question.text}")
        if inter and inter.get("type") == "button":
            buttons = [b.get("reply", {}) for b in inter.get("action", {}).get("buttons", [])]
            wanted = _norm(getattr(person.intent, asked, "")) if asked else ""
            choice = next((b for b in buttons if wanted and _norm(b.get("title", "")) == wanted), None)
            proposed = PROPOSED.search(question.text)
            if choice is None and wanted and proposed and _norm(proposed.group(1)) != wanted:
                # "Maksud Anda Desa/Kelurahan *X*?" and X is not their village: they say no.
                choice = next((b for b in buttons if DENY.match(b.get("title", ""))), None)
            choice = choice or next((b for b in buttons if CONFIRM.match(b.get("title", ""))), None)
            if choice is None:
                outcome.lost = "no button to press"
                return outcome
            _tap(person, outcome)
            outcome.sent += 1
            replies = phone.pick("button_reply", {"id": choice["id"], "title": choice["title"]})
            continue
        if inter and inter.get("type") == "list":
            rows = _rows(inter)
            wanted = _norm(getattr(person.intent, asked, "")) if asked else ""
            choice = next((r for r in rows if wanted and _norm(r.get("title", "")) == wanted), None)
            choice = choice or next((r for r in rows if wanted and wanted in _norm(r.get("title", ""))), None)
            choice = choice or next((r for r in rows if "lainnya" in r.get("title", "").lower()), None)
            choice = choice or next((r for r in rows if CONFIRM.match(r.get("title", ""))), None)
            if choice is None and asked:
                pass  # not in the list: type it, as the text fallback allows
            elif choice is None:
                outcome.lost = "no row to pick"
                return outcome
            else:
                _tap(person, outcome, 2)
                outcome.sent += 1
                replies = phone.pick("list_reply", {"id": choice["id"], "title": choice["title"]})
                continue
        if not asked and YES_NO.search(question.text):
            _type(person, outcome, "YA")
            _tap(person, outcome)
            replies = phone.text("YA")
            continue
        if not asked:
            # Said so the lead can see which wording the driver does not recognise.
            outcome.lost = f"question not understood: {' '.join(question.text.split())[:70]!r}"
            return outcome
        # Type the answer; asked again for the same field, the resident looks again and fixes.
        if asked == last_field:
            repeats += 1
            if repeats >= person.profile.patience - 1:
                outcome.lost = f"gave up (asked again and again for {asked})"
                return outcome
            outcome.seconds += RECHECK_SECONDS
            kept = {s for s in errors_by_field.get(asked, set()) if s not in HARMLESS}
            kept = {s for s in sorted(kept) if person.rng.random() >= person.profile.fix_named}
            errors_by_field[asked] = _slips(person, kept, first=False)
        else:
            repeats = 0
            errors_by_field[asked] = _slips(person, set(), first=True) - {"missing_hash"}
        answer = _typed_answer(person, asked, errors_by_field[asked])
        last_field = asked
        _type(person, outcome, answer)
        _tap(person, outcome)
        replies = phone.text(answer)
    outcome.lost = "too many messages"
    return outcome


# --- the run -------------------------------------------------------------------------------------


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")
    os.environ.setdefault("LOKET_SECRET_KEY", "bench-secret-key")
    os.environ.setdefault("LOKET_LOG_LEVEL", "ERROR")
    if not os.environ.get("DATABASE_URL"):
        os.environ["LOKET_DATA_DIR"] = tempfile.mkdtemp(prefix="loket-bench-guided-")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import override_settings, setup_test_environment

    from loket.channels.whatsapp.fake_graph import FakeGraph

    fake = FakeGraph(access_token=TOKEN, app_secret=APP_SECRET).start()
    # Undone at the end: `make bench` runs the other benchmarks in this process afterwards.
    overrides = override_settings(
        ALLOWED_HOSTS=["*"],
        MEDIA_ROOT=tempfile.mkdtemp(prefix="loket-bench-guided-media-"),
        LOKET_WA_GRAPH_URL=fake.url,
        LOKET_WA_ACCESS_TOKEN=TOKEN,
        LOKET_WA_APP_SECRET=APP_SECRET,
        # Simulated time is not wall time: the pacing and flood guards would hold replies back.
        LOKET_WA_PAIR_BURST=10_000,
        LOKET_WA_FLOOD_PER_MINUTE=10_000,
        LOKET_WA_ACK_DELAY_SECONDS=0,
    )
    overrides.enable()
    with contextlib.suppress(RuntimeError):  # an earlier benchmark of this run set it up
        setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    return fake, connection, name, overrides


def _regions() -> list[tuple[str, str, str]]:
    from loket.regions.models import Region

    desa = Region.objects.filter(
        level__in=[Region.Level.DESA, Region.Level.KELURAHAN], parent__parent__kode="36.03"
    ).select_related("parent")
    return [(d.parent.kode.replace(".", ""), d.nama.upper(), d.parent.nama.upper()) for d in desa]


def _summary(label: str, outcomes: list[Outcome]) -> None:
    done = [o for o in outcomes if o.completed]
    share = len(done) / len(outcomes)
    if not done:
        print(f"{label}: completed 0/{len(outcomes)}")
        return
    sent = sum(o.sent for o in outcomes) / len(done)
    received = sum(o.received for o in outcomes) / len(done)
    minutes_done = sum(o.seconds for o in done) / len(done) / 60
    minutes_all = sum(o.seconds for o in outcomes) / len(done) / 60
    print(
        f"{label}: completed {len(done)}/{len(outcomes)} ({share:.0%}); per completed request "
        f"{sent:.1f} messages sent + {received:.1f} received; {minutes_done:.1f} simulated minutes "
        f"for a completed request, {minutes_all:.1f} counting the time of those who gave up; "
        f"{sum(o.correct for o in done)}/{len(done)} completed with the intended data"
    )


def main() -> None:
    fake, connection, name, overrides = _setup()
    from django.test import Client

    from loket.channels.whatsapp.models import PhoneNumber

    try:
        PhoneNumber.objects.create(
            phone_number_id=NUMBER_ID, display_number="6285694012597", services=["KIA"]
        )
        people = _people(_regions())
        client = Client()
        began = time.monotonic()
        results: dict[str, list[tuple[Resident, Outcome]]] = {"typed": [], "guided": []}
        for person in people:
            results["typed"].append((person, typed(person, Phone(fake, client, f"62811{person.n:07d}"))))
        guided_available = True
        for person in people:
            outcome = guided(person, Phone(fake, client, f"62812{person.n:07d}"))
            if outcome.lost == "unavailable":
                guided_available = False
                break
            results["guided"].append((person, outcome))
        print(
            f"{len(people)} simulated residents asking for a KIA (seed {SEED}); "
            f"{time.monotonic() - began:.0f} s of wall time"
        )
        for path in ("typed", "guided"):
            if path == "guided" and not guided_available:
                print("guided: guided conversation not available (MENU is not answered with a list)")
                continue
            _summary(path, [o for _, o in results[path]])
            for profile in PROFILES:
                mine = [o for p, o in results[path] if p.profile is profile]
                if mine:
                    _summary(f"  {path}, {profile.name}", mine)
            lost: dict[str, int] = {}
            for _, o in results[path]:
                if o.lost:
                    lost[o.lost] = lost.get(o.lost, 0) + 1
            if lost:
                print(f"  {path}: left unfinished because {lost}")
        print(
            f"fake Graph API refusals (over WhatsApp's limits or malformed): "
            f"{sum(1 for r in fake.calls() if r.answer_status >= 400)}"
        )
    finally:
        fake.stop()
        connection.creation.destroy_test_db(name, verbosity=0)
        overrides.disable()


if __name__ == "__main__":
    main()
