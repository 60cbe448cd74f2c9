// The campaign graph: fetches the campaign's graph JSON (reports and indicators the viewer may
// see) and draws it with Cytoscape.js, served from our own origin. Report circles are coloured
// by victim country, indicator squares by type; hubs get a thick dashed border. Selecting a node
// opens its page (an indicator) or its row in the report table (a report).
(function () {
  "use strict";

  var COUNTRY_COLOURS = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
    "#17becf", "#bcbd22", "#ff7f0e", "#393b79", "#637939", "#843c39", "#7b4173"
  ];
  var TYPE_COLOURS = {
    phone: "#0b6e4f", email: "#b5651d", domain: "#6a3d9a", url: "#8e44ad",
    btc: "#f39c12", eth: "#34495e", tron: "#c0392b", bank_account: "#1a5276",
    telegram: "#2e86c1", line: "#27ae60", kakao: "#b7950b", wechat: "#229954",
    zalo: "#1f618d", ipv4: "#7f8c8d", ipv6: "#616a6b"
  };

  // Stable colour per country code, whatever order the countries come in.
  function countryColour(code) {
    var sum = 0;
    for (var i = 0; i < code.length; i += 1) {
      sum = sum * 31 + code.charCodeAt(i);
    }
    return COUNTRY_COLOURS[Math.abs(sum) % COUNTRY_COLOURS.length];
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function draw(container, status, graph) {
    graph.nodes.forEach(function (node) {
      var d = node.data;
      d.colour = d.kind === "report" ? countryColour(d.country || "") : TYPE_COLOURS[d.type] || "#555";
    });
    var cy = window.cytoscape({
      container: container,
      elements: { nodes: graph.nodes, edges: graph.edges },
      style: [
        {
          selector: "node",
          style: {
            "background-color": "data(colour)",
            label: "data(label)",
            "font-size": 8,
            color: "#222",
            "text-valign": "bottom",
            "text-margin-y": 2,
            width: 14,
            height: 14
          }
        },
        { selector: 'node[kind = "report"]', style: { shape: "ellipse" } },
        { selector: 'node[kind = "indicator"]', style: { shape: "round-rectangle", width: 18, height: 18 } },
        {
          selector: "node[?hub]",
          style: { "border-width": 4, "border-style": "dashed", "border-color": "#000" }
        },
        { selector: "edge", style: { width: 1, "line-color": "#aab", "curve-style": "haystack" } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#f00" } }
      ],
      layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 6000 }
    });
    cy.on("tap", "node", function (event) {
      var href = event.target.data("href");
      if (href) {
        window.location.assign(href);
      }
    });
    container.setAttribute("data-nodes", String(cy.nodes().length));
    container.setAttribute("data-ready", "true");
    var message = graph.truncated ? status.dataset.showing : status.dataset.all;
    status.textContent = fill(message, { shown: graph.shown_reports, total: graph.total_reports });
    // For tests and keyboard users: a node's position on the page, by element id.
    window.scamlinkGraph = cy;
  }

  function start() {
    var container = document.getElementById("campaign-graph");
    var status = document.getElementById("graph-status");
    if (!container || !status || typeof window.cytoscape !== "function") {
      return;
    }
    fetch(container.dataset.graphUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("graph: HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (graph) {
        draw(container, status, graph);
      })
      .catch(function () {
        status.textContent = status.dataset.failed;
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
