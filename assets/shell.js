/* The address bar follows the page's view, and the page follows the address bar when the
   reader goes Back or Forward (components.register_shell_callbacks).

   A view the page starts with, or one marked `replace` (a slide moved, the timer changed),
   replaces the current history entry; a view a callback publishes after a reader's choice
   (a zone, a year, a sort, a set of zones) is a new entry, so Back returns to it. Those
   changes are made in place, without Dash's router, whose location component therefore
   does not know them: on Back and Forward it would compare the address with what it last
   knew and, finding it unchanged, rebuild nothing. So the move is told to the router here
   (only when the address differs from the view on screen: a jump to #innhold is not one). */
(function () {
    let shown = null; // path and query of the view on screen

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        shell: {
            sync: function (views) {
                const view = (views || [])[0];
                if (!view) { return window.dash_clientside.no_update; }
                document.documentElement.lang = view.lang;
                // After Dash's own title update, which runs in the same turn.
                if (view.title) { setTimeout(function () { document.title = view.title; }, 0); }
                const here = window.location.pathname + window.location.search;
                if (view.href && here !== view.href) {
                    if (view.replace) {
                        window.history.replaceState(window.history.state, "", view.href);
                    } else {
                        window.history.pushState({}, "", view.href);
                    }
                }
                shown = view.href || here;
                return view.href;
            },
        },
    });

    window.addEventListener("popstate", function (event) {
        const here = window.location.pathname + window.location.search;
        const dash = window.dash_clientside;
        if (shown === null || here === shown || !dash || !dash.set_props) { return; }
        event.stopImmediatePropagation(); // the router is told once, here
        shown = here;
        dash.set_props("_pages_location", {
            pathname: window.location.pathname,
            search: window.location.search,
        });
    });
})();
