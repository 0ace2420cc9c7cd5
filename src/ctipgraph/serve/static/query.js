// The query page: YASGUI (served from node_modules) on this site's SPARQL endpoint, with the
// competency queries of queries/*.rq as examples that open in their own tab.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("ctip-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var byName = {};
  config.examples.forEach(function (e) { byName[e.name] = e; });

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: "ctipgraph-yasgui",
    populateFromUrl: true,
    yasqe: { autocompleters: ["variables"] },
  });

  function openExample(name) {
    var example = byName[name];
    if (!example) return null;
    // reuse the tab of that example when it is open
    var tabs = yasgui._tabs || {};
    for (var id in tabs) {
      if (tabs[id].getName() === example.title) {
        yasgui.selectTabId(id);
        return tabs[id];
      }
    }
    var tab = yasgui.addTab(true, {
      name: example.title,
      yasqe: { value: example.query },
      requestConfig: { endpoint: endpoint },
    });
    return tab;
  }

  // Make sure every tab talks to this site's endpoint (tabs restored from an older session too).
  Object.keys(yasgui._tabs || {}).forEach(function (id) {
    var tab = yasgui._tabs[id];
    if (tab.getEndpoint && tab.getEndpoint() !== endpoint && tab.setEndpoint) {
      tab.setEndpoint(endpoint);
    }
  });

  // Example links open their query in a tab without reloading the page.
  document.querySelectorAll("a.example").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (openExample(link.getAttribute("data-example"))) {
        event.preventDefault();
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", link.getAttribute("href"));
        }
      }
    });
  });

  if (config.selected) openExample(config.selected);
  window.ctipYasgui = yasgui;
})();
