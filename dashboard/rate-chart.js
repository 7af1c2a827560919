// Actions sent per second over the last minutes, counted from the rows' sent_at as changes arrive.
const SECONDS = 120;

export class RateChart {
  constructor(canvas, label) {
    this.canvas = canvas;
    this.label = label;
    this.counted = new Set();
    this.perSecond = new Map();
  }

  /** Counts a row once, in the second its action was sent. */
  add(row) {
    if (!row.sent_at || this.counted.has(row.id)) return;
    this.counted.add(row.id);
    const s = Math.floor(Date.parse(row.sent_at) / 1000);
    this.perSecond.set(s, (this.perSecond.get(s) ?? 0) + 1);
  }

  draw() {
    const now = Math.floor(Date.now() / 1000);
    for (const s of this.perSecond.keys()) if (s <= now - SECONDS) this.perSecond.delete(s);
    if (this.counted.size > 50_000) this.counted.clear();
    const { canvas } = this;
    const w = (canvas.width = canvas.clientWidth || 600);
    const h = canvas.height;
    const g = canvas.getContext('2d');
    g.clearRect(0, 0, w, h);
    let max = 1;
    for (const v of this.perSecond.values()) max = Math.max(max, v);
    const bar = w / SECONDS;
    g.fillStyle = '#58a6ff';
    for (let i = 0; i < SECONDS; i++) {
      const v = this.perSecond.get(now - SECONDS + 1 + i) ?? 0;
      if (v > 0) g.fillRect(i * bar, h - (v / max) * (h - 14), Math.max(1, bar - 0.5), (v / max) * (h - 14));
    }
    g.fillStyle = '#7d8a99';
    g.font = '11px system-ui';
    g.fillText(`max ${max}/s`, 4, 11);
    g.fillText('2 min ago', 4, h - 2);
    g.fillText('now', w - 24, h - 2);
    const last10 = Array.from({ length: 10 }, (_, i) => this.perSecond.get(now - 1 - i) ?? 0).reduce((a, b) => a + b, 0) / 10;
    this.label.textContent = `${last10.toFixed(1)}/s over the last 10 s`;
  }
}
