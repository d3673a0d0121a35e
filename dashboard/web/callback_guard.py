"""Refuse hostile Dash callback requests before they cost anything.

Every page declares, next to its callbacks, what each callback input and state may hold, as
params of the URL grammar (`urls.py`): a year, a known zone, a list of distinct known zones,
a sort column… (`declare`). A Flask `before_request` hook on `/_dash-update-component`
then checks each request against the callback it names, in a few milliseconds:

- a body larger than `DASHBOARD_MAX_CALLBACK_KB` for a guarded callback: 413;
- an unknown callback, inputs that do not line up with the callback's declaration, or a value
  its page could never have sent (an unknown zone, a repeated zone, 13 000 zones, a year
  outside the contract's window, a sort column that does not exist): 400.

Dash itself cannot do this: it answers 500 for an exception and 204 for PreventUpdate, and
only after the work. Every input and state of every server-side callback must have a rule:
a callback with one missing is refused (fail closed), so a page can never be left unguarded
by forgetting to declare it; the app does not start when a callback registered by then has
no rules (`unguarded` lists them), and a unit test checks the page router Dash adds later.

`declare(…, max_bytes=…)` raises the body limit of a callback for a logged-in administrator
only (the import page's upload): anyone else's request over `DASHBOARD_MAX_CALLBACK_KB` is
refused by its length, before its body is read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from dash.dependencies import DashDependency
from flask import jsonify, request
from werkzeug.exceptions import BadRequest

from ..urls import Invalid, Known, Param
from .auth import is_admin

log = logging.getLogger(__name__)

CALLBACK_PATH = "/_dash-update-component"
EXTENSION = "callback_guard"
MAX_PATTERN_ITEMS = 100  # components matched by one ALL pattern on any page
MAX_OUTPUTS = 200


@dataclass(frozen=True)
class Each:
    """The rule for a pattern-matching input (`{"type": …, "col": ALL}`): every matched
    component's wildcard keys and value."""

    value: Param
    keys: Mapping[str, Param] = field(default_factory=dict)
    max_items: int = MAX_PATTERN_ITEMS


Rule = Param | Each


@dataclass
class _Registry:
    rules: dict[tuple[str, str], Rule] = field(default_factory=dict)
    limits: dict[tuple[str, str], int] = field(default_factory=dict)
    known: Known = field(default_factory=Known)
    max_bytes: int = 16 * 1024


def _registry(app) -> _Registry:
    return app.server.extensions.setdefault(EXTENSION, _Registry())


def _key(component_id, prop: str) -> tuple[str, str]:
    # Dash's own spelling of an id (sorted JSON for dict ids), as in its callback map.
    return DashDependency(component_id, prop).component_id_str(), prop


def declare(app, *rules: tuple[object, str, Rule], max_bytes: int | None = None) -> None:
    """Declare the rules for some callback inputs and states: (id, property, rule) each.

    `max_bytes` raises the body limit of the callbacks these inputs feed (an upload), for an
    administrator's requests only."""
    registry = _registry(app)
    for component_id, prop, rule in rules:
        key = _key(component_id, prop)
        registry.rules[key] = rule
        if max_bytes is not None:
            registry.limits[key] = max_bytes


def unguarded(app) -> list[str]:
    """The server-side callbacks with an input or state that has no rule (each named by its
    outputs): a callback must be declared before it can run (`declare`)."""
    rules = _registry(app).rules
    return [
        output
        for output, callback in app.callback_map.items()
        if "callback" in callback
        and any(
            (d["id"], d["property"]) not in rules for d in [*callback["inputs"], *callback["state"]]
        )
    ]


def register_callback_guard(app, settings) -> None:
    """Install the guard on the app's server (one line in the app factory)."""
    from ..data import get_store

    registry = _registry(app)
    registry.known = Known(zones=tuple(z.id for z in get_store().registry.zones))
    registry.max_bytes = settings.max_callback_bytes
    missing = unguarded(app)
    if missing:
        raise RuntimeError(
            "These callbacks have inputs or states without a rule; declare them next to the "
            f"callback (web/callback_guard.declare): {', '.join(m[:120] for m in missing)}"
        )

    @app.server.before_request
    def guard_callbacks():
        if request.method != "POST" or request.path != CALLBACK_PATH:
            return None
        length = request.content_length
        try:
            if (length is None or length > registry.max_bytes) and not is_admin():
                # Only an admin's upload may be larger: judged before the body is read.
                raise Refused(
                    f"a request to a page callback may be at most {registry.max_bytes} bytes", 413
                )
            check_request(app, registry, length, _read_json)
        except Refused as refused:
            log.warning("callback refused (%s): %s", refused.status, refused)
            return jsonify(error=str(refused)), refused.status
        return None


def _read_json():
    # force: Dash's renderer always sends JSON; the parse is cached for Dash's own read.
    return request.get_json(force=True, cache=True)


class Refused(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def check_request(app, registry: _Registry, length: int | None, read_json) -> None:
    """Raise `Refused` unless the request is one its page could have sent."""
    # The body is parsed before its size is judged, because only the callback it names
    # says how large it may be; Flask's MAX_CONTENT_LENGTH bounds that parse, and Dash
    # reuses the parsed JSON (request.get_json caches it).
    try:
        body = read_json()
    except (ValueError, UnicodeDecodeError, BadRequest) as exc:
        raise Refused("the body is not JSON") from exc
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        raise Refused("not a callback request")
    callback = app.callback_map.get(body["output"])
    if callback is None or "callback" not in callback:
        # A clientside callback is in the map too, with nothing to run on the server.
        raise Refused("no such callback", 404)
    declared = [*callback["inputs"], *callback["state"]]
    keys = [(d["id"], d["property"]) for d in declared]
    if not all(k in registry.rules for k in keys):
        log.error("callback %s has inputs without rules: refused", body["output"][:120])
        raise Refused("this callback has no rules for its inputs (not declared)")
    limit = max([registry.max_bytes, *(registry.limits.get(k, 0) for k in keys)])
    if length is None or length > limit:
        raise Refused(f"a request to this callback may be at most {limit} bytes", 413)
    inputs, state = body.get("inputs"), body.get("state", [])
    if not isinstance(inputs, list) or not isinstance(state, list):
        raise Refused("inputs and state must be lists")
    if len(inputs) != len(callback["inputs"]) or len(state) != len(callback["state"]):
        raise Refused("inputs do not match the callback")
    try:
        _check_outputs(callback["output"], body.get("outputs"))
    except Invalid as exc:
        raise Refused(f"outputs: {exc}") from None
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or len(changed) > MAX_PATTERN_ITEMS:
        raise Refused("changedPropIds must be a short list")
    for dep, given in zip(declared, [*inputs, *state], strict=True):
        rule = registry.rules[(dep["id"], dep["property"])]
        try:
            _check_one(dep, given, rule, registry.known)
        except Invalid as exc:
            raise Refused(f"{dep['id']}.{dep['property']}: {exc}") from None


def _check_outputs(declared, given) -> None:
    """The outputs the request asks for are the callback's own (Dash answers 500 otherwise)."""
    many = isinstance(declared, list | tuple)
    declared = list(declared) if many else [declared]
    given = given if many else [given]
    if not isinstance(given, list) or len(given) != len(declared):
        raise Invalid("their number does not match the callback")
    for output, entry in zip(declared, given, strict=True):
        wanted, prop = output.component_id, output.component_property
        pattern = isinstance(wanted, dict) and any(
            not isinstance(v, str | int | float) for v in wanted.values()
        )
        if pattern:
            items = entry if isinstance(entry, list) else None
            if items is None or len(items) > MAX_OUTPUTS:
                raise Invalid("a pattern output must be a short list")
            for item in items:
                component = _entry(item, prop, output=True)
                if not isinstance(component, dict) or set(component) != set(wanted):
                    raise Invalid("an output does not match the pattern")
        elif _entry(entry, prop, output=True) != wanted:
            raise Invalid("an output does not match the callback")


def _check_one(dep: dict, given: object, rule: Rule, known: Known) -> None:
    declared = json.loads(dep["id"]) if dep["id"].startswith("{") else dep["id"]
    if isinstance(declared, dict) and any(isinstance(v, list) for v in declared.values()):
        pattern = declared
        if not isinstance(rule, Each):
            raise Invalid("a pattern input needs an Each rule")
        if not isinstance(given, list) or len(given) > rule.max_items:
            raise Invalid("a pattern input must be a short list")
        seen = set()
        for item in given:
            component = _entry(item, dep["property"])
            if not isinstance(component, dict) or set(component) != set(pattern):
                raise Invalid("the component id does not match the pattern")
            for key, wanted in pattern.items():
                if isinstance(wanted, list):  # a wildcard: its value has a rule
                    rule.keys[key].check(component[key], known)
                elif component[key] != wanted:
                    raise Invalid("the component id does not match the pattern")
            marker = json.dumps(component, sort_keys=True)
            if marker in seen:
                raise Invalid("a component is repeated")
            seen.add(marker)
            rule.value.check(item.get("value"), known)
        return
    if isinstance(rule, Each):
        raise Invalid("a plain input cannot take an Each rule")
    if _entry(given, dep["property"]) != declared:
        raise Invalid("the component id does not match the callback")
    rule.check(given.get("value"), known)


def _entry(item: object, prop: str, output: bool = False) -> object:
    """The id of one `{"id": …, "property": …, "value": …}` entry, if it is one. An output
    that may be written by several callbacks (`allow_duplicate`) comes as `children@<hash>`,
    which Dash reads as `children`."""
    given = item.get("property") if isinstance(item, dict) else None
    if output and isinstance(given, str):
        given = given.split("@")[0]
    if given != prop:
        raise Invalid("not an input entry")
    return item.get("id")
