/* The review page's filters and search (convert/review/page.py): plain script, nothing
   fetched; without it every card stays visible. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".card"));
  var texts = cards.map(function (card) { return card.textContent.toLowerCase(); });
  var categories = cards.map(function (card) { return JSON.parse(card.dataset.categories); });
  var shown = document.getElementById("shown");
  var empty = document.getElementById("empty");

  function matches(card, i, want, words) {
    var d = card.dataset;
    if (want.outcome === "warned" ? d.warned !== "1" :
        want.outcome === "problems" ? d.problems !== "1" :
        want.outcome && d.outcome !== want.outcome) { return false; }
    if (want.category && categories[i].indexOf(want.category) < 0) { return false; }
    if (want.month && d.month !== want.month) { return false; }
    if (want.language && d.lang !== want.language) { return false; }
    return words.every(function (word) { return texts[i].indexOf(word) >= 0; });
  }

  function apply() {
    var want = {outcome: form.outcome.value, category: form.category.value, month: form.month.value,
                language: form.language.value};
    var words = form.q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var count = 0;
    cards.forEach(function (card, i) {
      var ok = matches(card, i, want, words);
      card.hidden = !ok;
      if (ok) { count += 1; }
    });
    shown.textContent = shown.dataset.template.replace("{shown}", count).replace("{total}", cards.length);
    empty.hidden = count > 0;
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  document.getElementById("show-all").addEventListener("click", function () {
    form.reset();   // the values are back to "all" once reset() returns: apply at once
    apply();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  document.addEventListener("keydown", function (event) {
    var tag = document.activeElement ? document.activeElement.tagName : "";
    if (event.key === "/" && !/^(INPUT|SELECT|TEXTAREA)$/.test(tag)) {
      event.preventDefault();
      form.q.focus();
    }
  });
  apply();
}());
