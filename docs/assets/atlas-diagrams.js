/* Every diagram opens full size in place: a dialog over the page, not the raw SVG file.
 *
 * The page shows each diagram as an <img> inside a link to its SVG (which still works
 * without JavaScript). A click on that link opens a modal <dialog> holding the SVG inline,
 * at its natural size, with zoom buttons (and the + and - keys); Esc or the close button
 * closes it and gives the focus back to the link. Links drawn in the SVG (the debt map's
 * boxes) are written relative to the SVG file, so they are resolved against its address;
 * on a Spanish page they lead to the Spanish twin. No library, no network: works offline.
 */
(function () {
  "use strict";

  const WORDS = {
    en: { close: "Close", zoomIn: "Zoom in", zoomOut: "Zoom out", fit: "Fit to window",
          open: "Open full size", failed: "The diagram could not be loaded." },
    es: { close: "Cerrar", zoomIn: "Acercar", zoomOut: "Alejar", fit: "Ajustar a la ventana",
          open: "Abrir a tamaño completo", failed: "No se pudo cargar el diagrama." },
  };
  const SVG_NS = "http://www.w3.org/2000/svg";
  const XLINK_NS = "http://www.w3.org/1999/xlink";
  const STEP = 1.25;

  const language = () => (document.documentElement.lang || "en").slice(0, 2);
  const words = () => WORDS[language()] || WORDS.en;

  let dialog = null;
  let opener = null;

  /* A link drawn in the SVG, as the page must follow it: resolved against the SVG file,
     and on a Spanish page moved under es/ (the SVG lives at ROOT/generated/diagrams/). */
  function siteLink(href, svgUrl) {
    const target = new URL(href, svgUrl);
    const root = new URL("../../", svgUrl);
    if (language() === "es" && target.origin === root.origin
        && target.pathname.startsWith(root.pathname)) {
      const rest = target.pathname.slice(root.pathname.length);
      if (!rest.startsWith("es/") && !rest.startsWith("generated/")) {
        target.pathname = root.pathname + "es/" + rest;
      }
    }
    return target.href;
  }

  function build() {
    const w = words();
    dialog = document.createElement("dialog");
    dialog.className = "atlas-lightbox";
    dialog.setAttribute("aria-labelledby", "atlas-lightbox-title");
    dialog.innerHTML =
      '<div class="atlas-lightbox__bar">' +
      '<p class="atlas-lightbox__title" id="atlas-lightbox-title"></p>' +
      '<button type="button" data-zoom="out"></button>' +
      '<button type="button" data-zoom="fit"></button>' +
      '<button type="button" data-zoom="in"></button>' +
      '<button type="button" class="atlas-lightbox__close"></button>' +
      "</div>" +
      '<div class="atlas-lightbox__canvas" tabindex="0"></div>';
    const labels = { out: ["−", w.zoomOut], fit: ["⤢", w.fit], in: ["+", w.zoomIn] };
    for (const [zoom, [text, label]] of Object.entries(labels)) {
      const button = dialog.querySelector(`[data-zoom="${zoom}"]`);
      button.textContent = text;
      button.setAttribute("aria-label", label);
      button.title = label;
      button.addEventListener("click", () => setZoom(zoom));
    }
    const close = dialog.querySelector(".atlas-lightbox__close");
    close.textContent = "×";
    close.setAttribute("aria-label", w.close);
    close.title = w.close;
    close.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      dialog.querySelector(".atlas-lightbox__canvas").replaceChildren();
      document.documentElement.classList.remove("atlas-lightbox-open");
      if (opener) opener.focus();
    });
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) dialog.close();  // a click on the backdrop
    });
    dialog.addEventListener("keydown", (event) => {
      if (event.key === "+" || event.key === "=") setZoom("in");
      else if (event.key === "-") setZoom("out");
      else if (event.key === "0") setZoom("fit");
    });
    document.body.appendChild(dialog);
  }

  function setZoom(how) {
    const svg = dialog.querySelector(".atlas-lightbox__canvas svg");
    if (!svg) return;
    const natural = Number(svg.dataset.naturalWidth);
    let width = Number(svg.dataset.width) || natural;
    if (how === "in") width *= STEP;
    else if (how === "out") width /= STEP;
    else if (how === "natural") width = natural;
    else if (how === "fit") {
      const canvas = dialog.querySelector(".atlas-lightbox__canvas");
      const box = svg.viewBox.baseVal;
      width = Math.min(canvas.clientWidth, canvas.clientHeight * box.width / box.height);
    }
    width = Math.max(natural / 8, Math.min(natural * 4, width));
    svg.dataset.width = String(width);
    svg.style.width = `${width}px`;
  }

  async function open(link, figure) {
    if (!dialog) build();
    opener = link;
    const svgUrl = new URL(link.getAttribute("href"), location.href).href;
    const caption = figure.querySelector("figcaption");
    dialog.querySelector(".atlas-lightbox__title").textContent =
      caption ? caption.textContent.trim() : link.querySelector("img")?.alt || "";
    const canvas = dialog.querySelector(".atlas-lightbox__canvas");
    canvas.replaceChildren();
    document.documentElement.classList.add("atlas-lightbox-open");
    dialog.showModal();
    dialog.querySelector(".atlas-lightbox__close").focus();
    try {
      const response = await fetch(svgUrl);
      if (!response.ok) throw new Error(String(response.status));
      const parsed = new DOMParser().parseFromString(await response.text(), "image/svg+xml");
      const svg = document.importNode(parsed.documentElement, true);
      if (svg.namespaceURI !== SVG_NS) throw new Error("not an SVG");
      for (const a of svg.querySelectorAll("a")) {
        const href = a.getAttributeNS(XLINK_NS, "href") || a.getAttribute("href");
        if (!href) continue;
        a.removeAttributeNS(XLINK_NS, "href");
        a.setAttribute("href", siteLink(href, svgUrl));
        a.removeAttribute("target");  // stay in this window, like any link on the site
      }
      const natural = svg.viewBox.baseVal.width * 4 / 3;  // Graphviz sizes are points
      svg.removeAttribute("width");
      svg.removeAttribute("height");
      svg.dataset.naturalWidth = String(natural);
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", link.querySelector("img")?.alt || "");
      canvas.appendChild(svg);
      setZoom("natural");
    } catch (error) {
      const message = document.createElement("p");
      message.textContent = `${words().failed} (${error.message})`;
      canvas.appendChild(message);
    }
  }

  function enhance() {
    for (const figure of document.querySelectorAll("figure.atlas-diagram")) {
      const link = figure.querySelector('a[href$=".svg"]');
      if (!link || link.dataset.atlasLightbox) continue;
      link.dataset.atlasLightbox = "1";
      link.setAttribute("aria-haspopup", "dialog");
      link.title = words().open;
      link.addEventListener("click", (event) => {
        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();  // a modified click still opens the file in a new tab
        open(link, figure);
      });
    }
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(enhance);  // Material's page-load signal (instant navigation too)
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
