(function () {
  var root = document.querySelector(".jm");
  if (!root) return;
  function setAll(open) {
    root.querySelectorAll("details.jm-claim, details.jm-more").forEach(function (d) { d.open = open; });
  }
  root.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-jm]");
    if (button) { setAll(button.getAttribute("data-jm") === "open"); return; }
    var link = event.target.closest("a.jm-ref");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    target.open = true;
    var fold = target.parentElement.closest("details.jm-more");  // a smaller theme folded away in its cell
    if (fold) fold.open = true;
    target.scrollIntoView({ behavior: "smooth", block: "center", inline: "center" });
    target.classList.remove("jm-flash");
    void target.offsetWidth;
    target.classList.add("jm-flash");
  });
})();
