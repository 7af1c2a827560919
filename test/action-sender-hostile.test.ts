import { afterEach, describe, expect, it } from 'vitest';
import { buildAction } from '../src/action-sender/build-action.js';
import { runActionSender } from '../src/action-sender/index.js';
import { validateRow, type SenderPolicy } from '../src/shared/row-rules/index.js';
import { defaultConfig } from '../src/shared/config/index.js';
import type { QueueRow } from '../src/shared/db/schema.js';
import { enqueue } from '../src/shared/queue/index.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { openTestDb, rowById, type TestDb } from './helpers/queue-db.js';
import { queueRow as row, silent, until } from './helpers/action-sender-helpers.js';

const policy: SenderPolicy = { allowedActions: ['Originate', 'Redirect', 'Hangup', 'Ping', 'Status', 'ConfbridgeKick', 'MixMonitor'], allowedCommands: [] };

const BLANK = 'leading or trailing blank (space, tab or control character) is not allowed';
const REGEX = 'a /regex/ channel is never accepted from a row (it could match every call)';
const UNLESS = 'refused unless action_sender.allowed_dangerous allows it';
const app = (name: string) => `params.Application: ${name} is a dangerous application; ${UNLESS}`;
const calls = (field: string, name: string) => `${field}: calls ${name}(), a dangerous application or function; ${UNLESS}`;
const twice = (field: string) => `${field}: text evaluated twice (a name or expression built from \${…} or $[…]), as EVAL would; ${UNLESS}`;
const origin = (params: object, over: Partial<QueueRow> = {}) => row({ params: { Exten: '300', Context: 'default', ...params }, ...over });
const application = (Application: string, Data?: string) => row({ params: Data === undefined ? { Application } : { Application, Data } });
const hangup = (channel: string) => row({ action: 'Hangup', channel, params: {} });
const HUGE = JSON.stringify({ Exten: '300', Context: 'default', Account: 'x'.repeat(10 * 1024 * 1024) });
const DEEP = `{"Exten":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;

/** Every row here must become INVALID with exactly this message, and never reach Asterisk. */
const HOSTILE: Array<[string, QueueRow, string]> = [
  // Blanks Asterisk would skip (leading) or trim (trailing): the value judged would not be the value used.
  ['channel, leading blank', hangup(' SIP/100-0001'), `channel: ${BLANK}`],
  ['channel, trailing tab', row({ channel: 'Local/100@default\t' }), `channel: ${BLANK}`],
  ['channel, all blank', row({ channel: '  ' }), `channel: ${BLANK}`],
  ['callerid, leading blank', row({ callerid: ' LEAD-7' }), `callerid: ${BLANK}`],
  ['callerid, trailing tab (Hangup by callerid)', row({ action: 'Hangup', channel: null, callerid: 'LEAD-7\t', params: {} }), `callerid: ${BLANK}`],
  ['Exten, leading blank', origin({ Exten: ' 300' }), `params.Exten: ${BLANK}`],
  ['Context, trailing blank', origin({ Context: 'default ' }), `params.Context: ${BLANK}`],
  ['Priority, leading tab', origin({ Priority: '\t1' }), `params.Priority: ${BLANK}`],
  ['Timeout, trailing vertical tab', origin({ Timeout: '30000\v' }), `params.Timeout: ${BLANK}`],
  ['CallerID, leading blank', origin({ CallerID: ' Sales <100>' }), `params.CallerID: ${BLANK}`],
  ['Variable array item, leading blank', origin({ Variable: ['A=1', ' B=2'] }), `params.Variable[1]: ${BLANK}`],
  ['Variable object value, trailing blank', origin({ Variable: { A: '1 ' } }), `params.Variable.A: ${BLANK}`],
  ['Application, leading blank', application(' Echo'), `params.Application: ${BLANK}`],
  ['Data, trailing tab', application('Playback', 'hello\t'), `params.Data: ${BLANK}`],
  ['Command, leading blank', row({ action: 'Command', channel: null, params: { Command: ' core show channels' } }), `params.Command: ${BLANK}`],
  [
    'Redirect Exten, leading escape',
    row({ action: 'Redirect', channel: 'SIP/1-1', params: { Exten: '\x1b700', Context: 'default' } }),
    `params.Exten: ${BLANK}`,
  ],
  ['key with a trailing blank', origin({ 'Exten ': '301' }), 'params.Exten : header name "Exten " must match [A-Za-z0-9_-]+'],
  ['key with a leading tab', origin({ '\tContext': 'x' }), 'params.\tContext: header name "\\tContext" must match [A-Za-z0-9_-]+'],
  [
    'a key twice in other case (Asterisk reads the first)',
    row({ params: '{"Application":"Echo","application":"System"}' }),
    'params.application: given twice (keys are case-insensitive)',
  ],
  // Regex channels, for every action and wherever a channel goes.
  ['Hangup /.*/', hangup('/.*/'), `channel: ${REGEX}`],
  ['Hangup " /.*/"', hangup(' /.*/'), `channel: ${BLANK}`],
  ['Hangup "\\t/.*/"', hangup('\t/.*/'), `channel: ${BLANK}`],
  ['Hangup "/.*/ "', hangup('/.*/ '), `channel: ${BLANK}`],
  ['Hangup /SIP\\/.*/', hangup('/SIP\\/.*/'), `channel: ${REGEX}`],
  ['Redirect /.*/', row({ action: 'Redirect', channel: '/.*/', params: { Exten: '700', Context: 'default' } }), `channel: ${REGEX}`],
  ['Originate /.*/', row({ channel: '/.*/' }), `channel: ${REGEX}`],
  ['ConfbridgeKick /.*/', row({ action: 'ConfbridgeKick', channel: '/.*/', params: { Conference: '4000' } }), `channel: ${REGEX}`],
  ['Status params.Channel /.*/', row({ action: 'Status', channel: null, params: { Channel: '/.*/' } }), `params.Channel: ${REGEX}`],
  [
    'Redirect ExtraChannel /.*/',
    row({ action: 'Redirect', channel: 'SIP/1-1', params: { Exten: '7', Context: 'd', ExtraChannel: '/.*/' } }),
    `params.ExtraChannel: ${REGEX}`,
  ],
  // Dangerous applications, and wrappers that would run them.
  ['Application System', application('System', 'id'), app('System')],
  ['Application system (case)', application('system', 'id'), app('System')],
  ['Application TrySystem', application('TrySystem', 'id'), app('TrySystem')],
  ['Application Exec(System)', application('Exec', 'System(id)'), app('Exec')],
  ['Application TryExec', application('TryExec', 'Playback(x)'), app('TryExec')],
  ['Application ExecIf', application('ExecIf', '$[1]?System(id)'), app('ExecIf')],
  ['Application AGI', application('AGI', '/bin/sh,-c,id'), app('AGI')],
  ['Application EAGI', application('EAGI', 'x'), app('EAGI')],
  ['Application ExternalIVR', application('ExternalIVR', 'id'), app('ExternalIVR')],
  ['Application MixMonitor (post-command)', application('MixMonitor', 'x.wav,,id'), app('MixMonitor')],
  ['Application Originate (runs any app)', application('Originate', 'Local/1@default,app,System,id'), app('Originate')],
  ['System( inside the Data of any app', application('Gosub', 'sub,s,1(System(id))'), calls('params.Data', 'System')],
  [
    'MixMonitor action Command header',
    row({ action: 'MixMonitor', channel: 'SIP/1-1', params: { File: 'x.wav', Command: 'id' } }),
    `params.Command: MixMonitor's Command runs a shell command; ${UNLESS}`,
  ],
  // Dangerous functions in every place a value could be evaluated.
  ['${SHELL( in Data', application('NoOp', '${SHELL(id)}'), calls('params.Data', 'SHELL')],
  ['${shell( in lower case', application('NoOp', '${shell(id)}'), calls('params.Data', 'SHELL')],
  ['${SHELL ( with a blank', application('NoOp', '${SHELL (id)}'), calls('params.Data', 'SHELL')],
  ['$[${SHELL( in an expression', application('NoOp', '$[${SHELL(id)}]'), calls('params.Data', 'SHELL')],
  ['$[SHELL( called by the expression parser', application('NoOp', '$[ SHELL(id) ]'), calls('params.Data', 'SHELL')],
  ['Set FILE( write', application('Set', 'FILE(/etc/passwd)=x'), calls('params.Data', 'FILE')],
  ['${FILE( read of manager.conf', application('NoOp', '${FILE(/etc/asterisk/manager.conf)}'), calls('params.Data', 'FILE')],
  ['${ENV(', application('NoOp', '${ENV(PATH)}'), calls('params.Data', 'ENV')],
  ['${AST_CONFIG(', application('NoOp', '${AST_CONFIG(manager.conf,amiq,secret)}'), calls('params.Data', 'AST_CONFIG')],
  ['${ODBC_ family', application('NoOp', '${ODBC_SQL(x)}'), calls('params.Data', 'ODBC_SQL')],
  ['${REALTIME_STORE(', application('NoOp', '${REALTIME_STORE(sippeers,a,b)}'), calls('params.Data', 'REALTIME_STORE')],
  ['${DB_DELETE(', application('NoOp', '${DB_DELETE(cf/100)}'), calls('params.Data', 'DB_DELETE')],
  ['${CURL(', application('NoOp', '${CURL(http://10.0.0.1/)}'), calls('params.Data', 'CURL')],
  ['${EVAL(', application('NoOp', '${EVAL(${X})}'), calls('params.Data', 'EVAL')],
  ['Variable value X=${SHELL(', origin({ Variable: ['X=${SHELL(id)}'] }), calls('params.Variable[0]', 'SHELL')],
  ['Variable name FILE(…)= (a function write)', origin({ Variable: ['FILE(/tmp/x)=1'] }), calls('params.Variable[0]', 'FILE')],
  ['Variable object name FILE(…)', origin({ Variable: { 'FILE(/tmp/x)': '1' } }), calls('params.Variable.FILE(/tmp/x)', 'FILE')],
  ['Variable object value', origin({ Variable: { X: '$[SHELL(id)]' } }), calls('params.Variable.X', 'SHELL')],
  ['Exten ${SHELL(', origin({ Exten: '${SHELL(id)}' }), calls('params.Exten', 'SHELL')],
  [
    'Redirect Context ${SHELL(',
    row({ action: 'Redirect', channel: 'SIP/1-1', params: { Exten: '7', Context: '${SHELL(id)}' } }),
    calls('params.Context', 'SHELL'),
  ],
  ['CallerID ${SHELL(', origin({ CallerID: '${SHELL(id)} <1>' }), calls('params.CallerID', 'SHELL')],
  ['channel column ${SHELL(', row({ channel: 'Local/${SHELL(id)}@default' }), calls('channel', 'SHELL')],
  ['callerid column ${SHELL(', row({ callerid: '${SHELL(id)}' }), calls('callerid', 'SHELL')],
  // Names and expressions built at run time: as strong as EVAL.
  ['${SH${X}ELL(', application('NoOp', '${SH${X}ELL(id)}'), twice('params.Data')],
  ['${${A}${B}} (a name ending in ")")', application('NoOp', '${${A}${B}}'), twice('params.Data')],
  ['$[${F}(id)]', application('NoOp', '$[${F}(id)]'), twice('params.Data')],
  ['$[${A}${B}] (substituted text parsed again)', application('NoOp', '$[${A}${B}]'), twice('params.Data')],
  ['$[ $[…] ] nested', application('NoOp', '$[ $["x"] ]'), twice('params.Data')],
  // The tag is never a privilege.
  [
    'spoofed cleaner tag, meetme kick',
    row({ action: 'Command', channel: null, tag: 'meetme-cleaner:alone', params: { Command: 'meetme kick 4000 1' } }),
    'action: Command is not allowed (action_sender.allowed_commands is empty)',
  ],
  ['spoofed cleaner tag, System', row({ tag: 'meetme-cleaner:alone', params: { Application: 'System', Data: 'id' } }), app('System')],
  // JSON that is huge, nested, null, or not exact.
  ['10 MB params', row({ params: HUGE }), `params: ${HUGE.length} characters, at most 262144`],
  ['nesting 100000 deep', row({ params: DEEP }), 'params.Exten[0]: must be a string, number or boolean'],
  ['an object where only Variable may be one', origin({ Exten: { a: { b: '1' } } }), 'params.Exten: an object is allowed only for Variable'],
  ['a Variable object holding an object', origin({ Variable: { A: { B: '1' } } }), 'params.Variable.A: must be a string, number or boolean'],
  ['a Variable object name with "="', origin({ Variable: { 'A=B': '1' } }), 'params.Variable: variable name "A=B" must be non-empty, without "="'],
  ['null', origin({ Timeout: null }), 'params.Timeout: null is not a value (leave the key out)'],
  [
    'an integer past 2^53',
    row({ params: '{"Exten":"300","Context":"default","Account":12345678901234567890}' }),
    'params.Account: number too large to read exactly; write it as a string',
  ],
  ['101 headers', origin({ Variable: Array.from({ length: 99 }, (_, i) => `V${i}=1`) }), 'params: more than 100 headers'],
];

describe('hostile rows: each INVALID with its message', () => {
  it.each(HOSTILE)('%s', (_name, r, message) => {
    expect(validateRow(r, policy)).toEqual({ ok: false, message });
  });
});

describe('what clients write that must pass', () => {
  const headers = (r: QueueRow, p: SenderPolicy = policy) => {
    const v = validateRow(r, p);
    if (!v.ok) throw new Error(v.message);
    const b = buildAction(r, v.plan, v.plan.channel);
    if (!b.ok) throw new Error(b.message);
    return b.built.headers;
  };

  it('JSON numbers and booleans as their text; Variable as an object, a string or an array', () => {
    const r = row({
      params: '{"Exten":300,"Context":"default","Priority":1,"Timeout":30000,"EarlyMedia":true,"Account":1.5,"Variable":{"A":"1","B":2,"C":false}}',
    });
    expect(headers(r)).toEqual([
      ['Channel', 'Local/100@default'],
      ['Exten', '300'],
      ['Context', 'default'],
      ['Priority', '1'],
      ['Timeout', '30000'],
      ['EarlyMedia', 'true'],
      ['Account', '1.5'],
      ['Variable', 'A=1'],
      ['Variable', 'B=2'],
      ['Variable', 'C=false'],
      ['Async', 'true'],
      ['CallerID', '"M2611221200000000042" <M2611221200000000042>'],
      ['Variable', 'AMIQ_ID=42'],
    ]);
    expect(headers(origin({ Variable: 'A=1' }))).toContainEqual(['Variable', 'A=1']);
    expect(headers(origin({ Variable: ['A=1', 7] }))).toContainEqual(['Variable', '7']);
  });

  it('blanks inside values, ordinary functions and expressions, plain channel names', () => {
    expect(headers(origin({ CallerID: '"Sales Desk" <100>', Variable: ['GREETING=hello world', 'N=${CALLERID(num)}', 'M=$[1 + 2]'] }))).toContainEqual([
      'CallerID',
      '"Sales Desk" <100>',
    ]);
    expect(headers(application('Playback', 'tt-monkeys&beep'))).toContainEqual(['Application', 'Playback']);
    expect(headers(application('Set', 'CDR(userfield)=lead 7'))).toContainEqual(['Data', 'CDR(userfield)=lead 7']);
    expect(headers(origin({ Variable: ['PROFILE(x)=1', 'MYSYSTEM=1', 'EVAL_EXTEN=1'] }))).toContainEqual(['Variable', 'PROFILE(x)=1']);
    expect(headers(hangup('SIP/100-00000001'))).toEqual([['Channel', 'SIP/100-00000001']]);
    // An empty column is a missing one.
    expect(headers(row({ callerid: '' }))).toContainEqual(['CallerID', '"M2611221200000000042" <M2611221200000000042>']);
  });

  it('allowed_dangerous lets exactly the named application or function through, case-insensitively, families by NAME_*', () => {
    expect(headers(application('System', 'id'), { ...policy, allowedDangerous: ['system'] })).toContainEqual(['Application', 'System']);
    expect(validateRow(application('TrySystem', 'id'), { ...policy, allowedDangerous: ['System'] })).toEqual({ ok: false, message: app('TrySystem') });
    expect(headers(application('NoOp', '${SHELL(id)}'), { ...policy, allowedDangerous: ['SHELL'] })).toContainEqual(['Data', '${SHELL(id)}']);
    expect(headers(application('NoOp', '${ODBC_SQL(x)}'), { ...policy, allowedDangerous: ['ODBC_*'] })).toContainEqual(['Data', '${ODBC_SQL(x)}']);
    expect(headers(application('NoOp', '$[${A}${B}]'), { ...policy, allowedDangerous: ['EVAL'] })).toContainEqual(['Data', '$[${A}${B}]']);
    expect(
      headers(row({ action: 'MixMonitor', channel: 'SIP/1-1', params: { File: 'x.wav', Command: 'id' } }), { ...policy, allowedDangerous: ['MixMonitor'] }),
    ).toContainEqual(['Command', 'id']);
  });
});

describe('hostile rows through the real action-sender and the simulator', () => {
  let sim: Simulator;
  let t: TestDb;
  afterEach(async () => {
    await sim.close();
    await t.close();
  });

  /** A simulator with ten live calls (what a regex Hangup would end) and an empty queue. */
  async function setUp(): Promise<number> {
    sim = await startSimulator({ port: 0, timeScale: 0.01, logger: silent });
    t = await openTestDb();
    for (let i = 0; i < 10; i++) sim.addConferenceMember({ kind: 'confbridge', room: '4000' });
    return sim.channels().length;
  }

  /** The real action-sender (the test policy's actions) until no row is NEW, SENDING or SENT. */
  async function sendAll(): Promise<void> {
    const c = defaultConfig();
    c.ami.port = sim.port;
    c.ami.secret = 'amiq';
    c.action_sender.rate_per_second = 0;
    c.action_sender.allowed_actions = [...policy.allowedActions];
    const stop = new AbortController();
    const ctx = { setAmiState: () => undefined, count: () => undefined, setError: () => undefined };
    const running = runActionSender({ config: c, db: t.db, logger: silent, signal: stop.signal, ctx });
    try {
      await until(
        async () => (await t.db.selectFrom('manager_queue').select('id').where('status', 'in', ['NEW', 'SENDING', 'SENT']).execute()).length === 0,
        'every row terminal',
        20_000,
      );
    } finally {
      stop.abort();
      await running;
    }
  }

  it("Hangup ' /.*/' and '\\t/.*/' (Asterisk skips the blank, then reads a regex): INVALID, every call stays up", async () => {
    const live = await setUp();
    expect(live).toBeGreaterThanOrEqual(10);
    const ids = [await enqueue(t.db, { action: 'Hangup', channel: ' /.*/' }), await enqueue(t.db, { action: 'Hangup', channel: '\t/.*/' })];
    await sendAll();
    for (const id of ids) expect(await rowById(t.db, id)).toMatchObject({ status: 'INVALID', message: `channel: ${BLANK}` });
    expect(sim.actionCount('Hangup')).toBe(0);
    expect(sim.channels()).toHaveLength(live);
  });

  it('none reaches the socket, every one is INVALID with its message, the good rows are sent, no call is hung up', async () => {
    const liveBefore = await setUp();
    const hostile: Array<[number, string]> = [];
    const refusedBySchema: string[] = [];
    for (const [name, r, message] of HOSTILE) {
      const id = await enqueue(t.db, { action: r.action, channel: r.channel, callerid: r.callerid, tag: r.tag, params: {} });
      try {
        // The params text exactly as a client's SQL would have stored it.
        await t.db.updateTable('manager_queue').set({ params: r.params }).where('id', '=', id).execute();
        hostile.push([id, message]);
      } catch (err) {
        expect(String(err)).toMatch(/CHECK constraint failed: manager_queue_params/);
        refusedBySchema.push(name);
        await t.db.deleteFrom('manager_queue').where('id', '=', id).execute();
      }
    }
    // SQLite's JSON check already refuses nesting past its depth limit; the sender is the guard elsewhere.
    expect(refusedBySchema).toEqual(['nesting 100000 deep']);
    const good = [
      await enqueue(t.db, { action: 'Ping' }),
      await enqueue(t.db, { action: 'Originate', channel: 'Local/100@default', params: JSON.parse('{"Exten":100,"Context":"default","Variable":{"A":1}}') }),
    ];
    await sendAll();

    for (const [id, message] of hostile) expect(await rowById(t.db, id)).toMatchObject({ status: 'INVALID', message, action_id: null, sent_at: null });
    for (const id of good) expect((await rowById(t.db, id)).status).toBe('SUCCESS');
    // Only the good rows reached the socket, besides the client's own session actions.
    const fromRows = (a: { actionId?: string }) => /^amiq-\d+-/.test(a.actionId ?? '');
    expect([...new Set(sim.actions.filter((a) => !fromRows(a)).map((a) => a.action))].sort()).toEqual(['Login', 'Logoff']);
    const rowActionIds = sim.actions
      .filter(fromRows)
      .map((a) => a.actionId)
      .sort();
    const goodIds = await Promise.all(good.map(async (id) => (await rowById(t.db, id)).action_id));
    expect(rowActionIds).toEqual(goodIds.sort());
    expect(sim.actions.filter((a) => ['hangup', 'command', 'mixmonitor', 'status', 'redirect', 'confbridgekick'].includes(a.action.toLowerCase()))).toEqual([]);
    expect(sim.actions.find((a) => a.action === 'Originate')?.headers).toContainEqual(['Variable', 'A=1']);
    expect(sim.channels().length).toBeGreaterThanOrEqual(liveBefore);
  });
});
