"""The rights matrix, cell by cell: every role × every action × own/other zone.

The expected table is written out here by hand (from issue 11), not derived from the
code, so a change to the matrix has to change this table too.
"""

from __future__ import annotations

import itertools

import pytest

from dashboard import rights
from dashboard.rights import Identity, allowed, may

# "Y" allowed on both, "O" on the role's own zones only, "-" never.
EXPECTED = {
    #              view  note_write note_history followup import undo users audit
    "viewer": "Y - - - - - - -",
    "unit_leader": "Y O O - - - - -",
    "health_head": "Y Y Y Y - - - -",
    "admin": "Y - Y - Y Y Y Y",
}
ACTIONS = (
    "view",
    "note_write",
    "note_history",
    "followup_write",
    "import",
    "undo",
    "users",
    "audit",
)
CELLS = [
    (role, action, own) for role, action, own in itertools.product(EXPECTED, ACTIONS, (True, False))
]


def expected(role: str, action: str, own: bool) -> bool:
    mark = EXPECTED[role].split()[ACTIONS.index(action)]
    return mark == "Y" or (mark == "O" and own)


def test_rgt001_the_matrix_knows_exactly_these_roles_and_actions():
    assert set(rights.ROLES) == set(EXPECTED)
    assert set(rights.ACTIONS) == set(ACTIONS)
    assert len(CELLS) == 4 * 8 * 2


@pytest.mark.parametrize(("role", "action", "own"), CELLS)
def test_rgt002_every_cell_of_the_matrix(role, action, own):
    assert allowed(role, action, own) is expected(role, action, own)


@pytest.mark.parametrize(("role", "action", "own"), CELLS)
def test_rgt003_an_identity_with_one_role_gets_that_cell_on_a_real_zone(role, action, own):
    person = Identity("user:1", "Kari", frozenset({role}), frozenset({"heimdal"}))
    zone = "heimdal" if own else "tiller"
    assert may(person, action, zone) is expected(role, action, own)


def test_rgt004_several_roles_give_the_union_of_their_rights():
    both = Identity("user:2", "Per", frozenset({"health_head", "admin"}))
    for action in ACTIONS:
        assert may(both, action, "tiller") is (
            expected("health_head", action, False) or expected("admin", action, False)
        )


def test_rgt005_a_zoned_action_without_a_zone_is_refused_even_for_the_health_head():
    head = Identity("user:3", "Hege", frozenset({"health_head"}))
    for action in sorted(rights.ZONED):
        assert not may(head, action, None)
        assert not may(head, action, "")
    assert may(head, "view", None)


def test_rgt006_unknown_roles_actions_and_nobody_are_refused():
    assert not allowed("superuser", "view", True)
    assert not allowed("admin", "drop_database", True)
    assert not may(None, "view")
    assert not may(rights.ANONYMOUS, "view")
    forged = Identity("user:4", "X", frozenset({"Admin", "ADMIN "}))
    assert not any(may(forged, a, "heimdal") for a in ACTIONS)


def test_rgt007_a_unit_leader_may_write_on_each_of_their_zones_and_no_other():
    leader = Identity(
        "user:5", "Lise", frozenset({"unit_leader"}), frozenset({"heimdal", "byasen"})
    )
    zones = ["byasen", "heimdal", "tiller", "saupstad"]
    assert leader.zones_for("note_write", zones) == ["byasen", "heimdal"]
    assert leader.zones_for("followup_write", zones) == []


def test_rgt008_role_words_from_the_command_line_and_role_maps():
    assert rights.role_of("leder") == "unit_leader"
    assert rights.role_of(" Enhetsleder ") == "unit_leader"
    assert rights.role_of("kommunalsjef") == "health_head"
    assert rights.role_of("leser") == "viewer"
    assert rights.role_of("ADMIN") == "admin"
    assert rights.role_of("sjef") is None
    assert rights.role_label("health_head", "nb") == "Kommunalsjef for helse"
    assert rights.role_label("unit_leader", "en") == "Unit leader"
