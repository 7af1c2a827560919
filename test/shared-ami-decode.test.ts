import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeStream } from '../src/cli/commands/decode.js';
import { parseAll } from '../src/shared/ami/parser.js';
import { captureNames, CAPTURES_ROOT, readCapture } from './helpers/ami-captures.js';

const REPO = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

/** What decode must print for these bytes: the parser's messages, `body` only where there is one, credentials masked. */
function expectedLines(data: Buffer, showSecrets = false): unknown[] {
  return parseAll(data).map((m) => {
    const headers = showSecrets ? m.headers : m.headers.map(([k, v]) => [k, /^(secret|key)$/i.test(k) ? '********' : v]);
    return m.body === undefined ? { kind: m.kind, headers } : { kind: m.kind, headers, body: m.body };
  });
}

async function decodeChunks(chunks: Buffer[]): Promise<{ lines: unknown[]; raw: string }> {
  const output = new PassThrough();
  let raw = '';
  output.on('data', (d: Buffer) => (raw += d.toString('utf8')));
  await decodeStream(Readable.from(chunks), output);
  return {
    lines: raw
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as unknown),
    raw,
  };
}

describe('decodeStream', () => {
  for (const name of captureNames()) {
    it(`prints one JSON line per parsed message: ${name}`, async () => {
      const data = readCapture(name);
      const chunks = [];
      for (let at = 0; at < data.length; at += 777) chunks.push(data.subarray(at, at + 777));
      const { lines, raw } = await decodeChunks(chunks);
      expect(lines).toEqual(expectedLines(data));
      expect(raw.endsWith('\n')).toBe(true);
    });
  }

  it('keeps key order, case and repeats, and adds body only for Follows output', async () => {
    const wire = Buffer.from(
      'Event: Newchannel\r\nchanVariable: A=1\r\nChanVariable: B=\r\nChanVariable: A=2\r\n\r\n' +
        'Response: Follows\r\nPrivilege: Command\r\nout\n--END COMMAND--\r\n\r\n',
    );
    const { raw } = await decodeChunks([wire]);
    expect(raw).toBe(
      '{"kind":"event","headers":[["Event","Newchannel"],["chanVariable","A=1"],["ChanVariable","B="],["ChanVariable","A=2"]]}\n' +
        '{"kind":"response","headers":[["Response","Follows"],["Privilege","Command"]],"body":"out\\n"}\n',
    );
  });

  it('streams: a message is printed before the input ends', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const done = decodeStream(input, output);
    input.write('Event: First\r\n\r\nEvent: Sec');
    const [first] = (await new Promise((r) => output.once('data', (d) => r([d])))) as [Buffer];
    expect(first.toString()).toBe('{"kind":"event","headers":[["Event","First"]]}\n');
    input.end('ond\r\n\r\n');
    const second = await new Promise<Buffer>((r) => output.once('data', r));
    expect(second.toString()).toBe('{"kind":"event","headers":[["Event","Second"]]}\n');
    expect(await done).toEqual({ messages: 2, dropped: 0 });
  });

  it('waits for a slow output to drain and loses nothing', async () => {
    const data = readCapture('asterisk-22/confbridge-events.received.txt');
    let raw = '';
    let mostQueued = 0;
    const output: Writable = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _enc, done) {
        raw += chunk.toString('utf8');
        mostQueued = Math.max(mostQueued, output.writableLength);
        setImmediate(done);
      },
    });
    const chunks = [];
    for (let at = 0; at < data.length; at += 4096) chunks.push(data.subarray(at, at + 4096));
    await decodeStream(Readable.from(chunks), output);
    // Without waiting for drain the whole decoded capture would pile up in the stream's queue.
    expect(mostQueued).toBeLessThan(raw.length / 4);
    expect(
      raw
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(expectedLines(data));
  });

  it('counts dropped oversized messages and reports them', async () => {
    const errors: string[] = [];
    const output = new PassThrough();
    output.resume();
    const result = await decodeStream(Readable.from([Buffer.from(`Event: Big\r\nData: ${'x'.repeat(5000)}\r\n\r\nEvent: Small\r\n\r\n`)]), output, {
      maxMessageBytes: 1000,
      onError: (e) => errors.push(e.message),
    });
    expect(result).toEqual({ messages: 1, dropped: 1 });
    expect(errors).toHaveLength(1);
  });
});

describe('amiq decode (the built CLI)', () => {
  const built = ['src/cli/main', 'src/cli/commands/decode', 'src/shared/ami/parser', 'src/shared/ami/message'];

  beforeAll(() => {
    // `npm test` builds first; rebuilding here would rewrite dist under other files' running CLIs.
    for (const f of built) expect(existsSync(join(REPO, 'dist', `${f}.js`)), `dist/${f}.js (npm run build)`).toBe(true);
  });

  it('decodes a capture file given as FILE', async () => {
    const name = 'asterisk-22/originate-busy.received.txt';
    const { stdout } = await run('node', ['bin/amiq.js', 'decode', join(CAPTURES_ROOT, name)], { cwd: REPO });
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual(expectedLines(readCapture(name)));
    expect(lines).toHaveLength(26);
  });

  it('decodes stdin', () => {
    const data = readCapture('public/19-command-follows-database-show-mixed-eol-ast13.txt');
    const res = spawnSync('node', ['bin/amiq.js', 'decode'], { cwd: REPO, input: data, encoding: 'utf8' });
    expect(res.status).toBe(0);
    expect(
      res.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(expectedLines(data));
  });

  it("masks a Login's Secret and Key as ******** unless --show-secrets", () => {
    const data = Buffer.from(
      'Action: Login\r\nUsername: amiq\r\nSecret: s3cret-pass\r\n\r\n' +
        'Action: Login\r\nAuthType: MD5\r\nUsername: amiq\r\nkey: 0123456789abcdef0123456789abcdef\r\n\r\n',
    );
    const masked = spawnSync('node', ['bin/amiq.js', 'decode'], { cwd: REPO, input: data, encoding: 'utf8' });
    expect(masked.status).toBe(0);
    expect(masked.stdout).not.toContain('s3cret-pass');
    expect(masked.stdout).not.toContain('0123456789abcdef');
    expect(
      masked.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      {
        kind: 'other',
        headers: [
          ['Action', 'Login'],
          ['Username', 'amiq'],
          ['Secret', '********'],
        ],
      },
      {
        kind: 'other',
        headers: [
          ['Action', 'Login'],
          ['AuthType', 'MD5'],
          ['Username', 'amiq'],
          ['key', '********'],
        ],
      },
    ]);
    const shown = spawnSync('node', ['bin/amiq.js', 'decode', '--show-secrets'], { cwd: REPO, input: data, encoding: 'utf8' });
    expect(
      shown.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(expectedLines(data, true));
    expect(shown.stdout).toContain('s3cret-pass');
  });

  it('exits 2 naming a missing file', () => {
    const res = spawnSync('node', ['bin/amiq.js', 'decode', join(REPO, 'no-such-capture.txt')], { cwd: REPO, encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('no-such-capture.txt');
  });
});
