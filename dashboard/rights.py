"""Who may do what: the roles, the actions and the rights matrix, as pure functions.

Every state-changing request and callback asks `may(identity, action, zone)` on the server
(the store's notes API asks it again inside its own transaction); the UI only hides what
the same function refuses. Nothing here touches the web or the store, so the matrix is
unit-tested cell by cell (tests/unit/test_rights.py).

Roles, as stored and as the users call them:

| stored | nb | en |
|---|---|---|
| `viewer` | leser | viewer |
| `unit_leader` | enhetsleder (for one or more zones) | unit leader |
| `health_head` | kommunalsjef for helse | health head |
| `admin` | administrator | administrator |

A person may hold several roles (a health head who also imports data); their rights are
the union of their roles' rights. Zones matter for the unit leader only: "own" is a zone
given to that user.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

VIEWER = "viewer"
UNIT_LEADER = "unit_leader"
HEALTH_HEAD = "health_head"
ADMIN = "admin"
ROLES = (VIEWER, UNIT_LEADER, HEALTH_HEAD, ADMIN)

# What a role is called on the command line and in a role map file: the stored names and
# the users' own words.
ROLE_ALIASES = {
    "viewer": VIEWER,
    "leser": VIEWER,
    "unit_leader": UNIT_LEADER,
    "leder": UNIT_LEADER,
    "enhetsleder": UNIT_LEADER,
    "health_head": HEALTH_HEAD,
    "kommunalsjef": HEALTH_HEAD,
    "admin": ADMIN,
    "administrator": ADMIN,
}

ROLE_LABELS = {
    VIEWER: ("Leser", "Viewer"),
    UNIT_LEADER: ("Enhetsleder", "Unit leader"),
    HEALTH_HEAD: ("Kommunalsjef for helse", "Health head"),
    ADMIN: ("Administrator", "Administrator"),
}

# Actions. Those marked zoned are asked about one zone; the others are zone-free.
VIEW = "view"  # see the dashboard (when viewing needs a login)
NOTE_WRITE = "note_write"  # write, edit and delete notes on a zone
NOTE_HISTORY = "note_history"  # see a note's earlier texts and deleted notes
FOLLOWUP_WRITE = "followup_write"  # open, edit, set the status of and delete follow-ups
IMPORT = "import"  # import data
UNDO = "undo"  # undo an import
USERS = "users"  # manage users and their roles
AUDIT = "audit"  # read and export the audit log
ACTIONS = (VIEW, NOTE_WRITE, NOTE_HISTORY, FOLLOWUP_WRITE, IMPORT, UNDO, USERS, AUDIT)
ZONED = frozenset({NOTE_WRITE, NOTE_HISTORY, FOLLOWUP_WRITE})

# role -> action -> (own zone, other zone). Zone-free actions have the same answer twice.
_YES, _NO, _OWN = (True, True), (False, False), (True, False)
MATRIX: dict[str, dict[str, tuple[bool, bool]]] = {
    VIEWER: {
        VIEW: _YES,
        NOTE_WRITE: _NO,
        NOTE_HISTORY: _NO,
        FOLLOWUP_WRITE: _NO,
        IMPORT: _NO,
        UNDO: _NO,
        USERS: _NO,
        AUDIT: _NO,
    },
    UNIT_LEADER: {
        VIEW: _YES,
        NOTE_WRITE: _OWN,
        NOTE_HISTORY: _OWN,
        FOLLOWUP_WRITE: _NO,  # follow-ups are the health head's; leaders answer with notes
        IMPORT: _NO,
        UNDO: _NO,
        USERS: _NO,
        AUDIT: _NO,
    },
    HEALTH_HEAD: {
        VIEW: _YES,
        NOTE_WRITE: _YES,
        NOTE_HISTORY: _YES,
        FOLLOWUP_WRITE: _YES,
        IMPORT: _NO,
        UNDO: _NO,
        USERS: _NO,
        AUDIT: _NO,
    },
    ADMIN: {
        VIEW: _YES,
        # The administrator runs the tool; the dialogue is the leaders'. A person who is
        # both gets both roles.
        NOTE_WRITE: _NO,
        NOTE_HISTORY: _YES,  # to look into what the audit log points at
        FOLLOWUP_WRITE: _NO,
        IMPORT: _YES,
        UNDO: _YES,
        USERS: _YES,
        AUDIT: _YES,
    },
}


def allowed(role: str, action: str, own_zone: bool) -> bool:
    """The matrix itself: may `role` do `action` on a zone that is (not) its own? Unknown
    roles and actions are refused."""
    row = MATRIX.get(role, {})
    own, other = row.get(action, (False, False))
    return own if own_zone else other


def role_of(word: str) -> str | None:
    """The stored role for a word from the command line or a role map (any case)."""
    return ROLE_ALIASES.get(unicodedata.normalize("NFC", str(word)).strip().lower())


def role_label(role: str, lang: str) -> str:
    labels = ROLE_LABELS.get(role)
    return labels[1 if lang == "en" else 0] if labels else role


@dataclass(frozen=True)
class Identity:
    """Who is acting. `principal` is stable and unique: `user:12` for a person's account,
    `admin`/`viewer` for the shared passwords, `os:NAME` for the command line's operating
    system user, `system` for the app itself, `anonymous` for nobody."""

    principal: str
    name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    zones: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.principal != ANONYMOUS.principal

    def may(self, action: str, zone: str | None = None) -> bool:
        return may(self, action, zone)

    def zones_for(self, action: str, every_zone: list[str] | tuple[str, ...]) -> list[str]:
        """The zones of `every_zone` on which this identity may do `action` (in order)."""
        return [z for z in every_zone if may(self, action, z)]

    def roles_text(self) -> str:
        return ",".join(r for r in ROLES if r in self.roles)


ANONYMOUS = Identity("anonymous", "")
SYSTEM = Identity("system", "system")


def may(identity: Identity | None, action: str, zone: str | None = None) -> bool:
    """May `identity` do `action` (on `zone`, for the zoned actions)? A zoned action without
    a zone is refused: the question has to be asked about a real zone."""
    if identity is None:
        return False
    if action in ZONED and not zone:
        return False
    own = zone is not None and zone in identity.zones
    return any(allowed(role, action, own) for role in identity.roles)
