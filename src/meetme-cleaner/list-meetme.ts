import { ConferenceListError, classifyListResponse, itemsNamed } from './list-response.js';
import { NO_SUCH_COMMAND, USAGE, parseMeetmeMembers, parseMeetmeRooms } from './meetme-cli.js';
import type { KindListing, ListedMember, ListedRoom, ListingAmi } from './types.js';

/**
 * How this PBX lists MeetMe (REFERENCE §4.4), newest first: MeetmeListRooms + MeetmeList per
 * room (11+), MeetmeList of everything (1.6 to 10), the CLI's `meetme list` (1.4), or not at all.
 */
type Mode = 'rooms' | 'list' | 'cli' | 'absent';

const ABSENT: KindListing = { kind: 'meetme', present: false };

/** Lists MeetMe rooms, remembering which way works on this PBX until `forget()` (a reconnect). */
export class MeetmeLister {
  private mode: Mode | undefined;
  /** 1.6.2+ lists rooms with `meetme list`; 1.4 answers that with its usage and wants `meetme`. */
  private roomsCommand = 'meetme list';

  constructor(private readonly ami: ListingAmi) {}

  forget(): void {
    this.mode = undefined;
    this.roomsCommand = 'meetme list';
  }

  async list(): Promise<KindListing> {
    const order: Mode[] = this.mode ? [this.mode] : ['rooms', 'list', 'cli'];
    for (const mode of order) {
      const listing = await this.listBy(mode);
      if (listing !== 'unsupported') {
        this.mode = mode;
        return listing;
      }
    }
    this.mode = 'absent';
    return ABSENT;
  }

  private listBy(mode: Mode): Promise<KindListing | 'unsupported'> {
    if (mode === 'rooms') return this.byRooms();
    if (mode === 'list') return this.byList();
    if (mode === 'cli') return this.byCli();
    return Promise.resolve(ABSENT);
  }

  private async byRooms(): Promise<KindListing | 'unsupported'> {
    const list = await this.ami.sendList('MeetmeListRooms');
    const outcome = classifyListResponse('MeetmeListRooms', list.response);
    if (outcome !== 'items') return outcome === 'none' ? present([]) : outcome;
    const names = itemsNamed(list.events, 'MeetmeListRooms')
      .map((e) => e.get('Conference'))
      .filter((n): n is string => n !== undefined && n !== '');
    const rooms: ListedRoom[] = [];
    for (const room of new Set(names)) {
      const users = await this.ami.sendList('MeetmeList', { Conference: room });
      if (classifyListResponse('MeetmeList', users.response) !== 'items') continue;
      rooms.push({ room, members: membersOf(users.events).get(room) ?? [] });
    }
    return present(rooms);
  }

  private async byList(): Promise<KindListing | 'unsupported'> {
    const list = await this.ami.sendList('MeetmeList');
    const outcome = classifyListResponse('MeetmeList', list.response);
    if (outcome !== 'items') return outcome === 'none' ? present([]) : outcome;
    return present([...membersOf(list.events)].map(([room, members]) => ({ room, members })));
  }

  private async byCli(): Promise<KindListing | 'unsupported'> {
    let out = await this.cli(this.roomsCommand);
    if (out === 'unsupported') return out;
    if (out.some((l) => USAGE.test(l)) && this.roomsCommand !== 'meetme') {
      this.roomsCommand = 'meetme';
      out = await this.cli(this.roomsCommand);
      if (out === 'unsupported') return out;
    }
    const rooms: ListedRoom[] = [];
    for (const room of parseMeetmeRooms(out)) {
      const users = await this.cli(`meetme list ${room} concise`);
      if (users === 'unsupported') return users;
      const members = parseMeetmeMembers(users);
      // Empty output: the room ended since the room list.
      if (members.length > 0) rooms.push({ room, members });
    }
    return present(rooms);
  }

  private async cli(cmd: string): Promise<string[] | 'unsupported'> {
    const { response, output } = await this.ami.command(cmd);
    if (output.some((l) => NO_SUCH_COMMAND.test(l))) return 'unsupported';
    if ((response.get('Response') ?? '').toLowerCase() === 'error') {
      const message = response.get('Message') ?? '';
      throw new ConferenceListError(`Command ${JSON.stringify(cmd)} refused: ${message || '(no message)'}`, {
        action: 'Command',
        command: cmd,
        actionId: response.get('ActionID'),
        message,
      });
    }
    return output;
  }
}

function present(rooms: ListedRoom[]): KindListing {
  return { kind: 'meetme', present: true, rooms };
}

/** MeetmeList items grouped by room, in list order. */
function membersOf(events: Parameters<typeof itemsNamed>[0]): Map<string, ListedMember[]> {
  const byRoom = new Map<string, ListedMember[]>();
  for (const e of itemsNamed(events, 'MeetmeList')) {
    const room = e.get('Conference');
    const channel = e.get('Channel');
    const user = e.get('UserNumber');
    if (!room || !channel || !user) continue;
    const list = byRoom.get(room) ?? [];
    list.push({ channel, user });
    byRoom.set(room, list);
  }
  return byRoom;
}
