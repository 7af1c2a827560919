import { listConfbridge } from './list-confbridge.js';
import { MeetmeLister } from './list-meetme.js';
import type { ConferenceKind, KindListing, ListingAmi } from './types.js';

/**
 * Lists both conference applications over one AMI connection, remembering which the PBX lacks
 * so that a PBX without ConfBridge (or MeetMe) is not asked again every tick. `forget()` after
 * a reconnect: the PBX may have restarted with other modules.
 */
export class ConferenceLister {
  private confbridgePresent: boolean | undefined;
  private readonly meetme: MeetmeLister;

  constructor(private readonly ami: ListingAmi) {
    this.meetme = new MeetmeLister(ami);
  }

  forget(): void {
    this.confbridgePresent = undefined;
    this.meetme.forget();
  }

  async list(kind: ConferenceKind): Promise<KindListing> {
    if (kind === 'meetme') return this.meetme.list();
    if (this.confbridgePresent === false) return { kind, present: false };
    const listing = await listConfbridge(this.ami);
    this.confbridgePresent = listing.present;
    return listing;
  }
}
