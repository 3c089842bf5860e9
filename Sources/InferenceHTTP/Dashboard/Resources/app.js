// hailo8-service dashboard. Reads the public API once a second, like any client; keeps the
// last five minutes in the tab for its charts. Every value from the service is inserted as text
// (model ids and labels come from users), never as HTML.
"use strict";

const HISTORY = 300;            // samples kept: 5 minutes at one a second
const KEY_STORE = "hailo8-api-key";
const history = { models: new Map(), devices: new Map(), routes: new Map(), lastCounters: null, lastTime: 0 };
let knownModels = "";

// ---- the API --------------------------------------------------------------------------------
async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  const key = sessionStorage.getItem(KEY_STORE);
  if (key) headers.set("X-API-Key", key);
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) {
    showAuth(sessionStorage.getItem(KEY_STORE) ? "That key was refused." : "");
    throw new Error("an API key is needed");
  }
  return response;
}

async function json(path, options) {
  const response = await api(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(errorText(body, response.status));
  return body;
}

function errorText(body, status) {
  const e = body && body.error;
  if (typeof e === "string") return `${status}: ${e}`;
  if (e && e.message) return `${status} ${e.code || ""}: ${e.message}`;
  return `HTTP ${status}`;
}

// ---- small DOM helpers (text only) -------------------------------------------------------------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value; else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}
const $ = (id) => document.getElementById(id);
const fmt = (value, digits = 1) => (value === null || value === undefined || Number.isNaN(value)) ? "–" : Number(value).toFixed(digits);
const bytes = (n) => n === null || n === undefined ? "–" : n >= 1 << 30 ? `${fmt(n / (1 << 30), 2)} GiB` : `${fmt(n / (1 << 20), 0)} MiB`;
function push(map, key, value) {
  if (!map.has(key)) map.set(key, []);
  const series = map.get(key);
  series.push(value);
  if (series.length > HISTORY) series.shift();
  return series;
}

// ---- charts -------------------------------------------------------------------------------------
function css(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }

function drawSeries(canvas, seriesList, { unit = "", axes = true } = {}) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width, height = canvas.clientHeight || canvas.height;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext("2d");
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  const values = seriesList.flatMap((s) => s.values).filter((v) => Number.isFinite(v));
  const max = Math.max(1e-9, ...values, 0);
  const left = axes ? 44 : 1, bottom = axes ? 16 : 1, top = 4, right = 4;
  const plotW = width - left - right, plotH = height - top - bottom;
  if (axes) {
    g.strokeStyle = css("--line"); g.fillStyle = css("--muted"); g.font = "11px system-ui, sans-serif";
    g.beginPath(); g.moveTo(left, top); g.lineTo(left, top + plotH); g.lineTo(left + plotW, top + plotH); g.stroke();
    g.fillText(`${fmt(max, max < 10 ? 1 : 0)}${unit}`, 2, top + 10);
    g.fillText(`0${unit}`, 2, top + plotH);
    g.fillText("-5 min", left, height - 3);
    g.fillText("now", left + plotW - 22, height - 3);
  }
  for (const series of seriesList) {
    const v = series.values;
    if (v.length < 2) continue;
    g.strokeStyle = series.color || css("--chart"); g.lineWidth = 1.5;
    g.beginPath();
    v.forEach((value, i) => {
      const x = left + plotW * (1 - (v.length - 1 - i) / (HISTORY - 1));
      const y = top + plotH * (1 - (Number.isFinite(value) ? value : 0) / max);
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.stroke();
  }
}

// ---- sections -------------------------------------------------------------------------------------
function renderDevices(devices) {
  const cards = devices.map((d) => {
    const details = d.details || {};
    const temperature = details.temperature_c !== undefined ? Number(details.temperature_c) : null;
    const power = details.power_w !== undefined ? Number(details.power_w) : null;
    const temperatures = push(history.devices, `${d.id}:t`, temperature);
    const powers = push(history.devices, `${d.id}:p`, power);
    const rows = [
      ["State", el("span", { class: `state-${d.state}` }, d.state)],
      ["Runtime", `${d.runtime || ""} ${d.runtime_version || ""}`],
    ];
    if (d.kind === "hailo") {
      for (const [label, key] of [["Board", "board_name"], ["Architecture", "architecture"], ["Firmware", "firmware_version"],
                                  ["Driver", "driver_version"], ["Throttling", "throttling"], ["Faults", "faults"]]) {
        if (details[key] !== undefined) rows.push([label, details[key]]);
      }
      if (temperature !== null) rows.push(["Temperature", `${fmt(temperature)} °C`]);
      if (power !== null) rows.push(["Power", `${fmt(power, 2)} W`]);
    } else {
      for (const [label, key] of [["Cores", "cores"], ["Host cores", "host_cores"], ["Inference threads", "inference_threads"],
                                  ["Intra-op threads", "intra_op_threads"], ["CPU limit", "cpu_limit"]]) {
        if (details[key] !== undefined) rows.push([label, details[key]]);
      }
    }
    if (d.reason) rows.push(["Why", d.reason]);
    const card = el("div", { class: "card", "data-device": d.id },
      el("h3", {}, d.kind === "hailo" && d.id !== "hailo" ? `${d.name || "Hailo"} · ${d.id}` : (d.name || d.id)),
      el("dl", {}, ...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])));
    if (temperatures.some((t) => t !== null)) {
      const canvas = el("canvas", { class: "spark", title: "temperature, °C, last 5 minutes", "aria-label": "temperature chart" });
      card.append(el("div", { class: "muted" }, "Temperature, °C"), canvas);
      requestAnimationFrame(() => drawSeries(canvas, [{ values: temperatures }], { axes: false }));
    }
    if (powers.some((p) => p !== null)) {
      const canvas = el("canvas", { class: "spark", "aria-label": "power chart" });
      card.append(el("div", { class: "muted" }, "Power, W"), canvas);
      requestAnimationFrame(() => drawSeries(canvas, [{ values: powers }], { axes: false }));
    }
    return card;
  });
  $("devices").replaceChildren(...cards);
}

function renderModels(models) {
  const rows = models.map((m) => {
    const minute = m.last_minute || {};
    const rps = minute.requests_per_second || 0;
    const series = push(history.models, m.model_id, rps);
    const latency = (minute.latency_ms && minute.latency_ms.p50 !== undefined) ? minute.latency_ms : (m.latency_ms || {});
    const canvas = el("canvas", { class: "spark", "aria-label": `requests per second of ${m.model_id}` });
    requestAnimationFrame(() => drawSeries(canvas, [{ values: series }], { axes: false }));
    const unload = el("button", { type: "button", "data-unload": m.model_id }, "Unload");
    unload.addEventListener("click", () => unloadModel(m.model_id));
    return el("tr", { "data-model": m.model_id },
      el("td", {}, m.model_id), el("td", {}, m.device || ""),
      el("td", { class: `state-${m.state}`, title: m.error || "" }, m.state),
      el("td", { class: "num rps" }, fmt(rps, 1)), el("td", { class: "num" }, fmt(latency.p50)), el("td", { class: "num" }, fmt(latency.p99)),
      el("td", { class: "num" }, m.queue_depth ?? 0), el("td", { class: "num" }, m.in_flight ?? 0),
      el("td", { class: "num" }, minute.failed ?? 0), el("td", {}, canvas), el("td", {}, unload));
  });
  $("models").tBodies[0].replaceChildren(...rows);
  const names = models.filter((m) => m.state === "ready").map((m) => m.model_id).join("\n");
  if (names !== knownModels) {
    knownModels = names;
    const select = $("try-model"), chosen = select.value;
    select.replaceChildren(...models.filter((m) => m.state === "ready").map((m) => el("option", { value: m.model_id }, m.model_id)));
    if (chosen) select.value = chosen;
    loadFiles();
  }
}

// Requests per second by API, from the counters of GET /metrics.
const ROUTE_GROUPS = [
  ["KServe", (r) => r.startsWith("/v2")],
  ["KServe gRPC", (r) => r === "grpc"],
  ["DeepStack", (r) => r.startsWith("/v1/")],
  ["DOODS", (r) => r === "/detect" || r === "/detectors" || r === "/image"],
  ["Frigate zmq", (r) => r === "zmq"],
  ["native", (r) => r.startsWith("/inference") || r.startsWith("/models") || r === "/model-files"],
];
const GROUP_COLORS = ["#1769aa", "#5c6bc0", "#b26a00", "#7b1fa2", "#00897b", "#c2185b"];

function routeCounters(text) {
  const totals = new Map(ROUTE_GROUPS.map(([name]) => [name, 0]));
  for (const line of text.split("\n")) {
    if (!line.startsWith("hailo8_http_requests_total{")) continue;
    const route = /route="([^"]*)"/.exec(line);
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (!route || !Number.isFinite(value)) continue;
    const group = ROUTE_GROUPS.find(([, test]) => test(route[1]));
    if (group) totals.set(group[0], totals.get(group[0]) + value);
  }
  return totals;
}

function renderRoutes(metricsText, now) {
  const counters = routeCounters(metricsText);
  const seconds = (now - history.lastTime) / 1000;
  for (const [name, total] of counters) {
    const before = history.lastCounters ? history.lastCounters.get(name) : total;
    push(history.routes, name, seconds > 0 ? Math.max(0, (total - before) / seconds) : 0);
  }
  history.lastCounters = counters;
  history.lastTime = now;
  const series = ROUTE_GROUPS.map(([name], i) => ({ name, values: history.routes.get(name) || [], color: GROUP_COLORS[i] }));
  drawSeries($("routes-chart"), series, { unit: "/s" });
  $("routes-legend").replaceChildren(...series.map((s) => el("span", { class: "legend-item" },
    el("span", { class: "swatch" }), `${s.name} ${fmt(s.values[s.values.length - 1] || 0)}`)));
  [...$("routes-legend").querySelectorAll(".swatch")].forEach((swatch, i) => { swatch.style.background = GROUP_COLORS[i]; });
}

function renderService(status) {
  const r = status.resources || {};
  const backends = Object.entries(status.backends || {}).map(([name, b]) => `${name}: ${b.available ? "available" : "unavailable"}`).join(", ");
  const cards = [
    ["Uptime", `${fmt((status.uptime_seconds || 0) / 60, 1)} min`],
    ["Backends", backends],
    ["Async tasks", `${status.tasks ? status.tasks.stored : 0} of ${status.tasks ? status.tasks.capacity : 0}`],
    ["CPUs", `${r.cpus ?? "–"} usable of ${r.host_cpus ?? "–"}${r.cpu_limit ? ` (limit ${r.cpu_limit})` : ""}`],
    ["Memory", `${bytes(r.memory_usage_bytes)}${r.memory_limit_bytes ? ` of ${bytes(r.memory_limit_bytes)}` : ""}`],
  ];
  $("service").replaceChildren(...cards.map(([k, v]) => el("div", { class: "card" }, el("h3", {}, k), el("div", {}, v))));
  $("service-line").textContent = `up ${fmt((status.uptime_seconds || 0) / 60, 1)} min`;
}

async function refresh() {
  try {
    const [status, devices, metrics] = await Promise.all([
      json("/status"), json("/devices"), api("/metrics").then((r) => (r.ok ? r.text() : "")),
    ]);
    renderService(status);
    renderDevices(devices.devices || []);
    renderModels(status.models || []);
    renderRoutes(metrics, Date.now());
    const c = $("connection");
    c.textContent = status.status === "ok" ? "serving" : status.status;
    c.className = `pill ${status.status === "ok" ? "ok" : "bad"}`;
  } catch (error) {
    const c = $("connection");
    c.textContent = `no answer: ${error.message}`;
    c.className = "pill bad";
  }
}

// ---- models: load and unload --------------------------------------------------------------------
async function loadFiles() {
  try {
    const body = await json("/model-files");
    $("load-file").replaceChildren(...(body.files || []).map((f) =>
      el("option", { value: f.path }, f.loaded.length ? `${f.path} (loaded as ${f.loaded.join(", ")})` : f.path)));
  } catch (error) {
    $("load-message").textContent = error.message;
  }
}

async function loadModel(event) {
  event.preventDefault();
  const message = $("load-message");
  const request = { model_path: $("load-file").value };
  if ($("load-id").value.trim()) request.model_id = $("load-id").value.trim();
  message.className = "message";
  message.textContent = "loading…";
  try {
    const model = await json("/models/load", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(request) });
    message.textContent = `loaded ${model.model_id}`;
  } catch (error) {
    message.className = "message error";
    message.textContent = error.message;
  }
  refresh();
}

async function unloadModel(id) {
  const message = $("load-message");
  try {
    await json(`/models/${encodeURIComponent(id)}`, { method: "DELETE" });
    message.className = "message";
    message.textContent = `unloaded ${id}`;
  } catch (error) {
    message.className = "message error";
    message.textContent = error.message;
  }
  refresh();
}

// ---- try an image ----------------------------------------------------------------------------------
async function detect(file) {
  const message = $("try-message");
  const model = $("try-model").value;
  if (!file || !model) { message.textContent = "choose an image and a model"; return; }
  message.className = "message";
  message.textContent = "detecting…";
  try {
    const type = file.type === "image/png" ? "image/png" : "image/jpeg";
    const result = await json(`/inference?model_id=${encodeURIComponent(model)}`, { method: "POST", headers: { "Content-Type": type }, body: file });
    await showDetections(file, result);
    message.textContent = `${(result.detections || []).length} detections`;
  } catch (error) {
    message.className = "message error";
    message.textContent = error.message;
  }
}

async function showDetections(file, result) {
  const image = await createImageBitmap(file);
  const canvas = $("try-canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const g = canvas.getContext("2d");
  g.drawImage(image, 0, 0);
  const scale = Math.max(1, image.width / 640);
  g.lineWidth = 2 * scale;
  g.font = `${Math.round(13 * scale)}px system-ui, sans-serif`;
  const detections = result.detections || [];
  for (const d of detections) {
    const b = d.box;
    g.strokeStyle = "#ff3b30";
    g.strokeRect(b.x_min, b.y_min, b.x_max - b.x_min, b.y_max - b.y_min);
    const label = `${d.label} ${fmt(d.score * 100, 0)}%`;
    const w = g.measureText(label).width + 6 * scale;
    g.fillStyle = "#ff3b30";
    g.fillRect(b.x_min, Math.max(0, b.y_min - 16 * scale), w, 16 * scale);
    g.fillStyle = "#ffffff";
    g.fillText(label, b.x_min + 3 * scale, Math.max(12 * scale, b.y_min - 4 * scale));
  }
  $("try-table").tBodies[0].replaceChildren(...detections.map((d) => el("tr", {},
    el("td", {}, d.label), el("td", { class: "num" }, fmt(d.score, 3)),
    ...["x_min", "y_min", "x_max", "y_max"].map((k) => el("td", { class: "num" }, fmt(d.box[k], 0))))));
  const t = result.timing || {};
  $("try-timing").textContent = `decode ${fmt(t.decode_ms, 2)} ms · preprocess ${fmt(t.preprocess_ms, 2)} ms · queue ${fmt(t.queue_ms, 2)} ms · `
    + `inference ${fmt(t.inference_ms, 2)} ms · postprocess ${fmt(t.postprocess_ms, 2)} ms · total ${fmt(t.total_ms, 2)} ms`;
  $("try-result").hidden = false;
}

// ---- auth ---------------------------------------------------------------------------------------------
function showAuth(message) {
  $("auth").hidden = false;
  $("auth-message").textContent = message;
}

function useKey(event) {
  event.preventDefault();
  sessionStorage.setItem(KEY_STORE, $("auth-key").value);
  $("auth").hidden = true;
  loadFiles();
  refresh();
}

// ---- start ----------------------------------------------------------------------------------------------
document.addEventListener("DOMContentLoaded", () => {
  $("auth-form").addEventListener("submit", useKey);
  $("load-form").addEventListener("submit", loadModel);
  $("try-form").addEventListener("submit", (event) => { event.preventDefault(); detect($("try-file").files[0]); });
  const zone = $("drop-zone");
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const file = event.dataTransfer.files[0];
    if (file) detect(file);
  });
  loadFiles();
  refresh();
  setInterval(refresh, 1000);
});
