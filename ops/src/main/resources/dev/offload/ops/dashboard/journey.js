// The journey page: an event's spans as a waterfall, and the slowest recent events.
// Every value (span names, attributes, ids) is written with textContent, never as HTML.
(function () {
  'use strict';

  function ms(nanos) {
    const m = nanos / 1e6;
    return m >= 1000 ? (m / 1000).toFixed(2) + ' s' : m.toFixed(1) + ' ms';
  }

  function detail(span, showService) {
    const a = span.attributes || {};
    const parts = [];
    if (showService && span.service) parts.push(span.service);
    if (a['http.response.status_code'] !== undefined) parts.push(String(a['http.response.status_code']));
    if (a['offload.producer'] !== undefined) parts.push('from ' + a['offload.producer']);
    if (a['messaging.destination.name'] !== undefined) {
      let where = a['messaging.destination.name'];
      if (a['messaging.destination.partition.id'] !== undefined) where += '[' + a['messaging.destination.partition.id'] + ']';
      const offset = a['messaging.kafka.offset'] ?? a['messaging.kafka.message.offset'];
      if (offset !== undefined) where += '@' + offset;
      parts.push(where);
    }
    if (Array.isArray(a['offload.routed.to'])) parts.push('\u2192 ' + a['offload.routed.to'].join(', '));
    if (a['offload.attempt'] !== undefined) parts.push('attempt ' + a['offload.attempt']);
    if (span.error) parts.push('failed' + (span.statusMessage ? ': ' + span.statusMessage : ''));
    return parts.join('  ');
  }

  function drawJourney(eventId, spans) {
    const start = Math.min(...spans.map(s => s.startNanos));
    const end = Math.max(...spans.map(s => s.endNanos));
    const total = Math.max(1, end - start);
    const showService = new Set(spans.map(s => s.service)).size > 1;
    document.getElementById('journey-id').textContent = eventId;
    document.getElementById('journey-total').textContent =
      ms(end - start) + ' from ' + new Date(start / 1e6).toISOString();
    const body = document.querySelector('#waterfall tbody');
    body.replaceChildren();
    spans.forEach(s => {
      const left = (s.startNanos - start) / total * 100;
      const width = Math.max(0.4, (s.endNanos - s.startNanos) / total * 100);
      const track = el('div', {class: 'track'},
        el('div', {class: 'bar' + (s.error ? ' failed' : ''),
          style: 'left:' + left.toFixed(3) + '%;width:' + Math.min(width, 100 - left).toFixed(3) + '%',
          title: s.name + ' ' + ms(s.endNanos - s.startNanos)}));
      (s.events || []).forEach(e => {
        const at = (e.timeNanos - start) / total * 100;
        track.append(el('span', {class: 'marker', style: 'left:' + at.toFixed(3) + '%'}, '!'));
      });
      const name = el('td', {class: 'name'}, s.name);
      const info = detail(s, showService);
      if (info) name.append(el('div', {class: 'muted'}, info));
      (s.events || []).forEach(e => {
        const attrs = Object.entries(e.attributes || {}).map(([k, v]) => k + '=' + v).join(', ');
        name.append(el('div', {class: 'event'}, '! ' + e.name + (attrs ? ' (' + attrs + ')' : '')));
      });
      body.append(el('tr', {'data-span': s.name},
        name,
        el('td', {class: 'num'}, '+' + ms(s.startNanos - start)),
        el('td', {class: 'num'}, ms(s.endNanos - s.startNanos)),
        el('td', {class: 'timeline'}, track)));
    });
    document.getElementById('journey-section').hidden = false;
  }

  async function show(eventId) {
    const error = document.getElementById('journey-error');
    error.textContent = '';
    document.getElementById('journey-section').hidden = true;
    if (!eventId) return;
    try {
      const response = await fetch('/api/journey?event-id=' + encodeURIComponent(eventId),
        {cache: 'no-store'});
      const body = await response.json();
      if (!response.ok) {
        error.textContent = body.message || ('HTTP ' + response.status);
        return;
      }
      drawJourney(body.eventId, body.spans);
    } catch (e) {
      error.textContent = 'cannot reach the server: ' + e;
    }
  }

  async function slowest() {
    const body = document.querySelector('#slowest tbody');
    try {
      const response = await fetch('/api/journeys/slowest?limit=20', {cache: 'no-store'});
      const data = await response.json();
      body.replaceChildren();
      if (!response.ok) {
        body.append(el('tr', {class: 'empty'}, el('td', {colspan: 3, class: 'muted'}, data.message)));
        return;
      }
      if (data.traces.length === 0) {
        body.append(el('tr', {class: 'empty'},
          el('td', {colspan: 3, class: 'muted'}, 'no event yet: publish one')));
      }
      data.traces.forEach(t => {
        const links = el('td', {class: 'name'});
        t.eventIds.forEach(id => {
          const a = el('a', {href: '?event-id=' + encodeURIComponent(id), 'data-event': id}, id);
          a.addEventListener('click', ev => { ev.preventDefault(); go(id); });
          links.append(a, ' ');
        });
        body.append(el('tr', {},
          el('td', {class: 'num'}, ms(t.endNanos - t.startNanos)),
          el('td', {}, new Date(t.startNanos / 1e6).toISOString()),
          links));
      });
    } catch (e) {
      body.replaceChildren(el('tr', {}, el('td', {colspan: 3, class: 'error'}, String(e))));
    }
  }

  function go(eventId) {
    document.getElementById('event-id').value = eventId;
    history.replaceState(null, '', '?event-id=' + encodeURIComponent(eventId));
    show(eventId);
  }

  document.getElementById('search').addEventListener('submit', ev => {
    ev.preventDefault();
    go(document.getElementById('event-id').value.trim());
  });
  const wanted = new URLSearchParams(location.search).get('event-id');
  if (wanted) go(wanted.trim());
  slowest();
  setInterval(slowest, 5000);
})();
