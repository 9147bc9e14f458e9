/* PNG of any picture on the page: the network, and every chart in the tab on show.
 *
 * Each picture's card has a "⤓ PNG" button (class png-button, data-target: the card's id). The
 * network is SVG styled by CSS, so its styles are copied onto a clone before it is drawn on a
 * canvas at twice its size; the charts use Plotly's own image export.
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
      button.title = "This tab has no picture: choose a tab with a chart.";
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
