// Open Threat Radar: search shortcuts, copy buttons and live updates. The pages work
// without this file; it only adds to them. It builds every element with textContent and
// setAttribute, never with HTML strings, because the text it shows comes from advisories.
"use strict";

(function () {
  const search = document.getElementById("search");

  // "/" and Ctrl+K (Cmd+K) focus the search box, unless the user is typing elsewhere.
  document.addEventListener("keydown", function (event) {
    const target = event.target;
    const typing = target instanceof HTMLElement &&
      (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    const ctrlK = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k";
    if (!search || !(ctrlK || (event.key === "/" && !typing))) {
      return;
    }
    event.preventDefault();
    search.focus();
    search.select();
  });

  // Feed addresses: select on focus, and a button that copies.
  document.querySelectorAll("input[data-copy]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
    if (!navigator.clipboard) {
      return;
    }
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Copy";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = "Copied";
      });
    });
    input.after(button);
  });

  const list = document.getElementById("threat-list");
  const status = document.getElementById("live-status");
  if (!list || list.dataset.live !== "true" || !window.EventSource) {
    return;
  }

  // Whether a threat passes the filters the list was rendered with.
  function wanted(threat) {
    const d = list.dataset;
    return (!d.type || d.type === threat.type) &&
      (!d.severity || d.severity === threat.severity) &&
      (!d.ecosystem || threat.ecosystems.some(function (e) {
        return e.split(":")[0].toLowerCase() === d.ecosystem.toLowerCase();
      }));
  }

  function cell(row, content) {
    const td = document.createElement("td");
    if (content instanceof Node) {
      td.appendChild(content);
    } else {
      td.textContent = content;
    }
    row.appendChild(td);
    return td;
  }

  function rowFor(change) {
    const t = change.threat;
    const row = document.createElement("tr");
    row.className = t.type + " fresh";
    row.dataset.id = change.id;
    const first = cell(row, "");
    if (t.type === "malicious") {
      const badge = document.createElement("span");
      badge.className = "badge malicious";
      badge.textContent = "Malicious";
      first.appendChild(badge);
      first.appendChild(document.createTextNode(" "));
    }
    const link = document.createElement("a");
    link.setAttribute("href", "/threat/" + encodeURIComponent(t.slug));
    link.textContent = change.id + ": " + t.title;
    first.appendChild(link);
    const severity = document.createElement("span");
    severity.className = "severity " + t.severity;
    severity.textContent = t.severity;
    cell(row, severity);
    cell(row, t.packages.map(function (p, i) {
      return p + " (" + (t.ecosystems[i] || t.ecosystems[0] || "") + ")";
    }).join(", "));
    cell(row, (t.published || "").slice(0, 10));
    return row;
  }

  function existing(id) {
    return Array.prototype.find.call(list.rows, function (r) { return r.dataset.id === id; });
  }

  function apply(change) {
    const old = existing(change.id);
    if (change.change === "withdrawn") {
      if (old) {
        old.classList.add("withdrawn");
      }
      return;
    }
    if (!change.threat || !wanted(change.threat)) {
      return;
    }
    const row = rowFor(change);
    if (old) {
      old.replaceWith(row);
    } else {
      list.insertBefore(row, list.firstChild);
    }
  }

  const events = new EventSource("/api/v1/events");
  ["new", "updated", "withdrawn"].forEach(function (type) {
    events.addEventListener(type, function (message) {
      try {
        apply(JSON.parse(message.data));
      } catch (error) {
        console.warn("live update not shown:", error);
      }
    });
  });
  events.addEventListener("open", function () {
    status.hidden = true;
    document.body.dataset.live = "open";
  });
  // The browser reconnects by itself, sending Last-Event-ID, so nothing is missed.
  events.addEventListener("error", function () {
    status.hidden = false;
    document.body.dataset.live = "reconnecting";
  });
})();
