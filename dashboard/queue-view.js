// The live queue: the newest rows, each updated in place as its changes arrive.
const MAX_ROWS = 200;
const COLUMNS = ['id', 'server', 'action', 'channel', 'status', 'call_state', 'tag', 'created_at', 'message'];

export class QueueView {
  constructor(tbody) {
    this.tbody = tbody;
    this.rows = new Map();
  }

  /** A row as it is now: shown first if new, updated where it stands otherwise. */
  put(row, fresh = true) {
    if (row.gone) return this.remove(row.id);
    let tr = this.rows.get(row.id);
    if (tr === undefined) {
      tr = document.createElement('tr');
      tr.dataset.id = String(row.id);
      for (let i = 0; i < COLUMNS.length; i++) tr.appendChild(document.createElement('td'));
      this.rows.set(row.id, tr);
      this.#insert(tr, row.id);
    }
    COLUMNS.forEach((c, i) => {
      const td = tr.children[i];
      const v =
        c === 'created_at'
          ? (row[c] ?? '').slice(11, 19)
          : c === 'call_state' && row.call_state === 'ENDED' && row.hangup_cause_txt
            ? `ENDED (${row.hangup_cause_txt})`
            : row[c];
      td.textContent = v === null || v === undefined ? '' : String(v);
      td.title = td.textContent;
      td.dataset.col = c;
    });
    tr.children[4].className = `s-${row.status}`;
    tr.children[5].className = row.call_state ? `c-${row.call_state}` : '';
    tr.dataset.status = row.status;
    tr.dataset.callState = row.call_state ?? '';
    if (fresh) {
      tr.classList.remove('fresh');
      void tr.offsetWidth;
      tr.classList.add('fresh');
    }
    while (this.rows.size > MAX_ROWS) this.remove(Math.min(...this.rows.keys()));
  }

  remove(id) {
    this.rows.get(id)?.remove();
    this.rows.delete(id);
  }

  // Newest (highest id) first.
  #insert(tr, id) {
    for (const other of this.tbody.children) {
      if (Number(other.dataset.id) < id) return this.tbody.insertBefore(tr, other);
    }
    this.tbody.appendChild(tr);
  }
}
