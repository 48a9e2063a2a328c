import { parseArgs } from 'node:util';
import type { RelayConfig } from '../config/schema.js';
import { processedSourceIds, waitingReason } from '../sources/registry.js';
import { openStore } from '../store/open-store.js';

const USAGE = `Usage:
  attendance-relay webhooks list [--state waiting|dead|parked] [--limit N] [--cursor ID] [--json]
    waiting: webhooks of sources this configuration does not have (processed once a relay has them)
    dead:    webhooks whose details could not be fetched (replay: POST /admin/webhooks/replay)
    parked:  verified webhooks their source could not read (replay: POST /admin/webhooks/replay)
Works on the store directly (e.g. while the server is down).
`;

/** `attendance-relay webhooks list`: the admin API's webhook listing, against the store. */
export async function webhooksCommand(argv: string[], config: RelayConfig, out: (line: string) => void): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      state: { type: 'string', default: 'waiting' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      json: { type: 'boolean' },
      config: { type: 'string', short: 'c' },
    },
  });
  if (positionals[0] !== 'list' || !['waiting', 'dead', 'parked'].includes(values.state)) {
    out(USAGE);
    return 2;
  }
  const limit = Number(values.limit ?? 50);
  const cursor = values.cursor ? Number(values.cursor) : undefined;
  const store = openStore(config.store.url);
  try {
    await store.migrate();
    const rows =
      values.state === 'waiting'
        ? (await store.listWaitingWebhooks(processedSourceIds(config.sources), limit, cursor)).map((w) => ({
            ...w,
            why: waitingReason(w.sourceId),
          }))
        : values.state === 'parked'
          ? (await store.listParkedWebhooks(limit, cursor)).map((w) => ({ ...w, why: w.reason }))
          : (await store.listDeadWebhooks(limit, cursor)).map((w) => ({ ...w, why: w.error ?? '' }));
    if (values.json) out(JSON.stringify(rows, null, 2));
    else {
      out(['id', 'source', 'received', 'why'].join('\t'));
      for (const w of rows) out([w.id, w.sourceId, new Date(w.receivedAt).toISOString(), w.why].join('\t'));
    }
    return 0;
  } finally {
    await store.close();
  }
}
