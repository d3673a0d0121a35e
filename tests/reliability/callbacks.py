"""The JSON body the Dash renderer POSTs for a page callback, built from the app's own
`/_dash-dependencies`, for the reliability tests that call page callbacks directly."""

from __future__ import annotations

import json


def _component(ident: str):
    return json.loads(ident) if ident.startswith("{") else ident


def _id_text(component_id) -> str:
    return json.dumps(component_id) if isinstance(component_id, dict) else component_id


def callback_body(
    dependencies: list[dict],
    marker: str,
    inputs: list,
    state: list = (),
    matches: dict[str, list] | None = None,
) -> dict:
    """The request for the callback whose output names `marker`. A pattern output
    (`{"type": "zone-year", "value": ALL}`) is sent as the components it matches, one per
    value in `matches[type]`, as the renderer does."""
    spec = next(d for d in dependencies if marker in d["output"])
    multi = spec["output"].startswith("..")
    parts = spec["output"][2:-2].split("...") if multi else [spec["output"]]
    outputs = []
    for part in parts:
        ident, prop = part.rsplit(".", 1)
        component = _component(ident)
        wild = (
            [k for k, v in component.items() if v == ["ALL"]] if isinstance(component, dict) else []
        )
        if wild:
            values = (matches or {}).get(component.get("type"), [])
            outputs.append([{"id": {**component, wild[0]: v}, "property": prop} for v in values])
        else:
            outputs.append({"id": component, "property": prop})
    first = inputs[0] if isinstance(inputs[0], dict) else inputs[0][0]
    return {
        "output": spec["output"],
        "outputs": outputs if multi else outputs[0],
        "inputs": inputs,
        "state": list(state),
        "changedPropIds": [f"{_id_text(first['id'])}.{first['property']}"],
    }
