// The case page's "Download dossier (PDF)" link: the server typesets the PDF before the first
// byte arrives (a few seconds for a long case), so the link says it is working until then.
(function () {
  "use strict";
  var link = document.getElementById("dossier-pdf");
  if (!link) {
    return;
  }
  var idle = link.textContent;
  link.addEventListener("click", function () {
    if (link.getAttribute("aria-busy") === "true") {
      return;
    }
    link.setAttribute("aria-busy", "true");
    link.textContent = link.getAttribute("data-busy") || idle;
    // A download leaves the page as it is: give the label back once the file has had time.
    window.setTimeout(function () {
      link.removeAttribute("aria-busy");
      link.textContent = idle;
    }, 8000);
  });
})();
