import type { QueueResultRow } from '../shared/db/schema.js';

/** A list action's items as `show` prints them: one block per item, its headers one per line. */
export function formatResults(items: readonly QueueResultRow[]): string {
  const lines = [`results (${items.length} item${items.length === 1 ? '' : 's'})`];
  for (const item of items) {
    lines.push(`  ${item.seq}. ${item.event}`);
    for (const [key, value] of Object.entries(JSON.parse(item.headers) as Record<string, string | string[]>)) {
      if (key.toLowerCase() === 'event' || key.toLowerCase() === 'actionid') continue;
      for (const v of Array.isArray(value) ? value : [value]) lines.push(`     ${key}: ${v}`);
    }
  }
  return lines.join('\n');
}

/** The items for `show --json`: each item's headers as the object they are stored as. */
export function resultsJson(items: readonly QueueResultRow[]): Array<{ seq: number; event: string; headers: unknown }> {
  return items.map((i) => ({ seq: Number(i.seq), event: i.event, headers: JSON.parse(i.headers) as unknown }));
}
