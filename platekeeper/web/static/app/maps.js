// Drawing a search area on a map (pages/reads/_map.html): a rectangle or a circle drawn with a
// mouse, a pen or a finger fills in the search form's area fields, which can always be typed
// instead. The map's projection is the server's (web/maps.py, Frame), inverted here; distances
// are measured as the search measures them (domain/geo.py, GeoCircle).
"use strict";

(() => {
  const METRES_PER_DEGREE = (Math.PI * 6371008.8) / 180;
  const MAX_RADIUS_M = 50000;
  const MIN_DRAG_PX = 4;
  const SVG_NS = "http://www.w3.org/2000/svg";
  const BOX = ["south", "west", "north", "east"];
  const CIRCLE = ["latitude", "longitude", "radius_m"];
  const HOW = {
    box: "Drag from one corner of the area to the opposite one.",
    circle: "Press at the centre of the area and drag out to its edge.",
  };

  function start() {
    for (const bar of document.querySelectorAll(".map-draw[data-map][data-form]")) {
      const svg = document.querySelector(`#${CSS.escape(bar.dataset.map)} svg.map`);
      const form = document.getElementById(bar.dataset.form);
      if (svg && form) new Drawing(bar, svg, form);
    }
  }

  class Drawing {
    constructor(bar, svg, form) {
      this.svg = svg;
      this.form = form;
      this.status = bar.querySelector("[data-status]");
      this.buttons = [...bar.querySelectorAll("button[data-shape]")];
      this.shape = null;
      this.drag = null;
      const box = svg.viewBox.baseVal;
      this.frame = {
        centreX: Number(svg.dataset.centreX),
        centreY: Number(svg.dataset.centreY),
        pxPerUnit: Number(svg.dataset.pxPerUnit),
        width: box.width,
        height: box.height,
      };
      for (const button of this.buttons) {
        button.addEventListener("click", () => this.choose(button.dataset.shape));
      }
      bar.querySelector("[data-clear]").addEventListener("click", () => this.clear());
      svg.addEventListener("pointerdown", (event) => this.begin(event));
      svg.addEventListener("pointermove", (event) => this.move(event));
      svg.addEventListener("pointerup", (event) => this.end(event));
      svg.addEventListener("pointercancel", () => this.cancel());
      bar.hidden = false;
    }

    choose(shape) {
      this.shape = this.shape === shape ? null : shape;
      for (const button of this.buttons) {
        button.setAttribute("aria-pressed", String(button.dataset.shape === this.shape));
      }
      this.svg.classList.toggle("drawing", this.shape !== null);
      if (this.shape) this.say(HOW[this.shape]);
    }

    begin(event) {
      if (!this.shape || event.button > 0) return;
      event.preventDefault();
      this.svg.setPointerCapture(event.pointerId);
      this.removeDrawn();
      const element = document.createElementNS(SVG_NS, this.shape === "box" ? "rect" : "circle");
      element.setAttribute("class", "drawn");
      this.svg.appendChild(element);
      const at = this.pointOf(event);
      this.drag = { shape: this.shape, from: at, to: at, element };
      this.outline();
    }

    move(event) {
      if (!this.drag) return;
      this.drag.to = this.pointOf(event);
      this.outline();
    }

    end(event) {
      if (!this.drag) return;
      this.drag.to = this.pointOf(event);
      this.outline();
      const drawn = this.drag;
      this.drag = null;
      const { from, to } = drawn;
      const small = drawn.shape === "box"
        ? Math.min(Math.abs(to.x - from.x), Math.abs(to.y - from.y)) < MIN_DRAG_PX
        : Math.hypot(to.x - from.x, to.y - from.y) < MIN_DRAG_PX;
      if (small) {
        drawn.element.remove();
        this.say(`Too small to be an area. ${HOW[drawn.shape]}`);
        return;
      }
      if (drawn.shape === "box") this.fillBox(from, to);
      else this.fillCircle(from, to);
    }

    cancel() {
      if (this.drag) this.drag.element.remove();
      this.drag = null;
    }

    clear() {
      this.removeDrawn();
      this.setFields(Object.fromEntries([...BOX, ...CIRCLE].map((name) => [name, ""])));
      this.say("The area is cleared.");
    }

    fillBox(from, to) {
      const a = this.degreesAt(from);
      const b = this.degreesAt(to);
      const edges = {
        south: Math.min(a.latitude, b.latitude),
        west: Math.min(a.longitude, b.longitude),
        north: Math.max(a.latitude, b.latitude),
        east: Math.max(a.longitude, b.longitude),
      };
      const values = Object.fromEntries(BOX.map((name) => [name, edges[name].toFixed(6)]));
      this.setFields({ ...values, latitude: "", longitude: "", radius_m: "" });
      this.say(
        `Area set: a box from ${values.south}, ${values.west} to ${values.north}, ` +
          `${values.east}. Search to find the reads inside it.`,
      );
    }

    fillCircle(from, to) {
      const centre = this.degreesAt(from);
      const edge = this.degreesAt(to);
      const northM = (edge.latitude - centre.latitude) * METRES_PER_DEGREE;
      const eastM = (edge.longitude - centre.longitude) * METRES_PER_DEGREE *
        Math.cos((centre.latitude * Math.PI) / 180);
      const drawnM = Math.hypot(northM, eastM);
      const radiusM = Math.max(1, Math.min(MAX_RADIUS_M, Math.round(drawnM)));
      const values = {
        latitude: centre.latitude.toFixed(6),
        longitude: centre.longitude.toFixed(6),
        radius_m: String(radiusM),
      };
      this.setFields({ south: "", west: "", north: "", east: "", ...values });
      const capped = drawnM > MAX_RADIUS_M ? " (a circle reaches at most 50 km)" : "";
      this.say(
        `Area set: a circle of ${radiusM} m${capped} around ${values.latitude}, ` +
          `${values.longitude}. Search to find the reads inside it.`,
      );
    }

    setFields(values) {
      for (const [name, value] of Object.entries(values)) {
        const input = this.form.elements.namedItem(name);
        if (!input) continue;
        input.value = value;
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }

    outline() {
      const { shape, from, to, element } = this.drag;
      const attributes = shape === "box"
        ? {
          x: Math.min(from.x, to.x),
          y: Math.min(from.y, to.y),
          width: Math.abs(to.x - from.x),
          height: Math.abs(to.y - from.y),
        }
        : { cx: from.x, cy: from.y, r: Math.hypot(to.x - from.x, to.y - from.y) };
      for (const [name, value] of Object.entries(attributes)) {
        element.setAttribute(name, value.toFixed(1));
      }
    }

    removeDrawn() {
      for (const element of this.svg.querySelectorAll(".drawn, .area")) element.remove();
    }

    // Where the pointer is, in the map's own units (its viewBox), kept within the map.
    pointOf(event) {
      const point = new DOMPoint(event.clientX, event.clientY)
        .matrixTransform(this.svg.getScreenCTM().inverse());
      const clamp = (value, high) => Math.max(0, Math.min(high, value));
      return { x: clamp(point.x, this.frame.width), y: clamp(point.y, this.frame.height) };
    }

    // The inverse of Frame.to_px and of Web Mercator (web/maps.py).
    degreesAt({ x, y }) {
      const f = this.frame;
      const unitX = f.centreX + (x - f.width / 2) / f.pxPerUnit;
      const unitY = f.centreY + (y - f.height / 2) / f.pxPerUnit;
      const latitude = (Math.atan(Math.sinh(Math.PI * (1 - 2 * unitY))) * 180) / Math.PI;
      return { latitude, longitude: unitX * 360 - 180 };
    }

    say(text) {
      this.status.textContent = text;
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
