"""The shipped Web Star template and demo caseload are complete and consistent."""

import csv
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "resources" / "templates" / "family_web_star_v1.json"
CASELOAD = ROOT / "resources" / "demo" / "caseload.json"
COHORT = ROOT / "resources" / "demo" / "cohort_example.csv"
CRITERIA = ROOT / "resources" / "criteria" / "supporting_families_2022.json"
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$")
DOMAIN_KEYS = {"health", "feelings", "safety", "relationships", "routines", "learning",
               "home-money", "community", "work-skills"}


@pytest.fixture(scope="module")
def template() -> dict:
    return json.loads(TEMPLATE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def caseload() -> dict:
    return json.loads(CASELOAD.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def criterion_keys() -> set[str]:
    return {c["key"] for c in json.loads(CRITERIA.read_text(encoding="utf-8"))["criteria"]}


def test_template_has_nine_domains_with_ten_plain_descriptors(template, criterion_keys):
    assert template["values"] == ["Happy", "Healthy", "Safe"]
    domains = template["domains"]
    assert len(domains) == 9
    assert {d["key"] for d in domains} == DOMAIN_KEYS
    for domain in domains:
        assert len(domain["descriptors"]) == 10, domain["key"]
        assert all(len(text) <= 90 for text in domain["descriptors"]), domain["key"]
        assert all(text.startswith("We ") for text in domain["descriptors"]), domain["key"]
        assert domain["question"].strip()
        assert 1 <= len(domain["outcomes"]) <= 3
        assert set(domain["outcomes"]) <= criterion_keys


def test_template_loads_into_the_domain_model(template):
    star = pytest.importorskip("familyworker.domain.star")
    loaded = star.StarTemplate.from_dict(template)
    assert set(loaded.domain_keys()) == DOMAIN_KEYS


def test_caseload_has_enough_families_with_unique_references(caseload):
    refs = [f["reference"] for f in caseload["families"]]
    assert len(refs) >= 30
    assert len(refs) == len(set(refs))


def test_caseload_team_and_workers(caseload):
    roles = [w["role"] for w in caseload["workers"]]
    assert roles.count("worker") == 3 and roles.count("supervisor") == 1
    leads = [f["lead_worker"] for f in caseload["families"]]
    assert leads.count("w1") >= 24
    assert set(leads) <= {w["key"] for w in caseload["workers"]}


def test_every_star_scores_all_domains_from_one_to_ten(caseload, template):
    keys = {d["key"] for d in template["domains"]}
    for family in caseload["families"]:
        assert 1 <= len(family["stars"]) <= 4, family["reference"]
        for star in family["stars"]:
            assert set(star["scores"]) == keys, family["reference"]
            for value in star["scores"].values():
                assert isinstance(value[0], int) and 1 <= value[0] <= 10


def test_every_action_has_an_owner(caseload):
    for family in caseload["families"]:
        for plan in family["plans"]:
            for goal in plan["goals"]:
                for action in goal["actions"]:
                    assert action["who"].strip(), family["reference"]


def test_closed_families_have_reasons_and_only_they_do(caseload):
    closed = [f for f in caseload["families"] if f["status"] == "closed"]
    assert closed
    for family in caseload["families"]:
        if family["status"] == "closed":
            assert family["closure_reason"] and family["closed_on"] is not None
            assert family["opened_on"] is None or family["opened_on"] <= family["closed_on"]
        else:
            assert family["closure_reason"] is None


def test_plans_versions_and_dates(caseload):
    for family in caseload["families"]:
        plans = family["plans"]
        assert [p["version"] for p in plans] == list(range(1, len(plans) + 1))
        drafts = [p for p in plans if p["status"] == "draft"]
        assert len(drafts) <= 1 and (not drafts or drafts[0] is plans[-1])
        for plan in plans:
            if plan["status"] == "agreed":
                assert plan["agreed_on"] is not None
                assert plan["review_due"] >= plan["agreed_on"]


def test_notes_and_postcodes(caseload, criterion_keys):
    for family in caseload["families"]:
        assert POSTCODE.match(family["postcode"]), family["postcode"]
        assert 2 <= len(family["members"]) <= 6
        assert {c["key"] for c in family["criteria"]} <= criterion_keys
        for note in family["notes"]:
            assert note["occurred_at"][0] <= 0
            if note["status"] == "final":
                assert note["narrative"].strip()


def test_caseload_has_overdue_facts(caseload):
    live = [f for f in caseload["families"] if f["status"] in ("open", "step-down")]
    overdue_visits = [f for f in live
                      if max(n["occurred_at"][0] for n in f["notes"]) < -14]
    overdue_reviews = [f for f in live if f["plans"][-1]["review_due"] is not None
                       and f["plans"][-1]["review_due"] < 0]
    assert overdue_visits and overdue_reviews


def test_cohort_example_csv(criterion_keys):
    with COHORT.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 8
    assert list(rows[0]) == ["reference", "household_name", "postcode", "address", "locality",
                             "criteria", "members"]
    for row in rows:
        assert POSTCODE.match(row["postcode"])
        assert set(row["criteria"].split(";")) <= criterion_keys
        for member in row["members"].split(";"):
            name, relationship, born = member.split("|")
            assert name and relationship
            assert born == "" or re.match(r"^\d{4}-\d{2}-\d{2}$", born)
