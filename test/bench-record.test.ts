import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { END, parseFigures, renderTable, replaceTable, START } from '../bench/record.js';
import type { Recorded } from '../bench/report.js';

const ROOT = new URL('..', import.meta.url).pathname;
const at = '2026-12-06T07:10:00.000Z';
const fig = (over: Partial<Recorded>): Recorded => ({ suite: 'queue', name: 'end to end', value: 1, unit: 'actions/s', at, load1: 1, ...over });

describe('bench record: JSON lines → the generated table of BENCHMARKS.md', () => {
  it('reads figures among other lines; a figure measured again keeps its last value', () => {
    const text = [
      '> amiq@0.1.0 bench',
      JSON.stringify(fig({ value: 100 })),
      '{"not":"a figure"}',
      '{broken',
      JSON.stringify(fig({ suite: 'core', name: 'beat', value: 40, unit: 'µs' })),
      JSON.stringify(fig({ value: 200 })),
    ].join('\n');
    expect(parseFigures(text).map((f) => [f.suite, f.value])).toEqual([
      ['queue', 200],
      ['core', 40],
    ]);
  });

  it('renders targets met or missed and the peers side by side', () => {
    const table = renderTable(
      [
        fig({ value: 6123.4, target: { op: '>=', value: 5000 }, peers: [{ name: 'MariaDB', value: 3400 }] }),
        fig({ name: 'p99', value: 31.26, unit: 'ms', target: { op: '<=', value: 20 }, peers: [{ name: 'graphile-worker', value: 4.16, source: 'published' }] }),
      ],
      'a test machine',
    );
    expect(table).toContain('on a test machine');
    expect(table).toContain('| queue | end to end | 6,123 actions/s | ≥ 5,000 actions/s | met | MariaDB: 3,400 actions/s |');
    expect(table).toContain('| queue | p99 | 31.3 ms | ≤ 20.0 ms | **missed** | graphile-worker: 4.16 ms (published) |');
  });

  it('replaces only the text between the markers, and refuses a document without them', () => {
    const doc = `# Benchmarks\n\nmethod\n\n${START}\nold table\n${END}\n\nmore method\n`;
    expect(replaceTable(doc, 'new table')).toBe(`# Benchmarks\n\nmethod\n\n${START}\nnew table\n${END}\n\nmore method\n`);
    expect(() => replaceTable('# Benchmarks\n', 'x')).toThrow(/no generated section/);
  });

  describe('the scripts (dist/bench)', () => {
    let dir: string;
    beforeEach(() => {
      expect(existsSync(join(ROOT, 'dist/bench/record.js')), 'npm run build').toBe(true);
      dir = mkdtempSync(join(tmpdir(), 'amiq-bench-record-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('with --json, report() prints figures on stdout and human lines go to stderr; record.js writes them into the document', () => {
      const part = `import { report } from './dist/bench/report.js';
        console.log('a human line');
        report({ suite: 'core', name: 'worker beat', value: 40.2, unit: 'µs' });`;
      const run = (json: boolean) =>
        spawnSync(process.execPath, ['--input-type=module', '-e', part, ...(json ? ['--', '--json'] : [])], { cwd: ROOT, encoding: 'utf8' });
      expect(run(false)).toMatchObject({ status: 0, stdout: 'a human line\n' });
      const r = run(true);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toBe('a human line\n');
      expect(JSON.parse(r.stdout)).toMatchObject({ suite: 'core', name: 'worker beat', value: 40.2, unit: 'µs', at: expect.any(String) });

      const doc = join(dir, 'BENCHMARKS.md');
      writeFileSync(doc, `# B\n${START}\n${END}\n`);
      const rec = spawnSync(process.execPath, ['dist/bench/record.js', '--file', doc], { cwd: ROOT, input: `> npm banner\n${r.stdout}`, encoding: 'utf8' });
      expect(rec.status, rec.stderr).toBe(0);
      const written = readFileSync(doc, 'utf8');
      expect(written).toContain('| core | worker beat | 40.2 µs |');
      expect(written.endsWith(`${END}\n`)).toBe(true);
    });
  });
});
