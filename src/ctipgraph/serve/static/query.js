// The query page: YASGUI (served from node_modules) on this site's SPARQL endpoint, with the
// competency queries of queries/*.rq as examples that open in their own tab.
//
// SELECT results are shown by the "Answers" plugin (CtipTable below): IRIs with their labels,
// linked to this site's pages (IRIs under https://w3id.org/ctipgraph/id/ go to /id/…), names
// written as valid SPARQL (a prefixed name only when its local part is valid, else <IRI>),
// numbers formatted with the datatype on hover, every column sortable, a CSV download.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("ctip-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var siteRoot = config.endpoint.replace(/\/sparql\/?$/, "");
  var ID_SPACE = "https://w3id.org/ctipgraph/id/";
  var ONTOLOGY = "https://w3id.org/ctipgraph/ontology#";
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "double", "float", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"];
  var PAGE_ROWS = 500;
  var byName = {};
  config.examples.forEach(function (e) { byName[e.name] = e; });

  // prefixes: the project's (from the JSON-LD context), longest namespace first
  var prefixes = [];
  function loadPrefixes() {
    return fetch(siteRoot + "/context.jsonld", { headers: { Accept: "application/ld+json" } })
      .then(function (r) { return r.ok ? r.json() : { "@context": {} }; })
      .then(function (doc) {
        var ctx = doc["@context"] || {};
        prefixes = Object.keys(ctx).filter(function (k) {
          return typeof ctx[k] === "string" && /[\/#]$/.test(ctx[k]);
        }).map(function (k) { return [k, ctx[k]]; })
          .sort(function (a, b) { return b[1].length - a[1].length; });
      })
      .catch(function () { prefixes = []; });
  }

  // SPARQL 1.1 PN_LOCAL without escapes (ASCII subset): what may follow "prefix:" as is
  var PN_LOCAL = /^[A-Za-z0-9_:]([A-Za-z0-9_.:-]*[A-Za-z0-9_:-])?$/;

  // The name of an IRI as valid SPARQL: prefix:local when the local part needs no escape,
  // else the full <IRI>.
  function sparqlName(iri) {
    for (var i = 0; i < prefixes.length; i++) {
      var ns = prefixes[i][1];
      if (iri.indexOf(ns) === 0) {
        var local = iri.slice(ns.length);
        if (local === "" || PN_LOCAL.test(local)) return prefixes[i][0] + ":" + local;
        break;
      }
    }
    return "<" + iri + ">";
  }

  function localHref(iri) {
    if (iri.indexOf(ID_SPACE) === 0) {
      return siteRoot + "/id/" + iri.slice(ID_SPACE.length).split("/").map(encodeURIComponent).join("/");
    }
    if (iri.indexOf(ONTOLOGY) === 0) {
      var local = iri.slice(ONTOLOGY.length);
      if (/^[A-Z]/.test(local)) return siteRoot + "/class/" + encodeURIComponent(local);
      return siteRoot + "/ontology#" + encodeURIComponent(local);
    }
    if (/^https?:\/\//i.test(iri)) return iri;
    return null; // urn:, mailto:, javascript: … are shown as text
  }

  function isNumeric(binding) {
    return binding && binding.type !== "uri" && binding.type !== "bnode" && binding.datatype &&
      binding.datatype.indexOf(XSD) === 0 &&
      NUMERIC.indexOf(binding.datatype.slice(XSD.length)) >= 0 && isFinite(Number(binding.value));
  }

  var numberFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 });

  // what a literal looks like to a reader; its raw form goes in the title
  function literalText(b) {
    if (isNumeric(b)) return numberFormat.format(Number(b.value));
    if (b.datatype === XSD + "boolean") return b.value === "true" || b.value === "1" ? "yes" : "no";
    return b.value;
  }

  function literalTitle(b) {
    var raw = JSON.stringify(b.value);
    if (b["xml:lang"]) return raw + "@" + b["xml:lang"];
    if (b.datatype && b.datatype !== XSD + "string") return raw + "^^" + sparqlName(b.datatype);
    return raw;
  }

  // -- labels: one query for the IRIs of the results ------------------------------------------
  var labels = {};
  function fetchLabels(iris) {
    var wanted = iris.filter(function (iri) {
      return !(iri in labels) && /^https?:\/\/[^\s<>"{}|\\^`]+$/.test(iri);
    }).slice(0, 2000);
    if (!wanted.length) return Promise.resolve(false);
    var query = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" +
      "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" +
      "PREFIX dcterms: <http://purl.org/dc/terms/>\n" +
      "SELECT ?s (MIN(?l) AS ?label) WHERE { VALUES ?s { " +
      wanted.map(function (iri) { return "<" + iri + ">"; }).join(" ") +
      " } { ?s rdfs:label ?l } UNION { ?s skos:prefLabel ?l } UNION " +
      "{ ?s dcterms:title ?l FILTER NOT EXISTS { ?s rdfs:label ?other } } } GROUP BY ?s";
    wanted.forEach(function (iri) { labels[iri] = null; });
    return fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/sparql-results+json" },
      body: "query=" + encodeURIComponent(query),
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) return false;
      data.results.bindings.forEach(function (row) {
        if (row.s && row.label) labels[row.s.value] = row.label.value;
      });
      return true;
    }).catch(function () { return false; });
  }

  function cellText(b) {
    if (!b) return "";
    if (b.type === "uri") return labels[b.value] || sparqlName(b.value);
    if (b.type === "bnode") return "_:" + b.value;
    return literalText(b);
  }

  function sortKey(b) {
    if (!b) return null;
    if (isNumeric(b)) return Number(b.value);
    return cellText(b).toLocaleLowerCase();
  }

  // -- CSV: SPARQL 1.1 CSV (raw values), plus a label column beside each column of IRIs ----------
  function csvField(text) {
    text = text == null ? "" : String(text);
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function toCsv(vars, rows) {
    var withLabels = vars.filter(function (v) {
      return rows.some(function (row) { return row[v] && row[v].type === "uri" && labels[row[v].value]; });
    });
    var header = [];
    vars.forEach(function (v) {
      header.push(v);
      if (withLabels.indexOf(v) >= 0) header.push(v + "_label");
    });
    var lines = [header.map(csvField).join(",")];
    rows.forEach(function (row) {
      var fields = [];
      vars.forEach(function (v) {
        var b = row[v];
        fields.push(b ? (b.type === "bnode" ? "_:" + b.value : b.value) : "");
        if (withLabels.indexOf(v) >= 0) fields.push(b && b.type === "uri" ? labels[b.value] || "" : "");
      });
      lines.push(fields.map(csvField).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  }

  function saveFile(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  // -- the YASR plugin --------------------------------------------------------------------------
  function CtipTable(yasr) {
    this.yasr = yasr;
    this.label = "Answers";
    this.priority = 20; // before YASR's own table (10): the default for SELECT results
    this.sort = null; // {column, descending}
    this.shown = PAGE_ROWS;
  }

  CtipTable.prototype.canHandleResults = function () {
    var r = this.yasr.results;
    return !!(r && r.getVariables && r.getVariables().length > 0 && !r.hasError());
  };

  CtipTable.prototype.getIcon = function () {
    var icon = document.createElement("span");
    icon.className = "ctip-plugin-icon";
    icon.textContent = "▦";
    return icon;
  };

  CtipTable.prototype.rows = function () {
    var rows = this.yasr.results.getBindings().slice();
    if (this.sort) {
      var column = this.sort.column;
      var sign = this.sort.descending ? -1 : 1;
      rows.sort(function (a, b) {
        var x = sortKey(a[column]);
        var y = sortKey(b[column]);
        if (x === y) return 0;
        if (x === null) return 1; // unbound last
        if (y === null) return -1;
        if (typeof x === "number" && typeof y === "number") return sign * (x - y);
        return sign * String(x).localeCompare(String(y), "en", { numeric: true });
      });
    }
    return rows;
  };

  CtipTable.prototype.cell = function (b) {
    var td = document.createElement("td");
    if (!b) return td;
    if (b.type === "uri") {
      var href = localHref(b.value);
      var node = document.createElement(href ? "a" : "span");
      if (href) node.setAttribute("href", href);
      node.className = "ctip-iri";
      node.dataset.iri = b.value;
      node.textContent = cellText(b);
      node.title = "<" + b.value + ">";
      td.appendChild(node);
    } else if (b.type === "bnode") {
      td.textContent = "_:" + b.value;
    } else {
      var span = document.createElement("span");
      span.className = "ctip-literal";
      span.textContent = literalText(b);
      span.title = literalTitle(b);
      if (isNumeric(b)) td.className = "num";
      td.appendChild(span);
    }
    return td;
  };

  CtipTable.prototype.draw = function () {
    var self = this;
    var results = this.yasr.results;
    var vars = results.getVariables();
    var all = results.getBindings();
    var root = document.createElement("div");
    root.className = "ctip-results";

    var bar = document.createElement("p");
    bar.className = "ctip-results-bar";
    var count = document.createElement("span");
    count.className = "ctip-count";
    count.textContent = numberFormat.format(all.length) + (all.length === 1 ? " answer" : " answers");
    bar.appendChild(count);
    var csv = document.createElement("button");
    csv.type = "button";
    csv.className = "ctip-csv";
    csv.textContent = "Download CSV";
    csv.addEventListener("click", function () {
      var data = self.download();
      saveFile(data.filename, data.contentType, data.getData());
    });
    bar.appendChild(csv);
    var hint = document.createElement("span");
    hint.className = "ctip-hint";
    hint.textContent = "Click a column to sort; hover a value for its raw form.";
    bar.appendChild(hint);
    root.appendChild(bar);

    var wrap = document.createElement("div");
    wrap.className = "ctip-table-wrap";
    var table = document.createElement("table");
    table.className = "ctip-table";
    var thead = document.createElement("thead");
    var tr = document.createElement("tr");
    vars.forEach(function (v) {
      var th = document.createElement("th");
      th.scope = "col";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "ctip-sort";
      button.textContent = v;
      var state = "none";
      if (self.sort && self.sort.column === v) state = self.sort.descending ? "descending" : "ascending";
      th.setAttribute("aria-sort", state);
      button.addEventListener("click", function () {
        var descending = !!(self.sort && self.sort.column === v && !self.sort.descending);
        self.sort = { column: v, descending: descending };
        self.draw();
      });
      th.appendChild(button);
      tr.appendChild(th);
    });
    thead.appendChild(tr);
    table.appendChild(thead);
    var tbody = document.createElement("tbody");
    var rows = this.rows();
    rows.slice(0, this.shown).forEach(function (row) {
      var line = document.createElement("tr");
      vars.forEach(function (v) { line.appendChild(self.cell(row[v])); });
      tbody.appendChild(line);
    });
    table.appendChild(tbody);
    wrap.appendChild(table);
    root.appendChild(wrap);
    if (rows.length > this.shown) {
      var more = document.createElement("button");
      more.type = "button";
      more.className = "ctip-more";
      more.textContent = "Show all " + numberFormat.format(rows.length) + " answers";
      more.addEventListener("click", function () { self.shown = Infinity; self.draw(); });
      root.appendChild(more);
    }
    this.yasr.resultsEl.innerHTML = "";
    this.yasr.resultsEl.appendChild(root);

    // labels arrive after the table is drawn; the links are renamed in place
    var iris = [];
    all.forEach(function (row) {
      vars.forEach(function (v) { if (row[v] && row[v].type === "uri") iris.push(row[v].value); });
    });
    fetchLabels(Array.from(new Set(iris))).then(function () {
      root.querySelectorAll(".ctip-iri").forEach(function (node) {
        var label = labels[node.dataset.iri];
        if (label) {
          node.textContent = label;
          node.title = "<" + node.dataset.iri + ">";
        }
      });
      root.classList.add("labelled");
    });
  };

  CtipTable.prototype.download = function () {
    var results = this.yasr.results;
    var vars = results.getVariables();
    var rows = this.rows();
    return {
      contentType: "text/csv",
      filename: "ctipgraph-results.csv",
      title: "Download CSV",
      getData: function () { return toCsv(vars, rows); },
    };
  };

  CtipTable.prototype.destroy = function () {};

  Yasgui.Yasr.registerPlugin("ctip", CtipTable);

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: "ctipgraph-yasgui-2", // (-2: sessions saved before the Answers view)
    populateFromUrl: true,
    yasqe: { autocompleters: ["variables"] },
    yasr: { pluginOrder: ["ctip", "table", "response"], defaultPlugin: "ctip" },
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
  window.ctipReady = loadPrefixes().then(function () {
    // results drawn before the prefixes came: drawn again with short names
    Object.keys(yasgui._tabs || {}).forEach(function (id) {
      var yasr = yasgui._tabs[id].getYasr && yasgui._tabs[id].getYasr();
      if (yasr && yasr.results && yasr.draw) yasr.draw();
    });
    return true;
  });
})();
