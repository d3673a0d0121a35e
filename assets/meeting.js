/* Meeting mode (pages/meeting.py): moving, the timer, full screen, the clock, the menus.
   Everything here runs in the browser: a wall screen should never wait for the server to
   show the next slide. */
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
            // A key press is acted on at once; an old one (a store brought back) never.
            else if (clicked === "mote-key" && key && Date.now() - key.at < 3000) { target = key.to; }
            target = Math.max(0, Math.min(total - 1, target));
            if (target === current || Number.isNaN(target)) { return [no, no, no, no]; }
            const text = texts.position.replace("{n}", target + 1).replace("{total}", total);
            // The position is kept in the address, but a slide is not a history entry.
            const next = meetingWithQuery(view, "lysbilde", target + 1);
            return [ids.map(function (_, i) { return i !== target; }), target, text, next];
        },
        // The pause button and the auto-advance menu: one timer, one label, one address.
        timer: function (_pause, _auto, disabled, interval, view, ids, texts) {
            const no = window.dash_clientside.no_update;
            const clicked = window.dash_clientside.callback_context.triggered_id;
            if (!clicked) { return [no, no, no, no, no, no, no, no]; }
            const pressed = ids.map(function () { return no; });
            if (clicked === "mote-pause") {
                const paused = !disabled;
                return [paused, no, paused ? texts.resume : texts.pause, String(paused),
                        no, pressed, no, no];
            }
            const seconds = clicked.value;
            const label = seconds ? texts.every.replace("{n}", seconds) : texts.off;
            return [
                !seconds,
                Math.max(seconds, 1) * 1000,
                texts.pause,
                "false",
                !seconds,
                ids.map(function (id) { return String(id.value === seconds); }),
                label,
                meetingWithQuery(view, "auto", seconds || null),
            ];
        },
    },
});

function meetingWithQuery(view, key, value) {
    const url = new URL(view.href || window.location.href, window.location.origin);
    const query = Object.assign({}, view.query);
    if (value === null) { url.searchParams.delete(key); delete query[key]; }
    else { url.searchParams.set(key, String(value)); query[key] = value; }
    return Object.assign({}, view, {query: query, href: url.pathname + url.search, replace: true});
}

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

    function deck() { return document.getElementById("mote-deck"); }

    function shown() {
        const slides = Array.from(document.querySelectorAll("#mote-deck > .slide"));
        return {index: slides.findIndex(function (s) { return !s.hidden; }), total: slides.length};
    }

    // ------------------------------------------------------------ full screen
    function fullscreen(on) {
        const doc = document;
        const active = !!doc.fullscreenElement;
        if (on === active) { return; }
        // A browser that refuses (no user gesture, a kiosk policy) leaves things as they are.
        const done = on ? doc.documentElement.requestFullscreen() : doc.exitFullscreen();
        if (done && done.catch) { done.catch(function () {}); }
    }

    document.addEventListener("fullscreenchange", function () {
        const button = document.getElementById("mote-fullscreen");
        const set = window.dash_clientside && window.dash_clientside.set_props;
        if (!button || !set) { return; }
        const on = !!document.fullscreenElement;
        set("mote-fullscreen", {
            "aria-pressed": String(on),
            children: button.getAttribute(on ? "data-on" : "data-off"),
        });
    });

    document.addEventListener("click", function (event) {
        const target = event.target;
        if (!target || !target.closest || !deck()) { return; }
        if (target.closest("#mote-fullscreen")) {
            fullscreen(!document.fullscreenElement);
        } else if (target.closest("#mote-exit")) {
            fullscreen(false);
        }
        // A choice in a menu closes it; a click elsewhere closes any open one.
        document.querySelectorAll(".deck-menu[open]").forEach(function (menu) {
            if (!menu.contains(target) || target.closest("a, button")) { menu.open = false; }
        });
    });

    // ------------------------------------------------------------ keys
    document.addEventListener("keydown", function (event) {
        if (!deck() || event.altKey || event.ctrlKey || event.metaKey) { return; }
        const target = event.target;
        if (target && target.closest && target.closest("input, textarea, select, [contenteditable]")) {
            return;
        }
        if (event.key === "Escape") {
            // Esc closes a menu; leaving full screen is the browser's (never the deck).
            const open = document.querySelector(".deck-menu[open]");
            if (open) {
                open.open = false;
                open.querySelector("summary").focus();
                event.preventDefault();
            }
            return;
        }
        if (event.key === "f" || event.key === "F") {
            event.preventDefault();
            fullscreen(!document.fullscreenElement);
            return;
        }
        // Space moves on too, unless a button or link has the focus and wants it.
        const space = event.key === " " && !(target && target.closest && target.closest("a, button, summary"));
        const step = STEPS[event.key] || (space ? 1 : 0);
        if (!(step || event.key === "Home" || event.key === "End")) { return; }
        if (target && target.closest && target.closest(".deck-menu[open]")) { return; }
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

    // ------------------------------------------------------------ clock and meeting time
    // Written straight into the two elements (no server, no announcement to screen
    // readers every second). The meeting time counts from when the deck was first opened
    // in this tab, so moving between slides, years or decks does not reset it.
    const STARTED = "samskaping-mote-start";
    const loaded = Date.now();
    function two(n) { return String(n).padStart(2, "0"); }
    function tick() {
        const clock = document.getElementById("mote-clock");
        const elapsed = document.getElementById("mote-elapsed");
        if (!clock || !elapsed) { return; }
        const now = new Date();
        let start = 0;
        try {
            start = Number(window.sessionStorage.getItem(STARTED));
            if (!start) { start = now.getTime(); window.sessionStorage.setItem(STARTED, String(start)); }
        } catch (_blocked) { start = loaded; }
        const seconds = Math.max(0, Math.floor((now.getTime() - start) / 1000));
        const hours = Math.floor(seconds / 3600);
        const minutes = Math.floor(seconds / 60) % 60;
        clock.textContent = two(now.getHours()) + ":" + two(now.getMinutes());
        clock.setAttribute("datetime", now.toISOString());
        elapsed.textContent = (hours ? hours + ":" + two(minutes) : String(minutes)) + ":" + two(seconds % 60);
    }
    window.setInterval(tick, 1000);
    document.addEventListener("DOMContentLoaded", tick);
})();
