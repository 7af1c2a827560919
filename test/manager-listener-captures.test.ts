import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from './helpers/queue-db.js';
import { allRows, callColumns, captureEvents, eventLogCount, newListener, replay, row, seedSent } from './helpers/manager-listener-helpers.js';

// Real event streams (Asterisk 22, 11, 13+, 15) replayed into the listener with the row the
// sender would have left: each row must end with the right channel, ids, state, reason, cause.
let t: TestDb;
beforeEach(async () => {
  t = await openTestDb();
});
afterEach(async () => {
  await t.close();
});

/** Replay a capture, check the rows, then replay it again (same listener, then a fresh one): nothing changes. */
async function replayTwice(name: string): Promise<void> {
  const events = captureEvents(name);
  const listener = newListener(t.db);
  await replay(listener, events);
  const before = await allRows(t.db);
  const log = await eventLogCount(t.db);
  await replay(listener, events);
  const fresh = newListener(t.db);
  await replay(fresh, events);
  expect(await allRows(t.db)).toEqual(before);
  expect(listener.stats.rowsWritten + fresh.stats.rowsWritten).toBeGreaterThan(0); // first pass wrote
  expect(fresh.stats.rowsWritten).toBe(0);
  expect((await eventLogCount(t.db)).unmatched).toBe(log.unmatched);
}

describe('asterisk-22 captures', () => {
  it('originate-local: answered, both halves hang up with cause 16; the row tracks ;1', async () => {
    const id = await seedSent(t.db, { callerid: 'M2611221200000000001', action_id: 't1' });
    await replayTwice('asterisk-22/originate-local.received.txt');
    const r = await row(t.db, id);
    expect(callColumns(r)).toEqual({
      uniqueid: '1795324352.0',
      linkedid: '1795324352.0',
      call_channel: 'Local/100@amq-test-00000000;1',
      call_state: 'ENDED',
      call_reason: 4,
      hangup_cause: 16,
      hangup_cause_txt: 'Normal Clearing',
    });
    expect(r.answered_at).not.toBeNull();
    expect(r.ended_at! >= r.answered_at!).toBe(true);
  });

  it('originate-busy: FAILED with Reason 5; the cause comes from ;2 (17) since ;1 hangs up with 0', async () => {
    const id = await seedSent(t.db, { callerid: 'M2611221200000000001', action_id: 't2' });
    await replayTwice('asterisk-22/originate-busy.received.txt');
    const r = await row(t.db, id);
    expect(callColumns(r)).toEqual({
      uniqueid: '1795324370.2',
      linkedid: '1795324370.2',
      call_channel: 'Local/400@amq-test-00000001;1',
      call_state: 'FAILED',
      call_reason: 5,
      hangup_cause: 17,
      hangup_cause_txt: 'User busy',
    });
    expect(r.answered_at).toBeNull();
    expect(r.ended_at).not.toBeNull();
  });

  it('originate-timeout: FAILED with Reason 3 (no answer), cause 19', async () => {
    const id = await seedSent(t.db, { callerid: 'M2611221200000000001', action_id: 't6' });
    await replayTwice('asterisk-22/originate-timeout.received.txt');
    expect(callColumns(await row(t.db, id))).toEqual({
      uniqueid: '1795324379.8',
      linkedid: '1795324379.8',
      call_channel: 'Local/500@amq-test-00000004;1',
      call_state: 'FAILED',
      call_reason: 3,
      hangup_cause: 19,
      hangup_cause_txt: 'User alerting, no answer',
    });
  });

  it('originate-badchannel: FAILED with Reason 0 and no channel; rows refused by Asterisk stay without call_state', async () => {
    const id = await seedSent(t.db, { callerid: 'M2611221200000000001', action_id: 't4' });
    const refused = await seedSent(t.db, { callerid: 'M2611221200000000002', action_id: 't5', status: 'FAILED' });
    await replayTwice('asterisk-22/originate-badchannel.received.txt');
    const r = await row(t.db, id);
    expect(callColumns(r)).toEqual({
      uniqueid: null,
      linkedid: null,
      call_channel: null,
      call_state: 'FAILED',
      call_reason: 0,
      hangup_cause: null,
      hangup_cause_txt: null,
    });
    expect(r.ended_at).not.toBeNull();
    expect((await row(t.db, refused)).call_state).toBeNull();
  });

  it('originate-amiq-id: AMIQ_ID binds the row before OriginateResponse; ;2 (which also carries it) never takes the row', async () => {
    const id = await seedSent(t.db, { id: 42, callerid: null, action_id: 'amiq-42' });
    const events = captureEvents('asterisk-22/originate-amiq-id.received.txt');
    const orAt = events.findIndex((e) => e.headers[0]![1] === 'OriginateResponse');
    const listener = newListener(t.db);
    await replay(listener, events.slice(0, orAt));
    const early = await row(t.db, id);
    expect(early.uniqueid).toBe('1795325664.0');
    expect(early.call_channel).toBe('Local/100@default-00000000;1');
    expect(early.call_state).toBe('UP');
    expect(early.call_reason).toBeNull();
    await replay(listener, events.slice(orAt));
    const done = await allRows(t.db);
    const fresh = newListener(t.db);
    await replay(fresh, events);
    expect(fresh.stats.rowsWritten).toBe(0);
    expect(await allRows(t.db)).toEqual(done);
    expect(callColumns(await row(t.db, id))).toEqual({
      uniqueid: '1795325664.0',
      linkedid: '1795325664.0',
      call_channel: 'Local/100@default-00000000;1',
      call_state: 'ENDED',
      call_reason: 4,
      hangup_cause: 16,
      hangup_cause_txt: 'Normal Clearing',
    });
  });

  it('redirect: the redirected ;1 stays the call until it is hung up (cause 0 on ;1)', async () => {
    const id = await seedSent(t.db, { callerid: 'M2611221200000000001', action_id: 'r0' });
    await replayTwice('asterisk-22/redirect.received.txt');
    const r = await row(t.db, id);
    expect(callColumns(r)).toEqual({
      uniqueid: '1795324394.10',
      linkedid: '1795324394.10',
      call_channel: 'Local/600@amq-test-00000005;1',
      call_state: 'ENDED',
      call_reason: 4,
      hangup_cause: 0,
      hangup_cause_txt: 'Unknown',
    });
    expect(r.answered_at).not.toBeNull();
  });

  it('hangup-cause16: three calls with one callerid; each row ends on its own channel', async () => {
    const h0 = await seedSent(t.db, { callerid: 'M2611221200000000001', action_id: 'h0' });
    const h3 = await seedSent(t.db, { callerid: null, action_id: 'h3' });
    const h4 = await seedSent(t.db, { callerid: null, action_id: 'h4' });
    await replayTwice('asterisk-22/hangup-cause16.received.txt');
    const expectEnded = async (id: number, uid: string, chan: string): Promise<void> =>
      expect(callColumns(await row(t.db, id))).toEqual({
        uniqueid: uid,
        linkedid: uid,
        call_channel: chan,
        call_state: 'ENDED',
        call_reason: 4,
        hangup_cause: 16,
        hangup_cause_txt: 'Normal Clearing',
      });
    await expectEnded(h0, '1795324401.12', 'Local/600@amq-test-00000006;1');
    await expectEnded(h3, '1795324404.14', 'Local/600@amq-test-00000007;1');
    await expectEnded(h4, '1795324404.16', 'Local/600@amq-test-00000008;1');
  });

  it('events of channels no row owns write nothing', async () => {
    const listener = newListener(t.db, 'matched');
    await replay(listener, captureEvents('asterisk-22/originate-local.received.txt'));
    expect(listener.stats.rowsWritten).toBe(0);
    expect((await eventLogCount(t.db)).total).toBe(0);
  });
});

describe('older and other captures', () => {
  it('public/11 (Asterisk 11): Local optimisation masquerade; the row follows its Uniqueid to the new name, the <ZOMBIE> hangup is not its end', async () => {
    const id = await seedSent(t.db, { callerid: 'Panoramisk tests', action_id: 'generated_action_id' });
    await replayTwice('public/11-originate-local-full-event-stream-ast11.txt');
    const r = await row(t.db, id);
    expect(callColumns(r)).toEqual({
      uniqueid: '1414510600.0',
      // 1.8/11 channel events have no Linkedid; the CEL events of this stream do.
      linkedid: '1414510600.0',
      call_channel: 'SIP/ddddd-00000000',
      call_state: 'ENDED',
      call_reason: null,
      hangup_cause: 16,
      hangup_cause_txt: 'Normal Clearing',
    });
    expect(r.answered_at).not.toBeNull();
  });

  it('public/14 (13+): ChanVariable duplicates; the dialled leg rings, answers and hangs up', async () => {
    const id = await seedSent(t.db, { callerid: '9898' });
    await replayTwice('public/14-call-chanvariable-dialbegin-bridge-hangup-ast13plus-crlf.txt');
    const r = await row(t.db, id);
    expect(callColumns(r)).toEqual({
      uniqueid: '1598887681.61',
      linkedid: '1598887681.60',
      call_channel: 'SIP/okon.ferry.sip.com-0000003d',
      call_state: 'ENDED',
      call_reason: null,
      hangup_cause: 16,
      hangup_cause_txt: 'Normal Clearing',
    });
    expect(r.answered_at).not.toBeNull();
  });

  it('public/17 (15): two legs share the callerid; the first binds, the other (cause 26) leaves the row alone', async () => {
    const id = await seedSent(t.db, { callerid: 'Charliez Chaplin' });
    await replayTwice('public/17-wazo-call-event-stream-ast15-chanvariable.txt');
    expect(callColumns(await row(t.db, id))).toEqual({
      uniqueid: '1511987918.23',
      linkedid: '1511987918.22',
      call_channel: 'SIP/rku3uo-0000000c',
      call_state: 'ENDED',
      call_reason: null,
      hangup_cause: 16,
      hangup_cause_txt: 'Normal Clearing',
    });
  });

  it('public/23 (13+): OriginateResponse Failure with a ChannelId as Uniqueid: FAILED, Reason 0, no channel bound', async () => {
    const id = await seedSent(t.db, { action_id: '1113' });
    await replayTwice('public/23-originateresponse-failure-application-channelid-ast13plus.txt');
    expect(callColumns(await row(t.db, id))).toEqual({
      uniqueid: null,
      linkedid: null,
      call_channel: null,
      call_state: 'FAILED',
      call_reason: 0,
      hangup_cause: null,
      hangup_cause_txt: null,
    });
  });
});
