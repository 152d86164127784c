"""Campaigns where coverage is lowest (issue 14): only residents who said yes to service news and
live in the target, once per person, within office hours and the cap shared with reminders; the
funnel read through the port; the template's category checked; roles."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from loket.cases.models import Case, State
from loket.channels.whatsapp.models import OutboundMessage
from loket.console.models import Role
from loket.outreach import campaigns, preferences
from loket.outreach.models import Campaign, CampaignRecipient, Preference, ReminderSent
from tests.console.builders import make_staff, sign_in
from tests.scheduling import builders

pytestmark = pytest.mark.django_db
JAKARTA = dt.timezone(dt.timedelta(hours=7))
BALARAJA, TIGARAKSA = "36.03.01", "36.03.03"
SENTUL = "36.03.01.2010"
MONDAY = dt.datetime(2026, 11, 30, 10, 0, tzinfo=JAKARTA)


def resident_in(kecamatan: str, desa: str = "", *, agreed: bool | None = True):
    with time_machine.travel(MONDAY - dt.timedelta(days=20), tick=False):
        case = builders.case("KIA")
    Case.objects.filter(pk=case.pk).update(kode_kecamatan=kecamatan, kode_desa=desa or f"{kecamatan}.1001")
    if agreed is not None:
        preferences.answer(case.resident, agreed=agreed, via="button", message_ref="wamid.T")
    return case.resident


def campaign(**changes) -> Campaign:
    values = {
        "name": "KIA Balaraja",
        "service": "KIA",
        "template": "loket_kampanye_kia",
        "kecamatan": [BALARAJA],
        "starts_on": dt.date(2026, 11, 30),
        "ends_on": dt.date(2026, 12, 31),
    }
    values.update(changes)
    return campaigns.create(**values)


def run(moment: dt.datetime = MONDAY) -> dict:
    with time_machine.travel(moment, tick=False):
        return campaigns.send_campaigns({})


def bulk(resident=None):
    qs = OutboundMessage.objects.filter(kind="bulk", case__isnull=True)
    return qs.filter(resident=resident) if resident else qs


def test_only_residents_who_said_yes_and_live_in_the_target_are_reached_once():
    yes = resident_in(BALARAJA)
    elsewhere = resident_in(TIGARAKSA)
    never_asked = resident_in(BALARAJA, agreed=None)
    declined = resident_in(BALARAJA, agreed=False)
    stopped = resident_in(BALARAJA)
    preferences.stop(stopped, via="keyword", message_ref="wamid.S")
    campaign()
    assert run()["sent"] == 1
    [told] = bulk()
    assert told.resident == yes and told.template_name == "loket_kampanye_kia"
    assert "KIA" in told.text and "BERHENTI" in told.text and told.template_params == ["Balaraja"]
    for nobody in (elsewhere, never_asked, declined, stopped):
        assert not bulk(nobody).exists()
    # Duplicate runs (the periodic job, a retry): nothing twice.
    assert run()["sent"] == 0 and run(MONDAY + dt.timedelta(hours=2))["sent"] == 0
    assert bulk().count() == 1 and CampaignRecipient.objects.count() == 1
    row = CampaignRecipient.objects.get()
    assert (row.kode_kecamatan, row.message_ref) == (BALARAJA, told.pk)


def test_a_desa_target_narrows_and_the_desa_is_named():
    sentul = resident_in(BALARAJA, SENTUL)
    resident_in(BALARAJA, f"{BALARAJA}.1001")
    campaign(desa=[SENTUL])
    assert run()["sent"] == 1
    [told] = bulk()
    assert told.resident == sentul and told.template_params == ["Sentul"]


def test_berhenti_after_the_campaign_was_created_sends_nothing():
    resident = resident_in(BALARAJA)
    campaign()
    preferences.stop(resident, via="keyword", message_ref="wamid.S")
    assert run()["sent"] == 0 and not bulk().exists()


def test_outside_office_hours_and_outside_the_period_nothing_goes():
    resident_in(BALARAJA)
    campaign(starts_on=dt.date(2026, 12, 1))
    assert run(MONDAY.replace(hour=21))["sent"] == 0  # evening
    assert run(MONDAY + dt.timedelta(days=6))["why"] == "outside sending hours"  # Sunday
    assert run()["sent"] == 0  # Monday 30 November: before the campaign starts
    assert run(MONDAY + dt.timedelta(days=1))["sent"] == 1


def test_the_daily_cap_is_shared_with_the_reminders(settings):
    settings.LOKET_OUTREACH_PER_DAY = 3
    settings.LOKET_OUTREACH_PER_RUN = 50
    people = [resident_in(BALARAJA) for _ in range(4)]
    with time_machine.travel(MONDAY - dt.timedelta(hours=3), tick=False):
        ReminderSent.objects.create(resident=people[0], child_key="x", event="kia_5", due_on=MONDAY.date())
    campaign()
    assert run()["sent"] == 2  # 3 a day, one reminder already told
    assert run(MONDAY + dt.timedelta(hours=1))["sent"] == 0
    assert run(MONDAY + dt.timedelta(days=1))["sent"] == 2  # the next day: the rest
    assert bulk().count() == 4


def test_the_per_run_cap(settings):
    settings.LOKET_OUTREACH_PER_RUN = 1
    for _ in range(3):
        resident_in(BALARAJA)
    campaign()
    assert [run(MONDAY + dt.timedelta(minutes=15 * i))["sent"] for i in range(4)] == [1, 1, 1, 0]


def test_a_template_of_the_wrong_category_or_unknown_is_refused():
    with pytest.raises(campaigns.Refused, match="UTILITY|MARKETING"):
        campaign(template="loket_kabar_permohonan")
    with pytest.raises(campaigns.Refused, match="not declared"):
        campaign(template="loket_tidak_ada")
    with pytest.raises(campaigns.Refused):
        campaign(kecamatan=[])
    with pytest.raises(campaigns.Refused):
        campaign(desa=[f"{TIGARAKSA}.2001"])
    with pytest.raises(campaigns.Refused):
        campaign(ends_on=dt.date(2026, 11, 1))
    assert not Campaign.objects.exists()


def test_tokens_follow_the_routers_pattern_and_belong_to_their_campaign():
    from loket.domain.intake.guided import split_source_token

    token = campaigns.token_for("posyandu", SENTUL)
    assert token == "POSY-3603012010"
    assert split_source_token(campaigns.prefilled_text("KIA", token)) == ("KIA", token)
    whole = Campaign(kecamatan=[BALARAJA], desa=[])
    narrow = Campaign(kecamatan=[BALARAJA], desa=[SENTUL])
    assert campaigns.token_in_campaign(whole, token) and campaigns.token_in_campaign(narrow, token)
    assert campaigns.token_in_campaign(whole, "KEC-360301")
    assert not campaigns.token_in_campaign(narrow, "KEC-360301")
    assert not campaigns.token_in_campaign(whole, "POSY-3603032001")  # Tigaraksa
    assert not campaigns.token_in_campaign(whole, "ZZZ-3603012010")  # not one of our places
    assert campaigns.read_token("POSY-36O3") is None
    with pytest.raises(ValueError):
        campaigns.token_for("pasar", SENTUL)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.COUNTER, Role.OPERATOR])
def test_wrong_role_is_refused(client, role):
    made = campaign()
    sign_in(client, make_staff("orang", role, services=["KIA"]))
    for url in (
        "/console/kampanye/",
        f"/console/kampanye/{made.pk}/",
        f"/console/kampanye/{made.pk}/poster/{SENTUL}.pdf",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/console/kampanye/", {"name": "x"}).status_code == 403


def test_a_supervisor_creates_from_the_priorities_and_a_wrong_template_is_refused(client):
    sign_in(client, make_staff("kepala", Role.SUPERVISOR))
    form = client.get(f"/console/kampanye/?kecamatan={BALARAJA}")
    assert form.status_code == 200 and f'value="{BALARAJA}" checked' in form.content.decode()
    data = {
        "name": "KIA Balaraja",
        "service": "KIA",
        "template": "loket_kabar_permohonan",
        "kecamatan": [BALARAJA],
        "desa": "",
        "starts_on": "2026-11-30",
        "ends_on": "2026-12-31",
    }
    refused = client.post("/console/kampanye/", data)
    assert refused.status_code == 400 and "tidak bisa dipakai untuk kampanye" in refused.content.decode()
    data["template"] = "loket_kampanye_kia"
    made = client.post("/console/kampanye/", data)
    created = Campaign.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/console/kampanye/{created.pk}/"
    assert created.kecamatan == [BALARAJA] and created.created_by.username == "kepala"
    page = client.get(made["Location"]).content.decode()
    assert "Balaraja" in page and f"/console/kampanye/{created.pk}/poster/{BALARAJA}.pdf" in page


def test_a_kecamatan_supervisor_cannot_target_or_read_elsewhere(client):
    other = campaign(kecamatan=[TIGARAKSA])
    sign_in(client, make_staff("camat", Role.SUPERVISOR, kecamatan=[BALARAJA]))
    assert client.get(f"/console/kampanye/{other.pk}/").status_code == 404
    data = {"service": "KIA", "template": "loket_kampanye_kia", "kecamatan": [TIGARAKSA]}
    data |= {"starts_on": "2026-11-30", "ends_on": "2026-12-31"}
    assert client.post("/console/kampanye/", data).status_code == 403


def test_a_poster_outside_the_target_or_of_an_unknown_kind_is_not_found(client):
    made = campaign(desa=[SENTUL])
    sign_in(client, make_staff("kepala", Role.SUPERVISOR))
    base = f"/console/kampanye/{made.pk}/poster/"
    assert client.get(f"{base}{SENTUL}.pdf?tempat=sekolah&ukuran=a6").status_code == 200
    assert client.get(f"{base}{TIGARAKSA}.2001.pdf").status_code == 404
    assert client.get(f"{base}{BALARAJA}.pdf").status_code == 404  # narrowed to Sentul
    assert client.get(f"{base}{SENTUL}.pdf?tempat=pasar").status_code == 404
    assert client.get(f"{base}{SENTUL}.pdf?ukuran=a3").status_code == 404


def test_states_of_cases_feed_the_funnel_opened_and_collected():
    resident = resident_in(BALARAJA)
    made = campaign()
    run()
    with time_machine.travel(MONDAY + dt.timedelta(days=2), tick=False):
        later = builders.case("KIA")
    Case.objects.filter(pk=later.pk).update(resident=resident, state=State.COLLECTED)
    other_service = builders.case("KK")
    Case.objects.filter(pk=other_service.pk).update(resident=resident)
    campaigns.refresh(made)
    row = CampaignRecipient.objects.get()
    assert row.case_id == later.pk and row.collected_at is not None
    [balaraja, total] = campaigns.funnel(made)
    assert (balaraja.label, balaraja.sent, balaraja.opened, balaraja.collected) == ("Balaraja", 1, 1, 1)
    assert (total.sent, total.delivered, total.read) == (1, 0, 0)


def test_the_same_person_on_two_office_numbers_is_reached_once():
    first = resident_in(BALARAJA)
    with time_machine.travel(MONDAY - dt.timedelta(days=20), tick=False):
        other_case = builders.case("KK")
    second = other_case.resident
    second.channel_number, second.wa_id = "2002", first.wa_id  # the same WhatsApp id, another office number
    second.save()
    Case.objects.filter(pk=other_case.pk).update(kode_kecamatan=BALARAJA, kode_desa=SENTUL)
    Preference.objects.update_or_create(resident=second, defaults={"campaigns": True})
    made = campaign()
    assert [r.pk for r, *_ in campaigns.candidates(made)] == [first.pk, second.pk]
    assert run()["sent"] == 1 and bulk().count() == 1
    assert run()["sent"] == 0 and CampaignRecipient.objects.count() == 1


def test_the_priorities_page_opens_the_form_with_its_top_three_kecamatan(client):
    from pathlib import Path

    from loket.coverage import tables
    from tests.coverage.builders import run_import

    data = Path(__file__).resolve().parents[2] / "src" / "loket" / "data"
    run_import(data / "kia_coverage_history.csv")
    run_import(data / "kia_coverage_2020.csv", "2020-S2")
    top = [row["kode_kecamatan"] for row in tables.priorities_table().rows[:3]]
    sign_in(client, make_staff("kepala", Role.SUPERVISOR))
    page = client.get("/console/coverage/priorities/?sort=kecamatan").content.decode()
    link = re.search(r'href="([^"]+)" id="campaign-from-priorities"', page).group(1).replace("&amp;", "&")
    form = client.get(link).content.decode()
    assert sorted(re.findall(r'value="([\d.]+)" checked', form)) == sorted(top)


def test_a_template_refused_after_creation_stops_the_campaign_visibly(client, settings):
    resident_in(BALARAJA)
    made = campaign()
    Campaign.objects.filter(pk=made.pk).update(template="loket_kabar_permohonan")
    assert run() == {"sent": 0, "skipped": 1, "budget": 50}
    assert not bulk().exists()
    sign_in(client, make_staff("kepala", Role.SUPERVISOR))
    page = client.get(f"/console/kampanye/{made.pk}/").content.decode()
    assert 'id="campaign-refused"' in page and "UTILITY" in page
