// The trace's flow graph: reads the elements the page carries (a JSON data block, no request)
// and draws them with Cytoscape.js from our own origin, at the positions the server chose:
// victims' wallets on the left, the wallets between by distance, cash-out points on the right.
// Line width follows the amount carried; pointing at an address or a line shows its label and
// amount in the line above the graph. While a trace runs (the form submitted, the next page not
// there yet) the form says so.
(function () {
  "use strict";

  var COLOURS = { victim: "#1f77b4", wallet: "#7f8c8d", rest: "#e67e22", cashout: "#c0392b" };

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function start() {
    var container = document.getElementById("trace-graph");
    var status = document.getElementById("trace-graph-status");
    var hover = document.getElementById("trace-hover");
    if (!container || !container.dataset.graph || typeof window.cytoscape !== "function") {
      return;
    }
    var graph = JSON.parse(container.dataset.graph);
    graph.nodes.forEach(function (node) {
      node.data.colour = COLOURS[node.data.kind] || "#555";
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
            "font-size": 9,
            color: "#222",
            "text-valign": "bottom",
            "text-margin-y": 2,
            width: 16,
            height: 16
          }
        },
        { selector: 'node[kind = "cashout"]', style: { shape: "round-rectangle", width: 22, height: 22 } },
        { selector: 'node[kind = "victim"]', style: { shape: "ellipse", width: 20, height: 20 } },
        {
          selector: "edge",
          style: {
            width: "data(width)",
            "line-color": "#9aa5b8",
            "target-arrow-color": "#9aa5b8",
            "target-arrow-shape": "triangle",
            "curve-style": "bezier",
            opacity: 0.8
          }
        },
        { selector: ".hovered", style: { "line-color": "#d35400", "target-arrow-color": "#d35400", "border-width": 3, "border-color": "#d35400" } }
      ],
      layout: { name: "preset", fit: true, padding: 20 }
    });
    function show(text) {
      if (hover) {
        hover.textContent = text;
      }
    }
    cy.on("mouseover", "node", function (event) {
      var d = event.target.data();
      event.target.addClass("hovered");
      show(d.id + (d.category ? " · " + d.label + " (" + d.category + ")" : "") +
        (d.amount ? " · " + d.amount + " " + graph.token : ""));
    });
    cy.on("mouseover", "edge", function (event) {
      var d = event.target.data();
      event.target.addClass("hovered");
      show(d.source + " → " + d.target + " · " + d.amount + " " + graph.token + " · " + d.txs.join(", "));
    });
    cy.on("mouseout", "node, edge", function (event) {
      event.target.removeClass("hovered");
    });
    if (status) {
      var message = graph.shown < graph.total ? status.dataset.showing : status.dataset.all;
      status.textContent = fill(message, { shown: graph.shown, total: graph.total });
    }
    container.setAttribute("data-nodes", String(cy.nodes().length));
    container.setAttribute("data-edges", String(cy.edges().length));
    container.setAttribute("data-ready", "true");
    window.scamlinkTraceGraph = cy;
  }

  function working() {
    var form = document.getElementById("trace-form");
    var status = document.getElementById("trace-working");
    var button = document.getElementById("trace-run");
    if (!form || !status) {
      return;
    }
    form.addEventListener("submit", function () {
      status.hidden = false;
      if (button) {
        button.setAttribute("aria-busy", "true");
        button.disabled = true;
      }
    });
    window.addEventListener("pageshow", function () {
      status.hidden = true;
      if (button) {
        button.removeAttribute("aria-busy");
        button.disabled = false;
      }
    });
  }

  function ready() {
    working();
    start();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
