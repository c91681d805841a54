// The Offload operations dashboard: polls /api/dashboard every 2 s and redraws.
// Every value from Kafka (group, topic, header) is written with textContent, never as HTML.
(function () {
  'use strict';

  const POLL_MS = 2000;
  const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2',
    '#db2777', '#65a30d', '#ea580c', '#4f46e5', '#0d9488', '#9333ea'];
  const charts = {};
  let historySeconds = 900;

  function badge(status) {
    return el('span', {class: 'badge status-' + status.toLowerCase(), 'data-status': status}, status);
  }

  function fmtBytes(b) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (b >= 1024 && i < units.length - 1) { b /= 1024; i++; }
    return (i === 0 ? String(Math.round(b)) : b.toFixed(1)) + ' ' + units[i];
  }

  function fmtInt(n) {
    return Number(n).toLocaleString('en-US');
  }

  function fmtRate(r) {
    if (r === null || r === undefined) return '—';
    return r >= 100 ? fmtInt(Math.round(r)) : r.toFixed(r >= 10 ? 1 : 2);
  }

  function fmtSeconds(s) {
    if (s === null || s === undefined) return '—';
    if (s === 0) return '0 s';
    if (s < 1) return (s * 1000).toFixed(0) + ' ms';
    if (s < 60) return s.toFixed(1) + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + Math.floor(s % 60) + ' s';
    if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
    return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
  }

  // Axis ticks fall on these steps only, so that no two labels read alike: whole records (an idle
  // stack's axis reads 0, 1), and seconds in steps of whole ms, s, min, h or d.
  const RECORD_STEPS = [1, 2, 5].flatMap(m => [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8].map(p => m * p))
    .sort((a, b) => a - b);
  const SECOND_STEPS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30,
    60, 120, 300, 600, 900, 1800, 3600, 7200, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400];

  // Axis labels for seconds: exact at every step above, in the largest unit that fits.
  function fmtSecondsAxis(s) {
    const ms = Math.round(s * 1000);
    if (ms === 0) return '0';
    if (ms < 1000) return ms + ' ms';
    if (ms < 60000) return ms / 1000 + ' s';
    const parts = [[86400, 'd'], [3600, 'h'], [60, 'min'], [1, 's']];
    let left = Math.round(ms / 1000);
    const shown = [];
    parts.forEach(([unit, name]) => {
      const n = Math.floor(left / unit);
      if (n > 0 && shown.length < 2) shown.push(n + ' ' + name);
      if (n > 0) left -= n * unit;
    });
    return shown.join(' ');
  }

  function fmtDrain(g) {
    if (g.timeToDrain === 'NEVER') return 'never';
    if (g.timeToDrain === 'UNKNOWN') return '—';
    return fmtSeconds(g.timeToDrainSeconds);
  }

  function fmtClock(epochSeconds) {
    return new Date(epochSeconds * 1000).toLocaleTimeString('en-GB');
  }

  function fmtTime(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleTimeString('en-GB') + ' ' + d.toISOString().slice(0, 10);
  }

  function fill(tableId, rows, emptyText, columns) {
    const body = document.querySelector('#' + tableId + ' tbody');
    body.replaceChildren(...(rows.length ? rows
      : [el('tr', {class: 'empty'}, el('td', {colspan: columns, class: 'muted'}, emptyText))]));
  }

  function renderRoles(roles) {
    const box = document.getElementById('roles');
    if (!roles.length) {
      box.replaceChildren(el('span', {class: 'muted'}, 'no role checks given'));
      return;
    }
    box.replaceChildren(...roles.map(r => el('span',
      {class: 'role status-' + (r.status === 'UP' ? 'ok' : 'stop'), 'data-role': r.name,
        title: r.detail || ('checked ' + fmtTime(r.checkedAt))},
      r.name + ' ' + r.status)));
  }

  function renderGroups(groups) {
    fill('groups', groups.map(g => {
      const worst = g.partitions.slice().sort((a, b) => b.lagRecords - a.lagRecords)[0];
      const parts = g.partitions.length + ' partition' + (g.partitions.length === 1 ? '' : 's')
        + (worst && worst.lagRecords > 0 ? ' · most behind ' + worst.topic + '-' + worst.partition : '');
      return el('tr', {'data-group': g.group, 'data-status': g.status},
        el('td', {}, badge(g.status)),
        el('td', {class: 'name', title: g.error || ''}, g.group),
        el('td', {}, g.state),
        el('td', {class: 'num'}, g.members),
        el('td', {class: 'num lag-records', 'data-value': g.lagRecords}, fmtInt(g.lagRecords)),
        el('td', {class: 'num lag-seconds', 'data-value': g.lagSeconds,
          title: 'objective ' + fmtSeconds(g.objectiveSeconds)}, fmtSeconds(g.lagSeconds)),
        el('td', {class: 'num objective', 'data-value': g.objectiveSeconds}, fmtSeconds(g.objectiveSeconds)),
        el('td', {class: 'num time-to-drain', 'data-value': g.timeToDrainSeconds,
          'data-drain': g.timeToDrain}, fmtDrain(g)),
        el('td', {class: 'muted'}, g.error ? 'error: ' + g.error : parts));
    }), 'no consumer groups yet', 9);
  }

  function renderThroughput(t) {
    fill('throughput', t.topics.map(r => el('tr', {'data-topic': r.topic},
      el('td', {class: 'name'}, r.topic),
      el('td', {class: 'num'}, fmtRate(r.in)),
      el('td', {}, Object.keys(r.out).length
        ? Object.entries(r.out).map(([g, v]) => g + ': ' + fmtRate(v)).join(', ') : '—'))),
    'no topic read by a group yet', 3);
  }

  function renderDeadLetters(d) {
    fill('dlq-topics', d.topics.map(t => el('tr', {'data-topic': t.topic},
      el('td', {class: 'name'}, t.topic),
      el('td', {class: 'num dlq-retained'}, fmtInt(t.retained)),
      el('td', {class: 'num'}, fmtInt(t.total)))), 'no dead-letter topics', 3);
    fill('dlq-newest', d.newest.map(n => el('tr', {},
      el('td', {}, fmtTime(n.failedAt || n.timestamp)),
      el('td', {class: 'name', title: n.reason || ''}, n.exceptionClass || '—'),
      el('td', {class: 'name'}, n.originalTopic || '—'),
      el('td', {class: 'name muted'}, n.topic + '-' + n.partition + '@' + n.offset))), 'none', 4);
    document.getElementById('dlq-error').textContent = d.error ? 'last read failed: ' + d.error : '';
  }

  function renderConnectors(list) {
    fill('connectors', list.map(c => el('tr', {'data-connector': c.connector},
      el('td', {}, badge(c.running ? 'RUNNING' : 'STOPPED')),
      el('td', {class: 'name'}, c.connector),
      el('td', {class: 'num'}, fmtInt(c.events)),
      el('td', {class: 'num'}, c.captured ? fmtSeconds(c.meanLatencySeconds) : '—'),
      el('td', {class: 'num'}, c.captured ? fmtSeconds(c.maxLatencySeconds) : '—'),
      el('td', {class: 'slot', 'data-slot-warning': c.slotWarning ? 'true' : 'false'},
        c.slotWarning ? badge('WARN') : (c.slotRetainedBytes >= 0 ? fmtBytes(c.slotRetainedBytes) : '—'),
        c.slotWarning ? ' ' + c.slotWarning : ''))),
    'none in this process (see Grafana)', 6);
  }

  // One uPlot per chart; rebuilt when its series change, otherwise only given new data.
  // axis: {fmt, steps} of the y axis (default: valueFmt, uPlot's steps); the labels drawn are
  // kept in the box's data-y-labels, for tests and for reading.
  function chart(id, times, series, valueFmt, axis) {
    const box = document.getElementById(id);
    const names = Object.keys(series);
    const key = names.join('\u0000');
    const data = [times, ...names.map(n => series[n])];
    const width = Math.max(280, box.clientWidth);
    let c = charts[id];
    if (!c || c.key !== key) {
      if (c) c.plot.destroy();
      const opts = {
        width, height: 220,
        // The x axis always spans the whole history window, ending now.
        scales: {x: {time: true, range: () => { const now = Date.now() / 1000; return [now - historySeconds, now]; }},
          y: {range: (u, min, max) => [0, Math.max(1, max === null ? 1 : max * 1.1)]}},
        axes: [{values: (u, splits) => splits.map(fmtClock)},
          Object.assign({size: 72, values: (u, splits) => {
            const labels = splits.map((axis && axis.fmt) || valueFmt);
            box.dataset.yLabels = JSON.stringify(labels);
            return labels;
          }}, axis && axis.steps ? {incrs: axis.steps} : {})],
        series: [{label: 'Time', value: (u, v) => v === null || v === undefined ? '—' : fmtClock(v)}].concat(names.map((n, i) => ({
          label: n, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: false,
          value: (u, v) => v === null || v === undefined ? '—' : valueFmt(v)}))),
        legend: {show: true},
      };
      c = charts[id] = {key, plot: new uPlot(opts, data, box)};
    } else {
      c.plot.setData(data);
      if (c.plot.width !== width) c.plot.setSize({width, height: 220});
    }
    box.dataset.points = String(times.length);
  }

  function render(d) {
    historySeconds = d.historySeconds;
    document.querySelectorAll('[data-history]').forEach(s => {
      s.textContent = '(last ' + Math.round(d.historySeconds / 60) + ' min)';
    });
    renderRoles(d.roles);
    renderGroups(d.lag.groups);
    renderThroughput(d.throughput);
    renderDeadLetters(d.deadLetters);
    renderConnectors(d.connectors);
    const h = d.lag.history;
    const records = {}, seconds = {};
    Object.entries(h.groups).forEach(([g, s]) => { records[g] = s.records; seconds[g] = s.seconds; });
    chart('chart-records', h.times, records, v => fmtInt(Math.round(v)), {fmt: fmtInt, steps: RECORD_STEPS});
    chart('chart-seconds', h.times, seconds, fmtSeconds, {fmt: fmtSecondsAxis, steps: SECOND_STEPS});
    const t = d.throughput.history, flows = {};
    Object.entries(t.topicsIn).forEach(([topic, s]) => { flows['in ' + topic] = s; });
    Object.entries(t.groupsOut).forEach(([group, s]) => { flows['out ' + group] = s; });
    chart('chart-throughput', t.times, flows, fmtRate);
    hideHintOnceEventsFlow(d);
    const taken = d.lag.takenAt && !d.lag.takenAt.startsWith('1970') ? fmtTime(d.lag.takenAt) : 'not yet';
    const updated = document.getElementById('updated');
    updated.textContent = 'lag polled every ' + d.lagIntervalSeconds + ' s · last poll ' + taken
      + ' · page refreshes every ' + POLL_MS / 1000 + ' s';
    updated.className = 'muted';
  }

  async function poll() {
    try {
      const response = await fetch('/api/dashboard', {cache: 'no-store'});
      if (!response.ok) throw new Error('HTTP ' + response.status);
      render(await response.json());
    } catch (e) {
      const updated = document.getElementById('updated');
      updated.textContent = 'cannot reach the ops server (' + e.message + '); retrying';
      updated.className = 'error';
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  // A first visit shows how to get events flowing; dismissing it is remembered in this browser.
  const HINT_KEY = 'offload.dashboard.hint-dismissed';

  function remembered() {
    try { return window.localStorage.getItem(HINT_KEY) === 'yes'; } catch (e) { return false; }
  }

  function showHintOnFirstVisit() {
    const hint = document.getElementById('hint');
    if (!hint || remembered()) return;
    hint.hidden = false;
    document.getElementById('hint-dismiss').addEventListener('click', () => {
      hint.hidden = true;
      try { window.localStorage.setItem(HINT_KEY, 'yes'); } catch (e) { /* private mode: shown again */ }
    });
  }

  // The hint asks whether nothing flows yet: it goes once a group has consumed a record (a
  // committed offset above 0) or the throughput history shows records moving.
  let flowSeen = false;
  function hideHintOnceEventsFlow(d) {
    if (flowSeen) return;
    const t = d.throughput.history;
    const moving = s => s.some(v => v > 0);
    flowSeen = d.lag.groups.some(g => g.partitions.some(p => p.committed > 0))
      || Object.values(t.topicsIn).some(moving) || Object.values(t.groupsOut).some(moving);
    const hint = document.getElementById('hint');
    if (flowSeen && hint) hint.hidden = true;
  }

  showHintOnFirstVisit();
  poll();
})();
