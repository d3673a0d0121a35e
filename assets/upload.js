// dcc.Upload renders a file <input> it gives no name to, and it takes no aria-label of its
// own; name each one after the visible text of its drop zone so screen readers can say it.
(function () {
    function label(root) {
        root.querySelectorAll(".upload-zone input[type=file]").forEach(function (input) {
            const zone = input.closest(".upload-zone");
            const text = zone ? zone.textContent.trim() : "";
            if (text && input.getAttribute("aria-label") !== text) {
                input.setAttribute("aria-label", text);
            }
        });
    }
    new MutationObserver(function () { label(document); })
        .observe(document.documentElement, { childList: true, subtree: true });
})();
