import { parseArgs } from 'node:util';
import type { RelayConfig } from '../config/schema.js';
import { openStore } from '../store/open-store.js';
import { RECORD_STATUSES, type RecordFilter, type RecordStatus } from '../store/ports.js';
import { remapUnmapped } from '../processing/remap-unmapped.js';
import { EventMappings } from '../domain/event-mappings.js';

const USAGE = `Usage:
  attendance-relay records list [--state dead|unmapped|pending|...] [--source ID] [--event ID] [--email E] [--limit N] [--cursor ID] [--json]
  attendance-relay records replay (--ids 1,2,3 | --state dead|unmapped [--source ID] [--event ID] [--email E])
Works on the store directly (e.g. while the server is down).
`;

/** `attendance-relay records list|replay`: the admin API's records operations, against the store. */
export async function recordsCommand(argv: string[], config: RelayConfig, out: (line: string) => void): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      state: { type: 'string' },
      source: { type: 'string' },
      event: { type: 'string' },
      email: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      ids: { type: 'string' },
      json: { type: 'boolean' },
      config: { type: 'string', short: 'c' },
    },
  });
  const [action] = positionals;
  if (values.state && !RECORD_STATUSES.includes(values.state as RecordStatus)) {
    out(`attendance-relay: --state must be one of ${RECORD_STATUSES.join(', ')}`);
    return 2;
  }
  const filter: RecordFilter = {
    status: values.state as RecordStatus | undefined,
    sourceId: values.source,
    sourceEventId: values.event,
    email: values.email,
  };
  const store = openStore(config.store.url);
  try {
    await store.migrate();
    if (action === 'list') {
      const records = await store.listRecords(filter, Number(values.limit ?? 50), values.cursor ? Number(values.cursor) : undefined);
      if (values.json) out(JSON.stringify(records, null, 2));
      else {
        out(['id', 'status', 'state', 'source', 'event', 'email', 'attempts', 'last error'].join('\t'));
        for (const r of records)
          out([r.id, r.status, r.state, r.sourceId, r.sourceEventId, r.email, r.attempts, r.lastError ?? ''].join('\t'));
      }
      return 0;
    }
    if (action === 'replay') {
      const ids = values.ids
        ?.split(',')
        .map(Number)
        .filter((n) => Number.isInteger(n) && n > 0);
      if (!ids?.length && values.state !== 'dead' && values.state !== 'unmapped') {
        out('attendance-relay: records replay needs --ids or --state dead|unmapped');
        return 2;
      }
      const now = Date.now();
      let replayed = 0;
      if (ids?.length || values.state === 'dead') replayed += await store.replayDeadRecords(ids?.length ? { ids } : { filter }, now);
      if (ids?.length || values.state === 'unmapped') {
        replayed += (await remapUnmapped(store, new EventMappings(config.events), filter, now)).mapped;
      }
      out(`replayed ${replayed} record(s); a running relay picks them up within 30 s`);
      return 0;
    }
    out(USAGE);
    return 2;
  } finally {
    await store.close();
  }
}
