// The page of GET /: pick a pipeline, fill the form made from its inputs,
// Generate, watch the progress bar (fed by the run's event stream), see the
// image, Cancel. Requests go through fetch() so that a token, when the
// server has one, travels in the Authorization header (EventSource cannot
// send headers, so the event stream is read with fetch too).
#include "web_page.h"

namespace brick::serve {

namespace {

constexpr std::string_view kPage = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>brick serve</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
  h1 { font-size: 1.4em; }
  fieldset { border: 1px solid #ccc; margin: 1em 0; }
  label { display: block; margin: .4em 0; }
  label span { display: inline-block; min-width: 14em; font-family: monospace; }
  input[type=text], input[type=number], textarea { width: 24em; }
  progress { width: 24em; }
  #image img { width: 256px; image-rendering: pixelated; border: 1px solid #ccc; margin-top: 1em; }
  #error { color: #b00; white-space: pre-wrap; }
  table { border-collapse: collapse; }
  td, th { padding: .2em .8em; border-bottom: 1px solid #eee; text-align: left; }
  small { color: #666; }
</style>
</head>
<body>
<h1>brick serve</h1>
<div id="auth" hidden>
  <label><span>token</span><input id="token" type="password"></label>
  <button id="use-token">Use token</button>
</div>
<label><span>pipeline</span><select id="pipeline"></select></label>
<div id="doc"><small></small></div>
<form id="form"><fieldset id="inputs"></fieldset></form>
<button id="generate">Generate</button>
<button id="cancel" disabled>Cancel</button>
<div><progress id="progress" value="0" max="1"></progress> <span id="status">idle</span></div>
<div id="error"></div>
<div id="image"></div>
<h2>Plugins</h2>
<table id="plugins"><thead><tr><th>name</th><th>version</th><th>generation</th><th>blocks</th></tr></thead><tbody></tbody></table>
<script>
"use strict";
let token = sessionStorage.getItem("brick-token") || "";
let pipelines = [];
let current = null;

function headers(extra) {
  const h = Object.assign({}, extra || {});
  if (token) h["Authorization"] = "Bearer " + token;
  return h;
}
async function api(method, path, body) {
  const response = await fetch(path, {method, headers: headers(body ? {"Content-Type": "application/json"} : {}),
                                      body: body ? JSON.stringify(body) : undefined});
  if (response.status === 401) { document.getElementById("auth").hidden = false; throw new Error("this server needs a token"); }
  const data = await response.json();
  if (!response.ok) throw new Error(data.error ? data.error.code + ": " + data.error.message : response.statusText);
  return data;
}
function setStatus(text) { document.getElementById("status").textContent = text; }
function showError(text) { document.getElementById("error").textContent = text || ""; }

function baseType(hint) {
  const alternatives = (hint || "").replace(/Optional\[(.*)\]/, "$1").split("|").map(s => s.trim().split("[")[0]);
  for (const t of ["bool", "int", "float", "str"]) if (alternatives.includes(t)) return t;
  return "json";
}
function renderForm() {
  const pipeline = pipelines.find(p => p.name === document.getElementById("pipeline").value);
  const fieldset = document.getElementById("inputs");
  fieldset.innerHTML = "";
  // The doc's first line is "class Name"; its description follows.
  const lines = pipeline ? pipeline.doc.split("\n").map(l => l.trim()).filter(l => l && !l.startsWith("class ")) : [];
  document.querySelector("#doc small").textContent = lines.length ? lines[0] : "";
  if (!pipeline) return;
  for (const input of pipeline.inputs) {
    if (input.name === "output") continue;  // the server names the files
    const label = document.createElement("label");
    const name = document.createElement("span");
    name.textContent = input.name;
    label.appendChild(name);
    const type = baseType(input.type);
    let field;
    if (type === "bool") {
      field = document.createElement("input"); field.type = "checkbox"; field.checked = input.default === true;
    } else if (type === "int" || type === "float") {
      field = document.createElement("input"); field.type = "number"; field.step = type === "int" ? "1" : "any";
      if (typeof input.default === "number") field.value = input.default;
    } else if (type === "str") {
      field = document.createElement("input"); field.type = "text";
      if (typeof input.default === "string") field.value = input.default;
    } else {
      field = document.createElement("textarea"); field.rows = 1;
      if (input.default !== null && input.default !== undefined) field.value = JSON.stringify(input.default);
    }
    field.name = input.name;
    field.dataset.type = type;
    field.dataset.initial = field.type === "checkbox" ? String(field.checked) : field.value;
    field.title = input.type + (input.description ? ": " + input.description : "");
    label.appendChild(field);
    const hint = document.createElement("small");
    hint.textContent = " " + input.type;
    label.appendChild(hint);
    fieldset.appendChild(label);
  }
}
// Only the fields the user changed are sent; the others keep the pipeline's defaults.
function formInputs() {
  const inputs = {};
  for (const field of document.querySelectorAll("#inputs [name]")) {
    const now = field.type === "checkbox" ? String(field.checked) : field.value;
    if (now === field.dataset.initial) continue;
    const type = field.dataset.type;
    if (type === "bool") inputs[field.name] = field.checked;
    else if (type === "int") inputs[field.name] = parseInt(field.value, 10);
    else if (type === "float") inputs[field.name] = parseFloat(field.value);
    else if (type === "str") inputs[field.name] = field.value;
    else if (field.value.trim() !== "") inputs[field.name] = JSON.parse(field.value);
  }
  return inputs;
}

async function readEvents(id, onEvent) {
  const response = await fetch("/runs/" + id + "/events", {headers: headers()});
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, {stream: true});
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message", data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) name = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      onEvent(name, data ? JSON.parse(data) : null);
    }
  }
}

async function generate() {
  showError("");
  document.getElementById("image").innerHTML = "";
  const progress = document.getElementById("progress");
  progress.value = 0;
  let inputs;
  try { inputs = formInputs(); } catch (e) { showError("an input is not valid JSON: " + e.message); return; }
  let run;
  try {
    run = await api("POST", "/runs", {pipeline: document.getElementById("pipeline").value, inputs});
  } catch (e) { showError(e.message); return; }
  current = run.id;
  document.getElementById("cancel").disabled = false;
  document.getElementById("generate").disabled = true;
  setStatus("queued");
  await readEvents(run.id, async (name, data) => {
    if (name === "running") setStatus("running");
    if (name === "progress") { progress.max = data.total; progress.value = data.step; setStatus("step " + data.step + " / " + data.total); }
    if (name === "done") {
      setStatus("done");
      progress.value = progress.max;
      for (const url of data.result.images) {
        const blob = await (await fetch(url, {headers: headers()})).blob();
        const img = document.createElement("img");
        img.id = "result";
        img.alt = url;
        img.src = URL.createObjectURL(blob);
        document.getElementById("image").appendChild(img);
      }
      if (!data.result.images.length) document.getElementById("image").textContent = JSON.stringify(data.result.outputs);
    }
    if (name === "failed" || name === "cancelled") { setStatus(name); showError(data.error ? data.error.message : name); }
  });
  current = null;
  document.getElementById("cancel").disabled = true;
  document.getElementById("generate").disabled = false;
}

async function loadPlugins() {
  const body = document.querySelector("#plugins tbody");
  body.innerHTML = "";
  for (const plugin of (await api("GET", "/plugins")).plugins) {
    const row = document.createElement("tr");
    for (const text of [plugin.name, plugin.version, plugin.generation, plugin.blocks.length]) {
      const cell = document.createElement("td"); cell.textContent = String(text); row.appendChild(cell);
    }
    body.appendChild(row);
  }
}

async function load() {
  try {
    const health = await fetch("/health", {headers: headers()});
    if (health.status === 401) { document.getElementById("auth").hidden = false; setStatus("needs a token"); return; }
    if (health.status === 503) { setStatus("the server is loading its pipelines"); setTimeout(load, 500); return; }
    pipelines = (await api("GET", "/pipelines")).pipelines;
    const select = document.getElementById("pipeline");
    select.innerHTML = "";
    for (const p of pipelines) { const o = document.createElement("option"); o.value = o.textContent = p.name; select.appendChild(o); }
    renderForm();
    await loadPlugins();
    // New plugin builds are picked up while the page is open (hot reload).
    if (!window.pluginTimer) window.pluginTimer = setInterval(() => loadPlugins().catch(() => {}), 5000);
    setStatus("ready");
    document.body.dataset.ready = "1";
  } catch (e) { showError(e.message); }
}

document.getElementById("pipeline").addEventListener("change", renderForm);
document.getElementById("generate").addEventListener("click", generate);
document.getElementById("cancel").addEventListener("click", () => { if (current) api("DELETE", "/runs/" + current).catch(e => showError(e.message)); });
document.getElementById("use-token").addEventListener("click", () => {
  token = document.getElementById("token").value;
  sessionStorage.setItem("brick-token", token);
  document.getElementById("auth").hidden = true;
  load();
});
load();
</script>
</body>
</html>
)HTML";

}  // namespace

std::string_view web_page() { return kPage; }

}  // namespace brick::serve
