// The operators' console: every projection's version, documents and lag, the queues, backlogs and parked
// failures, refreshed every few seconds; rebuilds and verifications started here and followed to the end.
// Admins only (the operations API checks it; this page only says so).
import { ops } from "./api.js";
import { dataTable, h, main, replace, status } from "./dom.js";
import { explain } from "./forms.js";
import { drawNav } from "./nav.js";

const STATUS_EVERY_MS = 2000;
const OPERATION_EVERY_MS = 500;

const statusBox = h("section", { id: "projection-status", "aria-labelledby": "status-title" });
const updated = h("span", { class: "hint", id: "status-updated" });
const operationBox = h("section", { id: "operation", "aria-labelledby": "operation-title", "aria-live": "polite" });
const recentBox = h("section", { id: "recent-operations", "aria-labelledby": "recent-title" });
const message = h("div", { role: "status", "aria-live": "polite", id: "console-message" });
let following = null; // the id of the operation shown in operationBox while it runs

const ms = (value) => (value === null || value === undefined ? "—" : `${Math.round(value).toLocaleString()} ms`);
const number = (value) => (value === null || value === undefined ? "?" : value.toLocaleString());

function table(id, headings, rows) {
  return dataTable(id, headings, h("tbody", {}, rows));
}

function drawStatus(report) {
  const projections = table("projections-table", ["Projection", "Active version", "Being built", "Documents", `Lag p50 (${report.lag_window_seconds} s)`, "Lag p99", "Samples"],
    report.projections.map((p) => h("tr", { dataset: { projection: p.name } },
      h("th", { scope: "row" }, p.name), h("td", { class: p.active ? "" : "danger" }, p.active ?? "none"), h("td", {}, p.building ?? ""),
      h("td", { class: "number" }, number(p.documents)), h("td", { class: "number" }, ms(p.lag_p50_ms)), h("td", { class: "number" }, ms(p.lag_p99_ms)),
      h("td", { class: "number" }, number(p.lag_samples)))));
  const queues = table("queues-table", ["Queue", "Waiting", "Scheduled retries", "Failed (parked)"],
    Object.entries(report.queues).map(([name, depth]) => h("tr", {}, h("th", { scope: "row" }, name),
      h("td", { class: "number" }, number(depth.waiting)), h("td", { class: "number" }, number(depth.scheduled)),
      h("td", { class: depth.failed ? "number danger" : "number" }, number(depth.failed)))));
  const backlog = Object.entries(report.outbox_backlog).map(([domain, count]) => `${domain} ${number(count)}`).join(" · ");
  const lanes = Object.keys(report.dirty).map((lane) => `${lane}: ${number(report.dirty[lane])} changed, ${number(report.delayed[lane])} to retry`).join(" · ");
  const parked = report.parked.length ? h("div", { class: "parked" },
    h("h3", {}, `Parked courses: ${report.parked.length}`),
    h("ul", {}, report.parked.slice(0, 20).map((p) => h("li", {}, h("code", {}, p.course_id), ` after ${p.attempts} attempts: ${p.error}`))),
    requeueButton()) : null;
  replace(statusBox, h("div", { class: "page-head" }, h("h2", { id: "status-title" }, "Projections"), updated),
    report.read_model_missing ? status(`The read model is missing although ${number(report.published_courses)} courses are published (Redis restarted empty?). Rebuild it below.`, "error") : null,
    projections, queues,
    h("p", {}, h("strong", {}, "Outbox (undelivered events): "), backlog),
    h("p", {}, h("strong", {}, "Courses waiting to be projected: "), lanes),
    parked);
  replace(updated, `Updated ${new Date().toLocaleTimeString()}`);
}

function requeueButton() {
  const button = h("button", { type: "button", class: "button button-secondary" }, "Requeue every failure");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const done = await ops("POST", "/projections/requeue", {});
      replace(message, status(`Requeued ${done.courses} parked courses and ${done.jobs} failed jobs.`));
    } catch (error) {
      replace(message, status(explain(error), "error"));
    }
    button.disabled = false;
  });
  return button;
}

async function refreshStatus() {
  if (document.hidden) return null;
  try {
    const report = await ops("GET", "/projections");
    drawStatus(report);
    return report;
  } catch (error) {
    replace(updated, `Could not refresh: ${explain(error)}`);
    return null;
  }
}

function seconds(value) {
  return value < 60 ? `${value.toFixed(1)} s` : `${Math.floor(value / 60)} min ${Math.round(value % 60)} s`;
}

function resultOf(operation) {
  const result = operation.result;
  if (operation.kind === "rebuild") {
    const switched = Object.entries(result.versions).map(([name, version]) => `${name} → ${version}`).join(", ");
    return [h("p", {}, `Rebuilt ${result.courses.toLocaleString()} courses (+${result.caught_up.toLocaleString()} changed meanwhile) in ${seconds(result.seconds.build ?? 0)}.`),
      h("p", {}, `Now active: ${switched}.`),
      result.parked ? status(`${result.parked} courses could not be projected and were parked.`, "error") : null];
  }
  const checked = Object.entries(result.checked).map(([name, count]) => `${name} ${count.toLocaleString()}`).join(", ");
  const parts = [h("p", {}, `Checked ${checked}; ${result.pending.toLocaleString()} courses with changes on their way left out.`)];
  if (operation.arguments.repair && result.repaired) parts.push(h("p", {}, `Repaired ${result.repaired.toLocaleString()} items.`));
  if (result.clean) parts.push(h("p", { class: "ok", id: "verify-clean" }, "Every projection agrees with the write side."));
  else {
    parts.push(h("p", { class: "danger" }, `${result.difference_count.toLocaleString()} differences${result.difference_count > result.differences.length ? ` (the first ${result.differences.length} shown)` : ""}:`),
      table("differences-table", ["Projection", "Key", "Problem"], result.differences.map((d) =>
        h("tr", {}, h("td", {}, d.projection), h("td", {}, h("code", {}, d.key)), h("td", {}, d.problem)))));
  }
  return parts;
}

function drawOperation(operation) {
  const title = `${operation.kind === "rebuild" ? "Rebuild" : "Verify"} started by ${operation.started_by} at ${new Date(operation.started_at * 1000).toLocaleTimeString()}`;
  const body = [h("h2", { id: "operation-title" }, title),
    h("p", { class: `operation-state state-${operation.state}`, id: "operation-state" }, operation.state)];
  if (operation.state === "running") {
    const total = operation.total;
    const eta = total && operation.rate ? ` · about ${seconds(Math.max(0, total - operation.done) / operation.rate)} left` : "";
    body.push(h("p", {}, `${operation.phase ?? "starting"}: ${operation.done.toLocaleString()}${total ? ` of ${total.toLocaleString()}` : ""}${operation.rate ? ` · ${Math.round(operation.rate).toLocaleString()}/s` : ""}${eta}`),
      total ? h("progress", { max: total, value: operation.done, "aria-label": `${operation.kind} progress` }) : h("progress", { "aria-label": `${operation.kind} progress` }));
  }
  if (operation.phases.length) body.push(h("p", { class: "hint" }, operation.phases.map((p) => `${p.name}: ${p.done.toLocaleString()} in ${seconds(p.seconds)}`).join(" · ")));
  if (operation.state === "finished") body.push(...resultOf(operation));
  if (operation.error) body.push(status(operation.error, "error"));
  replace(operationBox, ...body);
}

async function follow(id) {
  following = id;
  while (following === id) {
    let operation;
    try {
      operation = await ops("GET", `/projections/operations/${id}`);
    } catch (error) {
      replace(message, status(explain(error), "error"));
      return;
    }
    drawOperation(operation);
    if (operation.state !== "running") {
      following = null;
      refreshStatus();
      drawRecent();
      return;
    }
    await new Promise((done) => setTimeout(done, OPERATION_EVERY_MS));
  }
}

async function start(path, body) {
  replace(message);
  try {
    const operation = await ops("POST", path, body);
    follow(operation.id);
  } catch (error) {
    replace(message, status(explain(error), "error"));
    if (error.details && error.details.operation_id) follow(error.details.operation_id);
  }
}

function actions(names) {
  const boxes = names.map((name) => h("div", { class: "facet-option" },
    h("input", { type: "checkbox", id: `rebuild-${name}`, name: "projections", value: name, checked: true }), h("label", { for: `rebuild-${name}` }, name)));
  const rebuild = h("form", { class: "ops-form", id: "rebuild-form" }, h("fieldset", { class: "facet" }, h("legend", {}, "Rebuild from the write side"), boxes),
    h("button", { type: "submit", class: "button" }, "Start rebuild"));
  rebuild.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = [...rebuild.querySelectorAll("input:checked")].map((box) => box.value);
    if (!chosen.length) return replace(message, status("Choose at least one projection.", "error"));
    start("/projections/rebuild", chosen.length === names.length ? {} : { projections: chosen });
  });
  const repair = h("input", { type: "checkbox", id: "verify-repair", name: "repair" });
  const verify = h("form", { class: "ops-form", id: "verify-form" }, h("fieldset", { class: "facet" }, h("legend", {}, "Compare every projection with the write side"),
    h("div", { class: "facet-option" }, repair, h("label", { for: "verify-repair" }, "Repair what differs"))),
    h("button", { type: "submit", class: "button" }, "Run verify"));
  verify.addEventListener("submit", (event) => {
    event.preventDefault();
    start("/projections/verify", { repair: repair.checked });
  });
  return h("section", { class: "ops-actions", "aria-label": "Operations" }, rebuild, verify);
}

async function drawRecent() {
  try {
    const { items } = await ops("GET", "/projections/operations?limit=10");
    replace(recentBox, h("h2", { id: "recent-title" }, "Recent operations"), items.length ? table("operations-table", ["Started", "Kind", "By", "State", "Took"],
      items.map((o) => h("tr", {}, h("td", {}, new Date(o.started_at * 1000).toLocaleString()), h("td", {}, o.kind), h("td", {}, o.started_by),
        h("td", {}, o.state), h("td", {}, o.finished_at ? seconds(o.finished_at - o.started_at) : "")))) : h("p", {}, "None yet."));
    const running = items.find((o) => o.state === "running");
    if (running && !following) follow(running.id);
  } catch (error) {
    replace(recentBox, status(explain(error), "error"));
  }
}

async function draw() {
  const user = await drawNav();
  if (!user || user.role !== "admin") return replace(main(), h("h1", {}, "Projections"), status("This console is for admins.", "error"));
  replace(main(), h("h1", { class: "visually-hidden" }, "Projections console"), message, statusBox);
  const report = await refreshStatus();
  if (!report) return replace(main(), h("h1", {}, "Projections"), statusBox);
  main().append(actions(report.projections.map((p) => p.name)), operationBox, recentBox);
  await drawRecent();
  setInterval(refreshStatus, STATUS_EVERY_MS);
  document.addEventListener("visibilitychange", refreshStatus);
}

draw();
