// The live dashboard: polls /actuator/parallelized about once a second and draws one bar per run, local and
// cluster runs alike, a cluster run with a table of its members; with the cluster profile it also shows the
// cluster meters. Cancels through DELETE /api/runs/{id} or /api/cluster-runs/{id} (the actuator endpoint is
// read-only); the form posts to /api/runs.
(function () {
  "use strict";

  const POLL_MS = 1000;
  const runsList = document.getElementById("runs");
  const template = document.getElementById("run-template");
  const statusLine = document.getElementById("status");
  const message = document.getElementById("form-message");
  const clusterLine = document.getElementById("cluster");
  const cards = new Map(); // run id -> <li>
  // the cluster meters exist only with the cluster profile: unknown until asked, then true or false for good
  let clusterMeters;
  let limitsWaiting = new Map(); // limit name -> tasks waiting for it, from parallelized.limit.waiting

  function seconds(value) {
    if (value === null || value === undefined) {
      return "?";
    }
    const s = Math.round(value);
    if (s < 60) {
      return s + " s";
    }
    const m = Math.floor(s / 60);
    return m < 60 ? m + " min " + String(s % 60).padStart(2, "0") + " s"
                  : Math.floor(m / 60) + " h " + String(m % 60).padStart(2, "0") + " min";
  }

  function percent(part, total) {
    return total > 0 ? (100 * part / total) : 0;
  }

  function card(run) {
    let li = cards.get(run.id);
    if (!li) {
      li = template.content.firstElementChild.cloneNode(true);
      li.id = "run-" + run.id;
      li.dataset.id = run.id;
      li.querySelector(".cancel").addEventListener("click", () => cancel(run.id, li));
      li.querySelector(".again").addEventListener("click", () => runFailedAgain(run.id, li));
      cards.set(run.id, li);
    }
    return li;
  }

  function render(run) {
    const li = card(run);
    const known = run.total >= 0;
    li.dataset.state = run.state;
    li.dataset.completed = run.completed;
    li.dataset.total = run.total;
    li.querySelector(".desc").textContent = run.desc;
    li.querySelector(".run-id").textContent = "#" + run.id;
    const state = li.querySelector(".state");
    state.textContent = run.state;
    state.className = "state " + run.state;
    li.querySelector(".cancel").disabled = run.state !== "RUNNING";
    // a finished run with failures: its checkpoint lets a new run take just the failed inputs
    li.querySelector(".again").hidden = run.state === "RUNNING" || !(run.failed > 0);

    const bar = li.querySelector(".bar");
    bar.classList.toggle("unknown", !known);
    // inputs skipped by a checkpoint succeeded in an earlier run: the bar starts at their count, as tqdm's initial
    const skipped = run.skipped || 0;
    li.querySelector(".fill.succeeded").style.width = percent(run.succeeded + skipped, run.total) + "%";
    li.querySelector(".fill.failed").style.width = percent(run.failed, run.total) + "%";
    li.querySelector(".fill.cancelled").style.width = percent(run.cancelled, run.total) + "%";
    const pct = run.fraction === null || run.fraction === undefined ? null : run.fraction * 100;
    let label = pct === null ? run.completed + " done" : pct.toFixed(1) + " %";
    if (run.state !== "RUNNING" && run.state !== "COMPLETED" && known) {
      // cancelled inputs count as outcomes, so say how far the work itself got
      label = percent(run.succeeded + run.failed, run.total).toFixed(1) + " % done, " + run.state.toLowerCase();
    }
    li.querySelector(".percent").textContent = label;
    if (pct === null) {
      bar.removeAttribute("aria-valuenow");
    } else {
      bar.setAttribute("aria-valuenow", pct.toFixed(1));
    }

    li.querySelector(".counts").replaceChildren(bold(run.completed), " / " + (known ? run.total : "?") + " done: ",
        run.succeeded + " ok, " + run.failed + " failed, " + run.cancelled + " cancelled, " + run.running + " running"
        + (skipped > 0 ? ", " + skipped + " skipped (done before)" : ""));
    li.querySelector(".rate").textContent = run.ratePerSecond.toFixed(1) + " /s";
    li.querySelector(".elapsed").textContent = "elapsed " + seconds(run.elapsedSeconds);
    li.querySelector(".eta").textContent = run.state === "RUNNING" ? "ETA " + seconds(run.etaSeconds) : "";

    // a run under a named limit says so in its postfix; the limit's meter says how many tasks wait for it
    const limit = run.postfix && run.postfix.limit;
    const waiting = limit !== undefined && limit !== null ? limitsWaiting.get(String(limit)) : undefined;
    li.dataset.waiting = waiting === undefined ? "" : waiting;
    li.querySelector(".waiting").textContent = waiting === undefined ? ""
      : waiting + " waiting for limit " + limit;

    const postfix = li.querySelector(".postfix");
    postfix.replaceChildren(...Object.entries(run.postfix || {}).map(([k, v]) => {
      const chip = document.createElement("span");
      chip.textContent = k + "=" + v;
      return chip;
    }));
    renderMembers(li, run.cluster);
    return li;
  }

  // a cluster run's members (the endpoint's "cluster" part): per member, its tasks of the run running (sent and not
  // answered: on its threads or in its queue), done, and resubmitted to others after it was lost
  function renderMembers(li, cluster) {
    const table = li.querySelector(".members");
    const members = cluster && Array.isArray(cluster.members) ? cluster.members : [];
    table.hidden = !cluster;
    li.dataset.dataMembers = cluster ? cluster.dataMembers : "";
    table.querySelector("tbody").replaceChildren(...members.map(member => {
      const row = document.createElement("tr");
      row.dataset.uuid = member.uuid;
      row.dataset.address = member.address;
      row.dataset.running = member.running;
      row.dataset.completed = member.completed;
      row.dataset.resubmissions = member.resubmissions;
      row.dataset.left = member.left;
      row.classList.toggle("left", member.left);
      const name = document.createElement("td");
      name.className = "address";
      name.textContent = member.address + (member.left ? " (left)" : "");
      name.title = member.uuid;
      row.append(name, cell("running", member.running), cell("completed", member.completed),
          cell("resubmissions", member.resubmissions));
      return row;
    }));
    if (cluster && members.length === 0) {
      const row = document.createElement("tr");
      const none = document.createElement("td");
      none.colSpan = 4;
      none.textContent = "no data member";
      row.append(none);
      table.querySelector("tbody").append(row);
    }
  }

  function cell(name, value) {
    const td = document.createElement("td");
    td.className = name;
    td.textContent = value;
    return td;
  }

  function bold(text) {
    const b = document.createElement("b");
    b.textContent = text;
    return b;
  }

  function show(runs) {
    // newest first
    runs.sort((a, b) => Number(b.id) - Number(a.id) || String(b.id).localeCompare(String(a.id)));
    const seen = new Set();
    runs.forEach((run, i) => {
      seen.add(run.id);
      const li = render(run);
      if (runsList.children[i] !== li) {
        runsList.insertBefore(li, runsList.children[i] || null);
      }
    });
    for (const [id, li] of cards) {
      if (!seen.has(id)) {
        li.remove();
        cards.delete(id);
      }
    }
    // until the first answer the page says "Loading runs…", not that there are none
    const empty = document.getElementById("empty");
    empty.textContent = "No runs yet: start one above.";
    empty.hidden = runs.length > 0;
  }

  async function poll() {
    try {
      const response = await fetch("actuator/parallelized", { headers: { Accept: "application/json" } });
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      const body = await response.json();
      await readLimits(body.runs || []);
      show(body.runs || []);
      if (clusterMeters !== false) {
        await showCluster();
      }
      statusLine.textContent = "updated " + new Date().toLocaleTimeString();
      statusLine.classList.remove("error");
    } catch (e) {
      statusLine.textContent = "cannot reach the service (" + e.message + "), retrying";
      statusLine.classList.add("error");
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  // parallelized.limit.waiting of each named limit that a live run's postfix names
  async function readLimits(runs) {
    const names = new Set(runs.map(run => run.postfix && run.postfix.limit).filter(name => name));
    const values = await Promise.all([...names].map(async name => {
      const response = await fetch("actuator/metrics/parallelized.limit.waiting?tag=limit:"
          + encodeURIComponent(name), { headers: { Accept: "application/json" } });
      return response.ok ? [String(name), (await response.json()).measurements[0].value] : null;
    }));
    limitsWaiting = new Map(values.filter(entry => entry));
  }

  // parallelized.cluster.members and parallelized.cluster.resubmissions, from the metrics endpoint
  async function meter(name) {
    const response = await fetch("actuator/metrics/" + name, { headers: { Accept: "application/json" } });
    if (response.status === 404) {
      return null;
    }
    if (!response.ok) {
      throw new Error("HTTP " + response.status + " for " + name);
    }
    const body = await response.json();
    return body.measurements[0].value;
  }

  async function showCluster() {
    const [members, resubmissions] = await Promise.all(
        [meter("parallelized.cluster.members"), meter("parallelized.cluster.resubmissions")]);
    clusterMeters = members !== null && resubmissions !== null;
    clusterLine.hidden = !clusterMeters;
    if (clusterMeters) {
      clusterLine.dataset.members = members;
      clusterLine.dataset.resubmissions = resubmissions;
      clusterLine.querySelector(".members").textContent = members;
      clusterLine.querySelector(".resubmissions").textContent = resubmissions;
    }
  }

  async function cancel(id, li) {
    li.querySelector(".cancel").disabled = true;
    try {
      // a local run, else a cluster run: run ids are unique in the service, so neither API cancels another's run
      let response = await fetch("api/runs/" + encodeURIComponent(id), { method: "DELETE" });
      if (response.status === 404) {
        response = await fetch("api/cluster-runs/" + encodeURIComponent(id), { method: "DELETE" });
      }
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      // the next poll of the actuator endpoint shows the cancelled run
    } catch (e) {
      statusLine.textContent = "cancel failed: " + e.message;
      statusLine.classList.add("error");
    }
  }

  async function runFailedAgain(id, li) {
    const button = li.querySelector(".again");
    button.disabled = true;
    try {
      const response = await fetch("api/runs/" + encodeURIComponent(id) + "/failed-again", { method: "POST" });
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        throw new Error(problem.detail || "HTTP " + response.status);
      }
      const run = await response.json();
      statusLine.textContent = "run #" + run.id + " runs the failed inputs of #" + id + " again";
      statusLine.classList.remove("error");
    } catch (e) {
      statusLine.textContent = "run failed again: " + e.message;
      statusLine.classList.add("error");
    } finally {
      button.disabled = false;
    }
  }

  function field(name) {
    const value = document.getElementById(name).value.trim();
    return value === "" ? undefined : value;
  }

  document.getElementById("start-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const request = { kind: field("kind"), count: Number(field("count")) };
    if (field("threads") !== undefined) {
      request.threads = Number(field("threads"));
    }
    if (field("desc") !== undefined) {
      request.desc = field("desc");
    }
    message.className = "message";
    message.textContent = "starting…";
    try {
      const response = await fetch("api/runs", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(request)
      });
      const body = await response.json();
      if (response.ok) {
        message.className = "message ok";
        message.textContent = "Started run #" + body.id + " (" + body.desc + ")";
        message.dataset.runId = body.id;
      } else {
        message.className = "message error";
        message.textContent = body.detail || body.title || ("HTTP " + response.status);
      }
    } catch (e) {
      message.className = "message error";
      message.textContent = "cannot reach the service: " + e.message;
    }
  });

  poll();
}());
