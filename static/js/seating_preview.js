// The admin's select2 widgets announce changes through jQuery, which htmx does
// not hear: pass them on so the seating preview follows leader choices too.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.django || !window.django.jQuery || !window.htmx) return;
  window.django.jQuery(document).on("change", "select", function () {
    var preview = document.getElementById("seating-preview");
    if (preview) window.htmx.trigger(preview, "refresh");
  });
});
