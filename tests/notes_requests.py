"""The requests a browser sends when someone presses a notes button, built from the app's
own `/_dash-dependencies` (as the Dash renderer builds them), so a test can send real ones
and forged ones alike through the whole stack: the callback guard, CSRF, the rights."""

from __future__ import annotations

import json

ACTION_MARKER = '"dlg-text"'


def dom(component_id: dict) -> str:
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


def _component(ident: str):
    return json.loads(ident) if ident.startswith("{") else ident


def _parts(output: str) -> list[tuple[object, str]]:
    multi = output.startswith("..")
    parts = output[2:-2].split("...") if multi else [output]
    return [(_component(p.rsplit(".", 1)[0]), p.rsplit(".", 1)[1]) for p in parts]


def action_body(
    dependencies: list[dict],
    forms: dict[str, dict],
    pressed: dict,
    prop: str = "n_clicks",
    token: str | None = None,
) -> dict:
    """The notes callback's request. `forms`: form key -> {"target": {...}, "text": …,
    "due": … (only where the form has a due field), "editing": …}. `pressed`: the id of the
    button pressed (a form button, or a note's edit/delete/status button)."""
    spec = next(
        d
        for d in dependencies
        if ACTION_MARKER in d["output"] and any("dlg-save" in i["id"] for i in d["inputs"])
    )

    def has(kind: str, key: str) -> bool:
        form = forms[key]
        return kind != "dlg-due" or "due" in form

    outputs = []
    for component, prop_name in _parts(spec["output"]):
        if isinstance(component, dict):
            kind = component["type"]
            outputs.append(
                [
                    {"id": {"type": kind, "form": key}, "property": prop_name}
                    for key in forms
                    if has(kind, key)
                ]
            )
        else:
            outputs.append({"id": component, "property": prop_name})
    inputs = []
    for item in spec["inputs"]:
        component = _component(item["id"])
        kind = component["type"]
        if set(component) == {"type", "form"}:
            inputs.append(
                [
                    {
                        "id": {"type": kind, "form": key},
                        "property": item["property"],
                        "value": 1 if pressed == {"type": kind, "form": key} else None,
                    }
                    for key in forms
                ]
            )
        else:  # a note's buttons: only the pressed one is sent here
            entry = {"id": pressed, "property": item["property"], "value": 1}
            inputs.append([entry] if pressed.get("type") == kind else [])
    state = []
    names = {"dlg-text": "text", "dlg-due": "due", "dlg-editing": "editing", "dlg-target": "target"}
    for item in spec["state"]:
        component = _component(item["id"])
        if isinstance(component, dict):
            kind = component["type"]
            state.append(
                [
                    {
                        "id": {"type": kind, "form": key},
                        "property": item["property"],
                        "value": forms[key].get(names[kind]),
                    }
                    for key in forms
                    if has(kind, key)
                ]
            )
        else:
            state.append({"id": component, "property": item["property"], "value": token})
    return {
        "output": spec["output"],
        "outputs": outputs,
        "inputs": inputs,
        "state": state,
        "changedPropIds": [f"{dom(pressed)}.{prop}"],
    }


def answer_of(response, output_type: str, form: str):
    """The value the callback sent to one form's output (`dlg-message`, `dlg-text` …)."""
    data = response.get_json() if hasattr(response, "get_json") else response.json()
    for key, values in data["response"].items():
        component = _component(key)
        if (
            isinstance(component, dict)
            and component.get("type") == output_type
            and component.get("form") == form
        ):
            for value in values.values():
                return value
    return None


def outputs_of(response) -> dict:
    data = response.get_json() if hasattr(response, "get_json") else response.json()
    return data["response"]
