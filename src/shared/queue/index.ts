/** The queue's SQL statements, one per module; the sender, the CLI and the cleaner share them. */
export type { QueueDb } from './types.js';
export { enqueue, type EnqueueInput } from './enqueue.js';
export { claimRows, type ClaimOptions } from './claim-rows.js';
export { expireRows, type ExpireOptions } from './expire-rows.js';
export { markInvalid } from './mark-invalid.js';
export { markUnsentFailed } from './mark-unsent-failed.js';
export { markSent, type SentMark } from './mark-sent.js';
export { releaseRows } from './release-rows.js';
export { recordResponses, statusForResponse, type ActionResponse } from './record-responses.js';
export { markLost } from './mark-lost.js';
export { recoverAfterCrash, type Recovered } from './recover-after-crash.js';
export { findOriginateByCallerid } from './find-originate-by-callerid.js';
export { getRow } from './get-row.js';
export { cancelRow } from './cancel-row.js';
export { nextNotBefore } from './next-not-before.js';
export { listRecent } from './list-recent.js';
export { insertResults, type ResultItem } from './insert-results.js';
export { listResults } from './list-results.js';
