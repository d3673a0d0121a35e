"""Every callback is wired to components that exist, with properties they have.

The app runs with `suppress_callback_exceptions=True` (see create_app: Dash's validation
layout leaked data and tokens), which turns off the renderer's own check. This is that
check, run on every test run instead of in a developer's browser: every input, output and
state of every registered callback (from the app's `/_dash-dependencies`, exactly what the
browser gets) against the components of every registered page's layout (from Dash's page
registry) and the app's shell, each property against the component's own property list.
Nothing here names a page's ids, so a page or callback added later is checked too.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator

import dash
import pytest
from dash.development.base_component import Component
from flask_login import login_user

from dashboard.app import create_app
from dashboard.web.auth import ADMIN, User

WILDCARDS = (["MATCH"], ["ALL"], ["ALLSMALLER"])


def components(root) -> Iterator[Component]:
    """Every component in a layout tree, in `children` or in any other property."""
    stack = [root]
    while stack:
        value = stack.pop()
        if isinstance(value, Component):
            yield value
            stack.extend(value.to_plotly_json()["props"].values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())


def _id_key(component_id) -> str:
    return (
        json.dumps(component_id, sort_keys=True) if isinstance(component_id, dict) else component_id
    )


def _parse_id(text: str):
    return json.loads(text) if text.startswith("{") else text


def _outputs(spec: str) -> list[tuple[str, str]]:
    # "..a.b...c.d.." is Dash's multi-output form, "a.b" a single output.
    parts = spec.strip(".").split("...") if spec.startswith("..") else [spec]
    return [tuple(part.rsplit(".", 1)) for part in parts]


def _has_prop(component: Component, prop: str) -> bool:
    prop = prop.split("@")[0]  # allow_duplicate outputs carry "@<hash>"
    return prop in component.available_properties or any(
        prop.startswith(w) for w in component.available_wildcard_properties
    )


def _matches(pattern: dict, component_id) -> bool:
    return (
        isinstance(component_id, dict)
        and set(component_id) == set(pattern)
        and all(v in WILDCARDS or component_id[k] == v for k, v in pattern.items())
    )


def wiring_problems(dependencies: list[dict], layouts: dict[str, Component]) -> list[str]:
    """What Dash's renderer would report as wiring errors, for all layouts at once, plus
    ids repeated within one page. `layouts` maps a name (the page) to its layout tree."""
    problems: list[str] = []
    by_id: dict[str, list[Component]] = {}
    for name, layout in layouts.items():
        found = [c for c in components(layout) if getattr(c, "id", None) is not None]
        for key, count in Counter(_id_key(c.id) for c in found).items():
            if count > 1:
                problems.append(f"{name}: id {key} is used {count} times")
        for component in found:
            by_id.setdefault(_id_key(component.id), []).append(component)

    def check(kind: str, component_id, prop: str, optional: bool, callback: str) -> None:
        where = f"{kind} {_id_key(component_id)}.{prop} of the callback for {callback}"
        if isinstance(component_id, dict):
            targets = [c for cs in by_id.values() for c in cs if _matches(component_id, c.id)]
        else:
            targets = by_id.get(component_id, [])
            if not targets and not optional:
                problems.append(f"{where}: no component has this id in any page")
        for component in targets:
            if not _has_prop(component, prop):
                problems.append(f"{where}: a {type(component).__name__} has no {prop!r}")

    for callback in dependencies:
        outputs = _outputs(callback["output"])
        name = ".".join(outputs[0]) + (f" (+{len(outputs) - 1})" if len(outputs) > 1 else "")
        for component_id, prop in outputs:
            check("Output", _parse_id(component_id), prop, False, name)
        for kind, items in (("Input", callback["inputs"]), ("State", callback["state"])):
            for item in items:
                optional = bool(item.get("allow_optional"))
                check(kind, _parse_id(item["id"]), item["property"], optional, name)
    return problems


def page_layouts(app) -> dict[str, Component]:
    """The shell and every registered page's layout, as the router would build them, for an
    anonymous viewer and for a logged-in admin (some controls differ)."""
    layouts = {"app.layout": app.layout}
    for as_admin in (False, True):
        for page in dash.page_registry.values():
            with app.server.test_request_context(page["path"]):
                if as_admin:
                    login_user(User(ADMIN))
                layout = page["layout"]
                layouts[f"{page['path']} (admin={as_admin})"] = (
                    layout() if callable(layout) else layout
                )
    return layouts


@pytest.fixture
def app(settings):
    return create_app(settings.with_overrides(admin_secret="x", load_sample_when_empty=True))


def test_wire001_every_callback_is_wired_to_components_of_the_pages(app):
    dependencies = app.server.test_client().get("/_dash-dependencies").json
    assert len(dependencies) > 10  # the pages' callbacks and the router are all there
    layouts = page_layouts(app)
    assert len(layouts) == 1 + 2 * len(dash.page_registry)
    assert wiring_problems(dependencies, layouts) == []


def _dependency(output: str, inputs: Iterable[tuple], state: Iterable[tuple] = ()) -> dict:
    def items(pairs):
        return [{"id": p[0], "property": p[1], **(p[2] if len(p) > 2 else {})} for p in pairs]

    return {"output": output, "inputs": items(inputs), "state": items(state)}


def test_wire002_the_check_finds_each_kind_of_wiring_mistake():
    from dash import dcc, html

    pattern = json.dumps({"type": "cell", "index": ["ALL"]}, separators=(",", ":"))
    layouts = {
        "one": html.Div(
            [
                html.Button(id="go"),
                dcc.Store(id="memory"),
                html.Div(id="out"),
                html.Div(id={"type": "cell", "index": 1}),
                html.Span(id="twice"),
                html.Span(id="twice"),
            ]
        ),
        "two": html.Div(html.Span(id="twice")),  # the same id on another page is fine
    }
    good = [
        _dependency("out.children", [("go", "n_clicks")], [("memory", "data")]),
        _dependency("..out.style...memory.data..", [(pattern, "n_clicks")]),
        _dependency("out.title", [("gone", "n_clicks", {"allow_optional": True})]),
        _dependency("out.children@2b1e", [("go", "data-x")]),
    ]
    assert wiring_problems(good, layouts) == ["one: id twice is used 2 times"]
    bad = [
        _dependency("missing.children", [("go", "n_clicks")]),
        _dependency("out.children", [("go", "clicks")]),
        _dependency("out.children", [("go", "n_clicks")], [("nowhere", "data")]),
        _dependency("out.children", [(pattern, "value")]),
    ]
    problems = wiring_problems(bad, {"one": layouts["one"].children[0:4]})
    assert len(problems) == 4, problems
    assert "Output missing.children" in problems[0] and "no component" in problems[0]
    assert "Input go.clicks" in problems[1] and "has no 'clicks'" in problems[1]
    assert "State nowhere.data" in problems[2]
    assert '"index": ["ALL"]' in problems[3] and "'value'" in problems[3]
