/* PNG of any panel on the page: the network, every chart in the tab on show, or the tab itself
 * when it is text and maths (the equations, the tables).
 *
 * Each card has a "⤓" button (class png-button, data-target: the card's id). The network is SVG
 * styled by CSS, so its styles are copied onto a clone, which is drawn on a canvas at twice its
 * size with the phase heading above it and the legend below; the page's own charts likewise, alone;
 * Plotly's charts use Plotly's own image export; text goes through an SVG foreignObject.
 */
(function () {
  "use strict";
  const STYLED = ["fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity", "stroke-dasharray",
    "stroke-linecap", "opacity", "visibility", "display", "font-size", "font-weight", "font-style",
    "font-family", "paint-order", "text-anchor", "dominant-baseline"];

  function save(href, name) {
    const a = document.createElement("a");
    a.href = href;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function stamp() {
    const counters = document.getElementById("counters")?.textContent || "";
    const step = /step (\d+)/i.exec(counters);
    return step ? `-step-${step[1]}` : "";
  }

  // The network as the page shows it: the phase heading and the counters above, the legend below,
  // in the page's own colours. One SVG holds the three, the words as HTML in foreignObjects so that
  // whatever the heading and the legend hold (swatches included) comes out as the page draws it.
  function networkPng(svg, name) {
    const scale = 2;    // twice the size on screen
    const margin = 16;  // CSS pixels around everything, so nothing touches the edge
    const gap = 8;
    const reach = 12;   // viewBox units: getBBox measures geometry, not strokes (rings, glows, halos)
    // The drawn content, not the viewBox alone: the output box's words may run past the viewBox
    // (the page lets them overflow), and a picture cut at the viewBox would lose them.
    const vb = svg.viewBox.baseVal;
    const bb = svg.getBBox();
    const x0 = Math.min(vb.x, bb.x) - reach;
    const y0 = Math.min(vb.y, bb.y) - reach;
    const x1 = Math.max(vb.x + vb.width, bb.x + bb.width) + reach;
    const y1 = Math.max(vb.y + vb.height, bb.y + bb.height) + reach;
    const unit = svg.getScreenCTM().a;  // screen pixels per viewBox unit (the aspect ratio is kept)
    const clone = svg.cloneNode(true);
    styleCopy(svg, clone);
    clone.querySelectorAll(".g-pulses").forEach((g) => g.remove());  // an animation has no still
    // The neurons' own pictures are canvases, which a copy leaves blank: each goes as an image.
    const copies = clone.querySelectorAll(".node-map canvas");
    svg.querySelectorAll(".node-map canvas").forEach((canvas, i) => {
      const image = document.createElementNS("http://www.w3.org/1999/xhtml", "img");
      image.setAttribute("src", canvas.toDataURL("image/png"));
      image.setAttribute("style", "display:block;width:100%;height:100%;border-radius:50%");
      copies[i].replaceWith(image);
    });
    const network = {width: (x1 - x0) * unit, height: (y1 - y0) * unit, markup: (x, y) => {
      clone.setAttribute("viewBox", `${x0} ${y0} ${x1 - x0} ${y1 - y0}`);
      for (const [k, v] of Object.entries({x, y, width: network.width, height: network.height})) {
        clone.setAttribute(k, v);
      }
      return new XMLSerializer().serializeToString(clone);
    }};
    // The heading and the legend take the network's width: a heading the page cuts to two lines
    // can show all its words here, and the legend wraps under the network as it would on a page.
    const panel = svg.closest(".network-panel") || document;
    const heading = html([document.getElementById("phase-text"), document.getElementById("counters")],
      network.width);
    const legend = html([panel.querySelector(".legend") || document.querySelector(".legend")], network.width);
    const parts = [heading, network, legend].filter((p) => p.height > 0);
    const width = network.width + 2 * margin;
    let y = margin;
    let body = "";
    for (const part of parts) {
      body += part.markup(margin, y);
      y += part.height + gap;
    }
    const height = y - gap + margin;
    const picture = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`;
    svgPng(picture, width, height, scale, backdrop(svg), name, "the network");
  }

  // An SVG's markup drawn on a canvas of the given colour, `scale` times its size, and saved. From a
  // data: URL, as for the text panels: foreignObjects would make a blob: picture unreadable.
  function svgPng(markup, width, height, scale, colour, name, what) {
    const image = new Image();
    image.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      const paint = canvas.getContext("2d");
      paint.fillStyle = colour;
      paint.fillRect(0, 0, canvas.width, canvas.height);
      paint.drawImage(image, 0, 0, canvas.width, canvas.height);
      save(canvas.toDataURL("image/png"), name);
    };
    image.onerror = () => console.warn(`Backprop Lab: ${what} could not be drawn as an image`);
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(markup);
  }

  // Every computed style that draws an SVG, written onto its copy node by node (the theme's colours).
  function styleCopy(svg, clone) {
    const to = clone.querySelectorAll("*");
    svg.querySelectorAll("*").forEach((node, i) => {
      const style = getComputedStyle(node);
      to[i].setAttribute("style", STYLED.map((p) => `${p}:${style.getPropertyValue(p)}`).join(";"));
    });
  }

  // Page elements on show, stacked at the given width, each a copy with its computed styles
  // written onto it (the theme's colours, the legend's swatches). The copies are measured on the
  // page, out of sight, so that their words wrap at this width exactly as the picture draws them.
  function html(nodes, width) {
    const copies = nodes.filter((node) => node && visible(node)).map((node) => {
      const copy = node.cloneNode(true);
      copyStyles(node, copy);
      // Sized by the picture, not the page; no margins: the picture spaces its parts itself.
      Object.assign(copy.style, {width: `${width}px`, height: "auto", maxHeight: "none", margin: "0"});
      copy.removeAttribute("id");  // while measured it is on the page, beside the original
      return copy;
    });
    const probe = document.createElement("div");
    probe.style.cssText = `position:fixed;left:-100000px;top:0;width:${width}px`;
    probe.setAttribute("aria-hidden", "true");  // the heading's copy is a live region: not read out again
    probe.append(...copies);
    document.body.appendChild(probe);
    const height = probe.getBoundingClientRect().height;
    probe.remove();
    const markup = copies.map((copy) => new XMLSerializer().serializeToString(copy)).join("");
    return {width, height, markup: (x, y) =>
      `<foreignObject x="${x}" y="${y}" width="${width}" height="${height}">${markup}</foreignObject>`};
  }

  // The first colour behind the network: the panel's, else the page's (the theme decides which).
  function backdrop(node) {
    for (let at = node; at instanceof Element; at = at.parentElement) {
      const colour = getComputedStyle(at).backgroundColor;
      if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") return colour;
    }
    return "#ffffff";
  }

  // A panel of text and maths (the equations, the tables): its HTML with every computed style
  // written onto a copy, drawn through an SVG foreignObject (the maths is MathML, drawn there too).
  function copyStyles(from, to) {
    const style = getComputedStyle(from);
    let text = "";
    for (let i = 0; i < style.length; i++) text += `${style[i]}:${style.getPropertyValue(style[i])};`;
    to.setAttribute("style", text);
    for (let i = 0; i < from.children.length; i++) copyStyles(from.children[i], to.children[i]);
  }

  function htmlPng(node, name) {
    const width = Math.ceil(node.scrollWidth);
    const height = Math.ceil(node.scrollHeight);
    const clone = node.cloneNode(true);
    copyStyles(node, clone);
    const body = new XMLSerializer().serializeToString(clone);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<foreignObject width="100%" height="100%">${body}</foreignObject></svg>`;
    const image = new Image();
    image.onload = () => {
      const scale = 2;
      const margin = 16;
      const canvas = document.createElement("canvas");
      canvas.width = (width + 2 * margin) * scale;
      canvas.height = (height + 2 * margin) * scale;
      const paint = canvas.getContext("2d");
      paint.fillStyle = getComputedStyle(node.closest(".card") || document.body).backgroundColor;
      paint.fillRect(0, 0, canvas.width, canvas.height);
      paint.drawImage(image, margin * scale, margin * scale, width * scale, height * scale);
      save(canvas.toDataURL("image/png"), name);
    };
    image.onerror = () => console.warn("Backprop Lab: this panel could not be drawn as an image");
    // A data: URL, not a blob: one: Chromium keeps the canvas readable for a foreignObject from data:.
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
  }

  // A chart the page draws itself (line-chart.js): its SVG with the computed styles written onto a
  // copy (the theme's colours), on the card's colour, at twice its size.
  function chartPng(box, name) {
    const svg = box.querySelector("svg");
    if (!svg) return;
    const clone = svg.cloneNode(true);
    styleCopy(svg, clone);
    clone.querySelectorAll(".lc-hover, .lc-hover-area").forEach((node) => node.remove());
    clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    svgPng(new XMLSerializer().serializeToString(clone), svg.width.baseVal.value, svg.height.baseVal.value, 2,
      backdrop(box), name, "this chart");
  }

  function visible(node) {
    return node.offsetParent !== null && node.getBoundingClientRect().width > 0;
  }

  function exportCard(button) {
    const card = document.getElementById(button.dataset.target);
    if (!card) return;
    const name = `backprop-lab-${button.dataset.name || button.dataset.target}${stamp()}`;
    // The lab's network as a picture with its heading and legend; a card that holds another network
    // (the Twins panel's) is a card like any other.
    const svg = button.dataset.target === "network" ? card.querySelector(".network-svg") : null;
    if (svg) { networkPng(svg, `${name}.png`); return; }
    const own = [...card.querySelectorAll(".line-chart")].filter(visible);
    own.forEach((box) => chartPng(box, `${name}-${box.id}.png`));
    const charts = [...card.querySelectorAll(".js-plotly-plot:not(.line-chart)")].filter(visible);
    if (own.length && !charts.length) return;
    if (!charts.length || !window.Plotly.toImage) {
      const shown = [...card.querySelectorAll(".tab-content > div, .tab-content")].filter(visible)[0] || card;
      htmlPng(shown, `${name}.png`);
      return;
    }
    charts.forEach((gd, i) => {
      const id = gd.parentElement?.id || gd.id || `chart-${i}`;
      window.Plotly.toImage(gd, {format: "png", scale: 2,
        width: gd.offsetWidth, height: gd.offsetHeight}).then((href) => save(href, `${name}-${id}.png`));
    });
  }

  document.addEventListener("click", (ev) => {
    const button = ev.target instanceof Element && ev.target.closest(".png-button");
    if (button) exportCard(button);
  });
})();
