import { parseArgs } from 'node:util';
import type { RelayConfig } from '../config/schema.js';
import { openStore } from '../store/open-store.js';

const USAGE = `Usage:
  attendance-relay zoom reconcile --id ID [--uuid UUID] [--kind webinar|meeting] [--source ID] [--wait SECONDS]
    Queues a reconciliation of one Zoom webinar or meeting (default: its latest instance) in the
    store, due now; a running relay with the source's api takes it within seconds. Waits for the
    result (default 120 s; 0 = do not wait) and prints it. See docs/zoom-reconciliation.md.
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `attendance-relay zoom reconcile`: a manual reconciliation job, through the store like every other. */
export async function zoomCommand(argv: string[], config: RelayConfig, out: (line: string) => void): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      id: { type: 'string' },
      uuid: { type: 'string', default: '' },
      kind: { type: 'string', default: 'webinar' },
      source: { type: 'string' },
      wait: { type: 'string', default: '120' },
      config: { type: 'string', short: 'c' },
    },
  });
  const kind = values.kind;
  if (positionals[0] !== 'reconcile' || !values.id || (kind !== 'webinar' && kind !== 'meeting')) {
    out(USAGE);
    return 2;
  }
  const source = config.sources.find((s) => s.type === 'zoom' && s.api && (values.source === undefined || s.id === values.source));
  if (!source) {
    out(`no Zoom source with an api${values.source ? ` named "${values.source}"` : ''} in this configuration`);
    return 2;
  }
  const store = openStore(config.store.url);
  try {
    await store.migrate();
    const job = { sourceId: source.id, zoomId: values.id, uuid: values.uuid, kind, reason: 'manual', dueAt: Date.now() } as const;
    await store.scheduleReconcileJobs([job], Date.now());
    out(`queued: zoom reconciliation of ${kind} ${values.id}${values.uuid ? ` (${values.uuid})` : ''} for source ${source.id}`);
    const deadline = Date.now() + Number(values.wait) * 1000;
    while (Date.now() < deadline) {
      const found = (await store.listReconcileJobs(100)).find(
        (j) => j.sourceId === source.id && j.zoomId === job.zoomId && j.uuid === job.uuid && j.reason === 'manual',
      );
      if (found?.status === 'done') return (out(`done: ${found.result ?? '{}'}`), 0);
      if (found?.status === 'dead') return (out(`dead: ${found.lastError ?? ''}`), 1);
      await sleep(250);
    }
    if (Number(values.wait) > 0) out('still queued: no running relay took it in time (it runs once one does)');
    return Number(values.wait) > 0 ? 3 : 0;
  } finally {
    await store.close();
  }
}
