import { classifyListResponse, itemsNamed, parseSeconds } from './list-response.js';
import type { KindListing, ListedRoom, ListingAmi } from './types.js';

/**
 * Every ConfBridge room with its members: ConfbridgeListRooms, then ConfbridgeList per room
 * (REFERENCE §4.5). AnsweredTime (13+) gives how long a member has been in; 10/11 lack it.
 */
export async function listConfbridge(ami: ListingAmi): Promise<KindListing> {
  const list = await ami.sendList('ConfbridgeListRooms');
  const outcome = classifyListResponse('ConfbridgeListRooms', list.response);
  if (outcome === 'unsupported') return { kind: 'confbridge', present: false };
  const rooms: ListedRoom[] = [];
  if (outcome === 'none') return { kind: 'confbridge', present: true, rooms };

  const names = itemsNamed(list.events, 'ConfbridgeListRooms')
    .map((e) => e.get('Conference'))
    .filter((n): n is string => n !== undefined && n !== '');
  for (const room of new Set(names)) {
    const users = await ami.sendList('ConfbridgeList', { Conference: room });
    // `No Conference by that name found.`: the room ended since the room list; it is not listed.
    if (classifyListResponse('ConfbridgeList', users.response) !== 'items') continue;
    const members = itemsNamed(users.events, 'ConfbridgeList').flatMap((e) => {
      const channel = e.get('Channel');
      if (channel === undefined || channel === '') return [];
      return [{ channel, seconds: parseSeconds(e.get('AnsweredTime')) }];
    });
    rooms.push({ room, members });
  }
  return { kind: 'confbridge', present: true, rooms };
}
