/* Agreement page of the PPA: the signature pad (pointer events: finger, stylus, mouse) and the panels shown for
   the chosen form of agreement. The drawing is sent as path data (absolute M/L commands in a 600×200 box) in the
   hidden field; the server validates it strictly and rebuilds the SVG itself. Without JavaScript every panel stays
   visible and the pad is replaced by a notice. */
(function () {
  "use strict";
  var W = 600, H = 200, MIN_STEP = 1.5;

  function clamp(v, min, max) { return Math.max(min, Math.min(max, v)); }
  function fmt(p) { return (Math.round(p[0] * 10) / 10) + " " + (Math.round(p[1] * 10) / 10); }

  function parse(value) {
    // Re-draw a signature kept by the form after a validation error.
    var strokes = [], current = null, re = /([ML])\s*([\d.]+)[\s,]+([\d.]+)/g, m;
    while ((m = re.exec(value || "")) !== null) {
      var p = [parseFloat(m[2]), parseFloat(m[3])];
      if (m[1] === "M" || !current) { current = [p]; strokes.push(current); } else { current.push(p); }
    }
    return strokes;
  }

  function initPad(form) {
    var pad = form.querySelector("[data-signature-pad]");
    var input = form.querySelector("[data-signature-valeur]");
    if (!pad || !input) { return; }
    pad.hidden = false;
    var canvas = pad.querySelector("canvas");
    var ctx = canvas.getContext("2d");
    var etat = pad.querySelector("[data-signature-etat]");
    var strokes = parse(input.value);
    var current = null;

    function redraw() {
      ctx.clearRect(0, 0, W, H);
      ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#000";
      strokes.forEach(function (s) {
        ctx.beginPath();
        ctx.moveTo(s[0][0], s[0][1]);
        if (s.length === 1) { ctx.lineTo(s[0][0] + 0.1, s[0][1]); }
        for (var i = 1; i < s.length; i++) { ctx.lineTo(s[i][0], s[i][1]); }
        ctx.stroke();
      });
    }
    function sync() {
      input.value = strokes.filter(function (s) { return s.length > 1; }).map(function (s) {
        return "M" + fmt(s[0]) + " " + s.slice(1).map(function (p) { return "L" + fmt(p); }).join(" ");
      }).join(" ");
      etat.textContent = input.value ? "Signature tracée." : "Cadre vide.";
    }
    function pos(e) {
      var r = canvas.getBoundingClientRect();
      return [clamp((e.clientX - r.left) * W / r.width, 0, W), clamp((e.clientY - r.top) * H / r.height, 0, H)];
    }
    canvas.addEventListener("pointerdown", function (e) {
      if (e.button !== undefined && e.button > 0) { return; }
      e.preventDefault();
      if (canvas.setPointerCapture) { try { canvas.setPointerCapture(e.pointerId); } catch (err) { /* synthetic */ } }
      current = [pos(e)];
      strokes.push(current);
      redraw();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!current) { return; }
      e.preventDefault();
      var p = pos(e), last = current[current.length - 1];
      if (Math.abs(p[0] - last[0]) + Math.abs(p[1] - last[1]) < MIN_STEP) { return; }
      current.push(p);
      ctx.beginPath(); ctx.moveTo(last[0], last[1]); ctx.lineTo(p[0], p[1]); ctx.stroke();
    });
    function end() { if (current) { current = null; sync(); } }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("pointerleave", end);
    pad.querySelector("[data-signature-effacer]").addEventListener("click", function () {
      strokes = []; current = null; redraw(); sync();
    });
    redraw();
    if (input.value) { etat.textContent = "Signature tracée."; }
  }

  function initPanels(form) {
    var radios = form.querySelectorAll("input[name=mode]");
    var panels = form.querySelectorAll("[data-mode-panel]");
    function update() {
      var checked = form.querySelector("input[name=mode]:checked");
      var mode = checked ? checked.value : "";
      panels.forEach(function (panel) {
        var kind = panel.getAttribute("data-mode-panel");
        panel.hidden = kind !== "commentaire" && kind !== mode;
      });
    }
    radios.forEach(function (r) { r.addEventListener("change", update); });
    update();
  }

  document.querySelectorAll("form[data-accord]").forEach(function (form) {
    initPad(form);
    initPanels(form);
  });
})();
