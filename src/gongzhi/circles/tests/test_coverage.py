"""Coverage and greedy suggestion on constructed examples whose answers are computed by hand."""

import numpy as np
import pytest

from gongzhi.circles import coverage, queries
from gongzhi.places.models import Centre

pytestmark = pytest.mark.django_db


def test_radius_follows_the_documented_model():
    # 15 min × 75 m/min = 1,125 walking metres; ÷ 1.3 detour = 865 straight-line metres
    assert round(coverage.radius_for(15)) == 865
    assert round(coverage.radius_for(10)) == 577
    assert round(coverage.radius_for(5)) == 288


def test_shares_on_a_line_of_buildings():
    buildings = np.array([[0, 0], [500, 0], [1000, 0], [2000, 0]], dtype=float)
    residents = np.array([10, 20, 30, 40])
    sites = np.array([[0, 0]], dtype=float)
    r15 = coverage.compute(buildings, residents, sites, 15, suggest=0)
    assert (r15.residents_covered, r15.residents_total, r15.buildings_covered) == (30, 100, 2)
    assert r15.residents_share == pytest.approx(0.30)
    assert r15.buildings_share == pytest.approx(0.5)
    r5 = coverage.compute(buildings, residents, sites, 5, suggest=0)
    assert r5.residents_share == pytest.approx(0.10)
    assert r5.buildings_share == pytest.approx(0.25)
    none = coverage.compute(buildings, residents, np.zeros((0, 2)), 15, suggest=0)
    assert none.residents_covered == 0


def test_empty_area_has_no_share():
    r = coverage.compute(np.zeros((0, 2)), np.array([], dtype=int), np.zeros((0, 2)), 15)
    assert r.residents_share is None
    assert r.suggestions == []


def test_greedy_picks_the_middle_site_that_covers_three_buildings():
    targets = np.array([[0, 0], [800, 0], [1600, 0], [5000, 0]], dtype=float)
    weights = np.array([10, 10, 10, 25])
    picks = coverage.greedy_sites(targets, targets, weights, coverage.radius_for(15), k=5)
    assert [(p.x, p.residents, p.buildings) for p in picks] == [(800.0, 30, 3), (5000.0, 25, 1)]


def test_greedy_does_not_count_residents_twice():
    # two overlapping candidates: after the first, the second gains only what is left
    targets = np.array([[0, 0], [600, 0], [1200, 0]], dtype=float)
    candidates = np.array([[300, 0], [900, 0]], dtype=float)
    picks = coverage.greedy_sites(candidates, targets, np.array([50, 10, 40]), coverage.radius_for(15), k=3)
    assert [(p.index, p.residents) for p in picks] == [(0, 60), (1, 40)]


def test_candidate_sites_drop_near_duplicates():
    xy = np.array([[0, 0], [10, 10], [200, 0]], dtype=float)
    assert len(coverage.candidate_sites(xy)) == 2


def test_area_coverage_counts_residents_per_building_from_households(actors):
    net = actors.net
    # building A (113.901, 22.701): resident_a and person_a; building B (113.921, 22.701): person_b
    Centre.objects.create(
        name="甲社区党群服务中心", level="community", territory=net.a.community, lon=113.9012, lat=22.7012
    )
    area = queries.area_coverage(net.street, minutes=15)
    r = area.result
    assert (r.residents_covered, r.residents_total, r.buildings_covered, r.buildings_total) == (2, 3, 1, 2)
    assert [(s["residents"], s["buildings"]) for s in area.suggestion_points()] == [(1, 1)]
    parts = {p["name"]: p for p in area.by_part()}
    assert parts["甲社区"]["residents_covered"] == 2
    assert parts["乙社区"]["residents_covered"] == 0


def test_resources_of_chosen_kinds_count_as_sites_and_census_population_wins(actors, clinic_b):
    net = actors.net
    Centre.objects.create(
        name="甲社区党群服务中心", level="community", territory=net.a.community, lon=113.9012, lat=22.7012
    )
    net.b.building.population = 100
    net.b.building.save()
    without = queries.area_coverage(net.street, minutes=15).result
    assert (without.residents_covered, without.residents_total) == (2, 102)
    with_clinics = queries.area_coverage(net.street, minutes=15, kinds=["clinic"]).result
    assert with_clinics.residents_covered == 102
    assert queries.area_coverage(net.street, minutes=15, kinds=["park"]).result.residents_covered == 2


def test_inactive_centres_do_not_cover(actors):
    Centre.objects.create(
        name="停用中心",
        level="station",
        territory=actors.net.a.community,
        lon=113.901,
        lat=22.701,
        active=False,
    )
    assert queries.area_coverage(actors.net.street).result.residents_covered == 0
