// The polled panels: workers and queue depth (/v1/status), the E1 span (/v1/channels), conference rooms (/v1/conferences).
const el = (tag, text, cls) => {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
};
const ago = (iso, now) => (iso ? `${Math.max(0, Math.round((now - Date.parse(iso)) / 1000))} s ago` : '');

export function renderStatus(status, tbody, depth, serversLabel) {
  const now = Date.parse(status.time);
  tbody.replaceChildren();
  const depths = [];
  for (const s of status.servers) {
    for (const w of s.workers) {
      const tr = el('tr');
      tr.dataset.worker = `${s.server}/${w.name}`;
      tr.append(el('td', s.server), el('td', w.name));
      tr.append(el('td', w.alive ? w.state : `${w.state} (no beat)`, w.alive ? 's-SUCCESS' : 's-FAILED'));
      const ami = w.ami_state === 'n/a' ? '' : w.ami_state;
      tr.append(el('td', ami, w.ami_state === 'connected' ? 's-SUCCESS' : ami ? 's-FAILED' : ''));
      tr.append(el('td', ago(w.beat_at, now), 'muted'), el('td', w.last_error ?? '', 'error'));
      tbody.append(tr);
    }
    const q =
      Object.entries(s.queue)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'empty';
    const oldest = s.oldest_new ? `; oldest NEW ${Math.round(s.oldest_new.age_seconds ?? 0)} s` : '';
    depths.push(`${s.server}: ${q}${oldest}`);
  }
  depth.textContent = depths.join(' · ');
  serversLabel.textContent = status.servers.map((s) => s.server).join(', ');
}

/** 30 cells, one per B-channel (1..15, 17..31 on span 1), lit while the channel is up. */
export function renderSpan(channels, grid, cleaner, note) {
  const span = channels.span;
  if (grid.children.length === 0) {
    for (let i = 0; i < 30; i++) grid.append(el('div', '·'));
  }
  if (span === null) {
    note.textContent = channels.span_error ?? 'no span';
    cleaner.textContent = 'cleaner ?';
    cleaner.className = 'pill';
    for (const cell of grid.children) cell.classList.remove('up');
    return;
  }
  span.channels.forEach((c, i) => {
    const cell = grid.children[i];
    cell.textContent = String(c.channel);
    cell.title = `channel ${c.channel} (bit ${c.position - 1})${c.up ? ': up' : ''}`;
    cell.classList.toggle('up', c.up);
  });
  cleaner.textContent = span.cleaner_alive ? 'cleaner alive' : 'cleaner down';
  cleaner.className = `pill ${span.cleaner_alive ? 'ok' : 'bad'}`;
  const calls = channels.live_calls.length;
  note.textContent = `${span.channels.filter((c) => c.up).length} of 30 up · ${calls} call${calls === 1 ? '' : 's'} in progress · read ${span.read_at.slice(11, 19)}`;
}

export function renderConferences(body, box) {
  const now = Date.now();
  box.replaceChildren();
  if (body.rooms.length === 0) return box.append(el('p', 'none open', 'muted'));
  for (const r of body.rooms) {
    const div = el('div', undefined, 'room');
    div.append(el('b', `${r.kind} ${r.room}`), el('span', `${r.server} · ${r.member_count} member${r.member_count === 1 ? '' : 's'}`, 'muted'));
    if (r.alone_since) div.append(el('span', ` · alone ${ago(r.alone_since, now)}`, 'c-RINGING'));
    const list = el('div', r.members.map((m) => m.channel + (m.kicked ? ' (kicked)' : '')).join(', '), 'muted');
    div.append(list);
    box.append(div);
  }
}
