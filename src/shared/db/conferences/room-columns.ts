/** What a room's state is stored as: members a JSON array, their count, since when one is alone. */
export interface RoomColumns {
  members: string;
  member_count: number;
  alone_since: string | null;
}

export type ConferenceKindColumn = 'confbridge' | 'meetme';
