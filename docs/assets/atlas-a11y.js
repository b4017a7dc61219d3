/* Accessible names that Material leaves out: its search panel is a dialog without a name.
   The name is the search field's own label, so it is in the page's language. */
(function () {
  function nameTheSearchDialog() {
    const dialog = document.querySelector('.md-search[role="dialog"]');
    const field = document.querySelector(".md-search__input");
    if (dialog && !dialog.hasAttribute("aria-label")) {
      const label = field && (field.getAttribute("aria-label") || field.getAttribute("placeholder"));
      dialog.setAttribute("aria-label", label || "Search");
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", nameTheSearchDialog);
  } else {
    nameTheSearchDialog();
  }
})();
