/* Meeting mode (pages/meeting.py): keyboard and timer move the slides in the browser. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    meeting: {
        move: function (_prev, _next, key, _ticks, position, view, ids, texts) {
            const no = window.dash_clientside.no_update;
            const clicked = window.dash_clientside.callback_context.triggered_id;
            const total = ids.length;
            const current = position || 0;
            let target = current;
            if (clicked === "mote-prev") { target = current - 1; }
            else if (clicked === "mote-next") { target = current + 1; }
            else if (clicked === "mote-timer") { target = (current + 1) % total; }
            else if (clicked === "mote-key" && key) { target = key.to; }
            target = Math.max(0, Math.min(total - 1, target));
            if (target === current || Number.isNaN(target)) { return [no, no, no, no]; }
            const url = new URL(view.href, window.location.origin);
            url.searchParams.set("lysbilde", String(target + 1));
            const next = Object.assign({}, view, {
                query: Object.assign({}, view.query, {lysbilde: target + 1}),
                href: url.pathname + url.search,
            });
            const text = texts.position.replace("{n}", target + 1).replace("{total}", total);
            return [ids.map((_, i) => i !== target), target, text, next];
        },
        pause: function (_clicks, disabled, texts) {
            const paused = !disabled;
            return [paused, paused ? texts.resume : texts.pause, String(paused)];
        },
    },
});

(function () {
    const STEPS = {
        ArrowRight: 1, ArrowDown: 1, PageDown: 1,
        ArrowLeft: -1, ArrowUp: -1, PageUp: -1,
    };
    // The slide asked for and not shown yet: quick presses (a presenter's clicker) add up
    // instead of each starting again from the slide on screen. Kept for a moment only, so
    // the buttons and the timer cannot leave it behind.
    const PENDING_MS = 1000;
    let pending = null;
    let pendingAt = 0;

    function shown() {
        const slides = Array.from(document.querySelectorAll("#mote-deck > .slide"));
        return {index: slides.findIndex((s) => !s.hidden), total: slides.length};
    }

    document.addEventListener("keydown", function (event) {
        if (!document.getElementById("mote-deck") || event.altKey || event.ctrlKey || event.metaKey) {
            return;
        }
        const target = event.target;
        if (target && target.closest && target.closest("input, textarea, select, [contenteditable]")) {
            return;
        }
        // Space moves on too, unless a button or link has the focus and wants it.
        const space = event.key === " " && !(target && target.closest && target.closest("a, button, summary"));
        const step = STEPS[event.key] || (space ? 1 : 0);
        if (!(step || event.key === "Home" || event.key === "End")) { return; }
        if (!window.dash_clientside || !window.dash_clientside.set_props) { return; }
        event.preventDefault();
        const now = shown();
        const fresh = pending !== null && Date.now() - pendingAt < PENDING_MS;
        const from = fresh ? pending : now.index;
        let to = event.key === "Home" ? 0 : event.key === "End" ? now.total - 1 : from + step;
        to = Math.max(0, Math.min(now.total - 1, to));
        pending = to;
        pendingAt = Date.now();
        window.dash_clientside.set_props("mote-key", {data: {to: to, at: Date.now()}});
    });
})();
