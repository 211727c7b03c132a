// collsec lab: keep a room's page up to date. The page works without this script;
// with it, the page reloads when someone in the room moves (unless you are typing a draft).
(function () {
  "use strict";
  var body = document.body;
  var room = body.getAttribute("data-room");
  if (!room) { return; }
  var version = body.getAttribute("data-version");
  var live = document.getElementById("live");
  var editing = false;
  var form = document.getElementById("draft-form");
  if (form) { form.addEventListener("input", function () { editing = true; }); }
  function say(text) { live.textContent = text; live.hidden = !text; }
  function poll() {
    fetch("/room/" + room + "/state.json", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.version !== version) {
          if (editing) { say("The room has moved on. Reload the page to see it (your draft is not lost until you do)."); }
          else { window.location.reload(); return; }
        } else { say(""); }
        setTimeout(poll, 1500);
      })
      .catch(function () { say("The connection to the lab is lost; trying again..."); setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1500);
})();
