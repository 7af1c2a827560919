/**
 * Parser benchmark: events/s and MB/s for our AmiParser on a raw socket (reading each event's
 * name, as the client's dispatch does, and again splitting every header) and for the npm AMI
 * clients asterisk-manager and asterisk-ami-client, on the same loopback stream of real
 * Asterisk 13+ call events (built from the shared captures). Each run must deliver every event
 * and the last event's Uniqueid intact, or the bench fails.
 *   node dist/bench/parser.js        (or `npm run bench parser`)
 *   BENCH_PARSER_SCALE=0.2 ...       fewer events for a quick look
 *   BENCH_PARSER_ONLY=amiq ...       only the clients whose name contains this
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { AmiParser, parseAll } from '../src/shared/ami/parser.js';
import type { AmiMessage } from '../src/shared/ami/message.js';
import { AMIQ, AMIQ_SPLIT, PEERS, type Peer, type PeerResult } from './parser-peers.js';
import type { BenchServerData } from './parser-server.js';
import { report } from './report.js';

/** Events per run, per peer: the slow libraries get fewer so the bench stays well under a minute. */
const EVENTS: Record<string, number> = {
  [AMIQ]: 1_500_000,
  [AMIQ_SPLIT]: 1_500_000,
  'asterisk-manager 0.2': 150_000,
  'asterisk-ami-client 1.1': 30_000,
};
const RUNS: Record<string, number> = { [AMIQ]: 3, [AMIQ_SPLIT]: 3 };
const TIMEOUT_MS = 25_000;

const MIX_SOURCES = [
  'asterisk-22/originate-local.received.txt',
  'asterisk-22/confbridge-events.received.txt',
  'asterisk-22/hangup-cause16.received.txt',
  'public/14-call-chanvariable-dialbegin-bridge-hangup-ast13plus-crlf.txt',
  'public/17-wazo-call-event-stream-ast15-chanvariable.txt',
];

const FINAL_EVENT =
  'Event: Hangup\r\nPrivilege: call,all\r\nChannel: Local/100@default-00000000;1\r\nChannelState: 6\r\n' +
  'ChannelStateDesc: Up\r\nUniqueid: bench-final-{N}\r\nLinkedid: bench-final-{N}\r\nCause: 16\r\n' +
  'Cause-txt: Normal Clearing\r\n\r\n';

function capturesRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  // The repository's own copy of the captures (the tests read the same).
  return join(dir, 'test/fixtures/ami/captures');
}

/** Call and dialplan events of the captures, re-framed with CRLF as Asterisk sends them. */
function buildMix(): Buffer[] {
  const root = capturesRoot();
  const out: Buffer[] = [];
  for (const name of MIX_SOURCES) {
    let data = readFileSync(join(root, name));
    if (name.startsWith('public/')) data = data.subarray(data.indexOf(0x0a) + 1);
    const events = parseAll(data).filter(
      (m: AmiMessage) => m.kind === 'event' && m.all('Event').length === 1 && /^(call|dialplan)/.test(m.get('Privilege') ?? ''),
    );
    for (const m of events) out.push(Buffer.from(m.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n'));
  }
  return out;
}

interface Row extends Measured {
  peer: Peer;
  runs: number;
}

async function startServer(events: Buffer[]): Promise<{ worker: Worker; port: number }> {
  const data: BenchServerData = { events, finalEvent: FINAL_EVENT };
  const worker = new Worker(new URL('./parser-server.js', import.meta.url), { workerData: data });
  const [msg] = (await once(worker, 'message')) as [{ port: number }];
  return { worker, port: msg.port };
}

interface Measured {
  result: PeerResult;
  bytes: number;
  /** CPU seconds of the whole process (client, plus the server thread's small share). */
  cpu: number;
}

async function measure(worker: Worker, port: number, peer: Peer, n: number): Promise<Measured> {
  worker.postMessage({ events: n });
  await once(worker, 'message');
  const streamed = once(worker, 'message') as Promise<[{ streamed: number }]>;
  const cpu0 = process.cpuUsage();
  const result = await peer.run(port, n, TIMEOUT_MS);
  const used = process.cpuUsage(cpu0);
  const [{ streamed: bytes }] = await streamed;
  const want = `bench-final-${n}`;
  if (result.events !== n || result.lastUniqueid !== want) {
    throw new Error(`${peer.name}: got ${result.events}/${n} events, last Uniqueid ${result.lastUniqueid} (want ${want})`);
  }
  return { result, bytes, cpu: (used.user + used.system) / 1e6 };
}

/**
 * The parser alone on the same mix in 64 KB chunks, no socket: the ceiling the socket figure
 * approaches. `read` is the consumer: the event name only, or every header split.
 */
function inMemory(mix: Buffer[], n: number, read: (msg: AmiMessage) => unknown): { rate: number; mbps: number } {
  const block = Buffer.concat(mix);
  const chunks: Buffer[] = [];
  for (let at = 0; at < block.length; at += 65_536) chunks.push(block.subarray(at, at + 65_536));
  let events = 0;
  const parser = new AmiParser({
    onMessage: (msg) => {
      read(msg);
      events++;
    },
  });
  const rounds = Math.max(1, Math.round(n / mix.length));
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const c of chunks) parser.push(c);
  const seconds = (performance.now() - t0) / 1000;
  if (events !== rounds * mix.length) throw new Error(`in-memory parse: ${events} of ${rounds * mix.length} events`);
  return { rate: events / seconds, mbps: (rounds * block.length) / seconds / 1e6 };
}

/**
 * Reference for the figures above: the least any parser producing `[key, value]` string pairs
 * must do (find each line end and colon, slice key and value), with no framing, banner, size cap
 * or legacy handling. AmiParser with every header split pays that plus its framing pass; with
 * names only, it skips the splitting.
 */
function bareSplit(mix: Buffer[], n: number): number {
  const text = Buffer.concat(mix).toString('utf8');
  const rounds = Math.max(1, Math.round(n / mix.length));
  let events = 0;
  let headers: Array<[string, string]> = [];
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    let start = 0;
    let nl = text.indexOf('\n', start);
    while (nl !== -1) {
      const colon = text.indexOf(':', start);
      if (colon > start && colon < nl) headers.push([text.slice(start, colon), text.slice(colon + 2, nl - 1)]);
      else if (headers.length > 0) {
        events++;
        headers = [];
      }
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
  }
  if (events !== rounds * mix.length) throw new Error(`bare split: ${events} of ${rounds * mix.length} events`);
  return events / ((performance.now() - t0) / 1000);
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export async function run(): Promise<void> {
  const scale = Number(process.env['BENCH_PARSER_SCALE'] ?? '1');
  const mix = buildMix();
  const mixBytes = mix.reduce((s, b) => s + b.length, 0);
  console.log(
    `mix: ${mix.length} real call/dialplan events (avg ${fmt(mixBytes / mix.length)} bytes) from ${MIX_SOURCES.length} captures; ` +
      `node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? '?'})`,
  );
  const mem = inMemory(mix, Math.round(1_000_000 * scale), (msg) => msg.eventName);
  console.log(`parser alone, in memory, event names read: ${fmt(mem.rate)} events/s, ${fmt(mem.mbps, 1)} MB/s`);
  const split = inMemory(mix, Math.round(1_000_000 * scale), (msg) => msg.headers);
  console.log(`parser alone, in memory, every header split: ${fmt(split.rate)} events/s, ${fmt(split.mbps, 1)} MB/s`);
  const bare = bareSplit(mix, Math.round(1_000_000 * scale));
  console.log(`reference, bare line/colon split into [key, value] pairs, in memory: ${fmt(bare)} events/s`);
  const bareRef = [{ name: 'bare line/colon split, no framing', value: bare }];
  report({ suite: 'parser', name: 'in memory, names read', value: mem.rate, unit: 'events/s', peers: bareRef });
  report({ suite: 'parser', name: 'in memory, every header split', value: split.rate, unit: 'events/s', peers: bareRef });
  const { worker, port } = await startServer(mix);
  const rows: Row[] = [];
  try {
    const only = process.env['BENCH_PARSER_ONLY'];
    for (const peer of PEERS.filter((p) => !only || p.name.includes(only))) {
      const n = Math.max(1000, Math.round((EVENTS[peer.name] ?? 50_000) * scale));
      const runs = RUNS[peer.name] ?? 1;
      let best: Measured | undefined;
      for (let i = 0; i < runs; i++) {
        const m = await measure(worker, port, peer, n);
        if (!best || m.result.seconds < best.result.seconds) best = m;
      }
      rows.push({ peer, runs, ...best! });
    }
  } finally {
    worker.postMessage({ close: true });
    await once(worker, 'exit');
  }
  const ref = rows.find((r) => r.peer.name.startsWith('asterisk-manager'));
  const refRate = ref ? ref.result.events / ref.result.seconds : NaN;
  console.log(
    `\nload average before the table: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (the machine may be shared)`,
  );
  console.log('| client | events | runs | best s | events/s | MB/s | events/CPU-s | vs asterisk-manager | last Uniqueid |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
  const peerRates = rows.filter((r) => !r.peer.name.startsWith('amiq')).map((r) => ({ name: r.peer.name, value: r.result.events / r.result.seconds }));
  for (const r of rows) {
    const { events, seconds, lastUniqueid } = r.result;
    if (r.peer.name === AMIQ || r.peer.name === AMIQ_SPLIT) {
      report({
        suite: 'parser',
        name: r.peer.name === AMIQ ? 'over loopback TCP, names read' : 'over loopback TCP, every header split',
        value: events / seconds,
        unit: 'events/s',
        ...(r.peer.name === AMIQ ? { target: { op: '>=', value: 600_000 } } : {}),
        peers: peerRates,
        note: `best of ${r.runs}`,
      });
      if (r.peer.name === AMIQ && ref)
        report({
          suite: 'parser',
          name: 'names read, vs asterisk-manager on the same stream',
          value: events / seconds / refRate,
          unit: '×',
          target: { op: '>=', value: 10 },
        });
    }
    const rate = events / seconds;
    console.log(
      `| ${r.peer.name} | ${fmt(events)} | ${r.runs} | ${fmt(seconds, 3)} | ${fmt(rate)} | ` +
        `${fmt(r.bytes / seconds / 1e6, 1)} | ${fmt(events / r.cpu)} | ${fmt(rate / refRate, 1)}× | ${lastUniqueid} ✓ |`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
