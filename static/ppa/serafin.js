/* SERAFIN-PH picker: enhances each <select data-serafin> (plain select without JavaScript) with a search field
   (combobox pattern): type a code (« 1.3 ») or words (« sante », accents and case ignored), choose with the
   arrows and Entrée or the mouse; chosen codes are listed with a button to remove each. The hidden select keeps
   the value that the form submits. */
(function () {
  "use strict";
  var uid = 0;

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function enhance(select) {
    uid += 1;
    var multiple = select.multiple;
    var options = Array.prototype.filter.call(select.options, function (o) { return o.value; }).map(function (o) {
      return { value: o.value, text: o.text, folded: fold(o.text), option: o };
    });
    var label = document.querySelector("label[for='" + select.id + "']");
    var box = document.createElement("div");
    box.className = "serafin-picker";
    var chosen = document.createElement("ul");
    chosen.className = "serafin-choisis";
    chosen.setAttribute("aria-label", "Codes choisis");
    var input = document.createElement("input");
    input.type = "text";
    input.id = select.id + "_recherche";
    input.className = "serafin-recherche";
    input.autocomplete = "off";
    input.placeholder = "Code ou mots, par exemple 1.3.3 ou scolaire";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    var list = document.createElement("ul");
    list.id = "serafin-liste-" + uid;
    list.className = "serafin-liste";
    list.setAttribute("role", "listbox");
    if (label) { list.setAttribute("aria-label", label.textContent.replace("*", "").trim()); }
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    var status = document.createElement("p");
    status.className = "sr-only";
    status.setAttribute("aria-live", "polite");
    if (select.getAttribute("aria-describedby")) { input.setAttribute("aria-describedby", select.getAttribute("aria-describedby")); }
    box.appendChild(chosen);
    box.appendChild(input);
    box.appendChild(list);
    box.appendChild(status);
    select.parentNode.insertBefore(box, select.nextSibling);
    select.hidden = true;
    select.tabIndex = -1;
    if (label) { label.htmlFor = input.id; }

    var matches = [], active = -1;

    function renderChosen() {
      chosen.innerHTML = "";
      options.forEach(function (o) {
        if (!o.option.selected) { return; }
        var li = document.createElement("li");
        var span = document.createElement("span");
        span.textContent = o.text;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "bouton--lien serafin-retirer";
        remove.textContent = "Retirer";
        remove.setAttribute("aria-label", "Retirer " + o.text);
        remove.addEventListener("click", function () {
          o.option.selected = false;
          if (!multiple) { select.value = ""; }
          renderChosen();
          status.textContent = o.value + " retiré.";
          input.focus();
        });
        li.appendChild(span);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(remove);
        chosen.appendChild(li);
      });
    }

    function filter(query) {
      var q = fold(query).trim();
      if (!q) { return options.slice(); }
      if (/^[\d.]+$/.test(q)) {
        var prefix = q.replace(/\.$/, "");
        return options.filter(function (o) { return o.value === prefix || o.value.indexOf(prefix + ".") === 0; });
      }
      var words = q.split(/\s+/);
      return options.filter(function (o) { return words.every(function (w) { return o.folded.indexOf(w) !== -1; }); });
    }

    function open() {
      matches = filter(input.value);
      active = matches.length ? 0 : -1;
      list.innerHTML = "";
      matches.forEach(function (o, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", o.option.selected ? "true" : "false");
        li.textContent = o.text;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(o); });
        list.appendChild(li);
      });
      if (!matches.length) {
        var empty = document.createElement("li");
        empty.className = "serafin-vide";
        empty.textContent = "Aucun code ne correspond.";
        list.appendChild(empty);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = matches.length + " code" + (matches.length > 1 ? "s" : "") + " trouvé" + (matches.length > 1 ? "s" : "") + ".";
      highlight();
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight() {
      Array.prototype.forEach.call(list.querySelectorAll("[role=option]"), function (li, i) {
        li.classList.toggle("actif", i === active);
      });
      if (active >= 0) {
        var li = document.getElementById(list.id + "-" + active);
        input.setAttribute("aria-activedescendant", li.id);
        if (li.scrollIntoView) { li.scrollIntoView({ block: "nearest" }); }
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(o) {
      if (multiple) {
        o.option.selected = !o.option.selected;
      } else {
        select.value = o.value;
      }
      select.dispatchEvent(new Event("change", { bubbles: true }));
      renderChosen();
      status.textContent = o.value + (o.option.selected ? " choisi." : " retiré.");
      input.value = "";
      close();
    }

    input.addEventListener("input", open);
    input.addEventListener("focus", function () { if (!input.value) { open(); } });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") {
        e.preventDefault();
        if (list.hidden) { open(); return; }
        if (matches.length) { active = (active + 1) % matches.length; highlight(); }
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        if (matches.length) { active = (active - 1 + matches.length) % matches.length; highlight(); }
      } else if (e.key === "Enter") {
        if (!list.hidden && active >= 0) { e.preventDefault(); choose(matches[active]); }
        else if (!list.hidden) { e.preventDefault(); }
      } else if (e.key === "Escape") {
        if (!list.hidden) { e.preventDefault(); close(); }
      }
    });
    renderChosen();
  }

  document.querySelectorAll("select[data-serafin]").forEach(enhance);
})();
