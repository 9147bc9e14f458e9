/* PNG of any panel on the page: the network, every chart in the tab on show, or the tab itself
 * when it is text and maths (the equations, the tables).
 *
 * Each card has a "⤓" button (class png-button, data-target: the card's id). The network is SVG
 * styled by CSS, so its styles are copied onto a clone before it is drawn on a canvas at twice its
 * size; the charts use Plotly's own image export; text goes through an SVG foreignObject.
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

  function networkPng(svg, name) {
    const box = svg.getBoundingClientRect();
    const clone = svg.cloneNode(true);
    const from = svg.querySelectorAll("*");
    const to = clone.querySelectorAll("*");
    from.forEach((node, i) => {
      const style = getComputedStyle(node);
      to[i].setAttribute("style", STYLED.map((p) => `${p}:${style.getPropertyValue(p)}`).join(";"));
    });
    clone.querySelectorAll(".g-pulses").forEach((g) => g.remove());  // an animation has no still
    clone.setAttribute("width", box.width);
    clone.setAttribute("height", box.height);
    const background = getComputedStyle(document.querySelector(".network-panel")).backgroundColor;
    const bg = getComputedStyle(document.body).backgroundColor;
    const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)],
      {type: "image/svg+xml"}));
    const image = new Image();
    image.onload = () => {
      const scale = 2;
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(box.width * scale);
      canvas.height = Math.round(box.height * scale);
      const paint = canvas.getContext("2d");
      paint.fillStyle = background !== "rgba(0, 0, 0, 0)" ? background : bg;
      paint.fillRect(0, 0, canvas.width, canvas.height);
      paint.drawImage(image, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      save(canvas.toDataURL("image/png"), name);
    };
    image.src = url;
  }

  // A panel of text and typeset maths (the equations, the tables): its HTML with every computed
  // style written onto a copy, drawn through an SVG foreignObject. MathJax's glyphs are <use>
  // references to definitions kept elsewhere on the page, so those come along.
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
    const glyphs = [...document.querySelectorAll("svg defs")].filter((d) => !node.contains(d))
      .map((d) => new XMLSerializer().serializeToString(d)).join("");
    const body = new XMLSerializer().serializeToString(clone);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<defs>${glyphs.replace(/<\/?defs[^>]*>/g, "")}</defs>` +
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

  function visible(node) {
    return node.offsetParent !== null && node.getBoundingClientRect().width > 0;
  }

  function exportCard(button) {
    const card = document.getElementById(button.dataset.target);
    if (!card) return;
    const name = `backprop-lab-${button.dataset.name || button.dataset.target}${stamp()}`;
    const svg = card.querySelector(".network-svg");
    if (svg) { networkPng(svg, `${name}.png`); return; }
    const charts = [...card.querySelectorAll(".js-plotly-plot")].filter(visible);
    if (!charts.length || !window.Plotly) {
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
