import type { AdminQueries, RecordFilter, RecordMapping } from '../store/ports.js';
import type { EventMappings } from '../domain/event-mappings.js';

/**
 * Unmapped records (of one source/event, or all) whose event now has a mapping become
 * pending; the admin API, config reload and the records CLI all remap through here.
 */
export async function remapUnmapped(
  store: RecordMapping & Pick<AdminQueries, 'listRecords'>,
  mappings: EventMappings,
  filter: RecordFilter,
  now: number,
): Promise<{ mapped: number; stillUnmapped: number }> {
  let mapped = 0;
  let stillUnmapped = 0;
  for (const event of await store.unmappedEvents()) {
    if ((filter.sourceId && event.sourceId !== filter.sourceId) || (filter.sourceEventId && event.sourceEventId !== filter.sourceEventId))
      continue;
    const target = mappings.resolve(event.sourceId, event.sourceEventId);
    if (target) mapped += await store.mapRecords(event.sourceId, event.sourceEventId, target, now);
    else stillUnmapped += (await store.listRecords({ ...filter, ...event, status: 'unmapped' }, 10_000)).length;
  }
  return { mapped, stillUnmapped };
}
