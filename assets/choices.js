/* Toggle-button groups (components.choice): the store holds the value, each button says
   aria-pressed. Runs in the browser so a click costs no server round trip. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    choices: {
        single: function (_clicks, current, ids) {
            const clicked = window.dash_clientside.callback_context.triggered_id;
            if (!clicked || clicked.value === current) {
                return [window.dash_clientside.no_update, window.dash_clientside.no_update];
            }
            return [clicked.value, ids.map((id) => String(id.value === clicked.value))];
        },
        multi: function (_clicks, current, ids) {
            const clicked = window.dash_clientside.callback_context.triggered_id;
            if (!clicked) {
                return [window.dash_clientside.no_update, window.dash_clientside.no_update];
            }
            const chosen = new Set(Array.isArray(current) ? current : []);
            if (chosen.has(clicked.value)) { chosen.delete(clicked.value); } else { chosen.add(clicked.value); }
            // Keep the options' order, so the URL does not depend on the order of clicks.
            const value = ids.map((id) => id.value).filter((v) => chosen.has(v));
            return [value, ids.map((id) => String(chosen.has(id.value)))];
        },
        // A multi choice that leaves out the value chosen in another group (the compare
        // page's own zone is not listed under "compare with"): hidden, and unticked.
        without: function (other, ids, current) {
            const chosen = (Array.isArray(current) ? current : []).filter((v) => v !== other);
            return [
                ids.map((id) => id.value === other),
                chosen,
                ids.map((id) => String(chosen.includes(id.value))),
            ];
        },
    },
});
