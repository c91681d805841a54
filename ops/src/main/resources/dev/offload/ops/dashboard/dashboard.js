// The Offload operations dashboard: polls /api/dashboard every 2 s and redraws.
// Every value from Kafka (group, topic, header) is written with textContent, never as HTML.
(function () {
  'use strict';

  const POLL_MS = 2000;
  const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2',
    '#db2777', '#65a30d', '#ea580c', '#4f46e5', '#0d9488', '#9333ea'];
  const charts = {};
  let historySeconds = 900;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === null || v === undefined) return;
      if (k === 'class') e.className = v; else e.setAttribute(k, v);
    });
    children.forEach(c => e.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return e;
  }

  function badge(status) {
    return el('span', {class: 'badge status-' + status.toLowerCase(), 'data-status': status}, status);
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

  // Axis labels: short, so they fit beside the chart.
  function fmtSecondsShort(s) {
    if (s < 60) return Math.round(s) + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm' + (s % 60 ? Math.round(s % 60) + 's' : '');
    return Math.floor(s / 3600) + 'h' + (s % 3600 ? Math.floor((s % 3600) / 60) + 'm' : '');
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
      el('td', {class: 'num'}, c.captured ? fmtSeconds(c.maxLatencySeconds) : '—'))),
    'none in this process (see Grafana)', 5);
  }

  // One uPlot per chart; rebuilt when its series change, otherwise only given new data.
  function chart(id, times, series, valueFmt, axisFmt) {
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
          {size: 64, values: (u, splits) => splits.map(axisFmt || valueFmt)}],
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
    chart('chart-records', h.times, records, v => fmtInt(Math.round(v)));
    chart('chart-seconds', h.times, seconds, fmtSeconds, fmtSecondsShort);
    const t = d.throughput.history, flows = {};
    Object.entries(t.topicsIn).forEach(([topic, s]) => { flows['in ' + topic] = s; });
    Object.entries(t.groupsOut).forEach(([group, s]) => { flows['out ' + group] = s; });
    chart('chart-throughput', t.times, flows, fmtRate);
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

  poll();
})();
