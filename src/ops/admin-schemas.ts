import { Type } from 'typebox';
import { ManagedEventView } from './events-routes.js';

const example = '2026-11-20T15:01:00.000Z';

export const RecordView = Type.Object(
  {
    id: Type.Integer(),
    source: Type.String(),
    sourceEventId: Type.String(),
    hubspotEvent: Type.Union([Type.String(), Type.Null()], {
      description: '`object:<id>` or `external:<account>:<event>`; null while unmapped',
    }),
    state: Type.String({ description: 'register, attend or cancel' }),
    email: Type.String(),
    status: Type.String({ description: 'unmapped, pending, inflight, delivered, dead or superseded' }),
    attempts: Type.Integer(),
    lastError: Type.Optional(Type.String({ description: "HubSpot's last error for this record" })),
    vid: Type.Optional(Type.Integer()),
    occurredAt: Type.String(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  {
    examples: [
      {
        id: 42,
        source: 'zoom',
        sourceEventId: '81234567890',
        hubspotEvent: 'object:5123456',
        state: 'register',
        email: 'ada@example.com',
        status: 'dead',
        attempts: 1,
        lastError: 'VALIDATION_ERROR: Invalid email `ada@example.com`',
        occurredAt: example,
        createdAt: example,
        updatedAt: example,
      },
    ],
  },
);

export const RecordsQuery = Type.Object({
  state: Type.Optional(Type.Union(['dead', 'unmapped', 'pending', 'inflight', 'delivered', 'superseded'].map((s) => Type.Literal(s)))),
  source: Type.Optional(Type.String()),
  event: Type.Optional(Type.String({ description: 'The source event id' })),
  email: Type.Optional(Type.String()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.Integer({ minimum: 1, description: 'nextCursor of the previous page' })),
});

export const RecordsPage = Type.Object({
  records: Type.Array(RecordView),
  nextCursor: Type.Optional(Type.Integer({ description: 'Pass as cursor for the next (older) page' })),
});

export const ReplayBody = Type.Object(
  {
    ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 10_000 })),
    filter: Type.Optional(
      Type.Object(
        {
          state: Type.Union([Type.Literal('dead'), Type.Literal('unmapped')]),
          source: Type.Optional(Type.String()),
          event: Type.Optional(Type.String()),
          email: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, examples: [{ ids: [42, 43] }, { filter: { state: 'dead', source: 'zoom' } }] },
);

export const ReplayAnswer = Type.Object(
  {
    replayed: Type.Integer({ description: 'Records now pending again' }),
    stillUnmapped: Type.Integer({ description: 'Unmapped records whose event still has no mapping' }),
  },
  { examples: [{ replayed: 2, stillUnmapped: 0 }] },
);

export const WebhookStateQuery = Type.Union([Type.Literal('dead'), Type.Literal('waiting'), Type.Literal('parked')], {
  default: 'dead',
  description:
    'dead: its details could not be fetched (replayable); waiting: its source is not configured on this relay (processed once a replica has it); ' +
    'parked: verified, but its source could not read it (replayable after a configuration change or an upgrade)',
});

export const InboxWebhookView = Type.Object({
  id: Type.Integer(),
  source: Type.String(),
  receivedAt: Type.String(),
  state: WebhookStateQuery,
  attempts: Type.Optional(Type.Integer({ description: 'dead: fetch attempts made' })),
  error: Type.Optional(Type.String({ description: 'dead: why its details could not be fetched' })),
  reason: Type.Optional(Type.String({ description: 'waiting: what it waits for; parked: why its source could not read it' })),
});

export const ReloadAnswer = Type.Object(
  {
    reloaded: Type.Literal(true),
    applied: Type.Array(Type.String(), { description: 'Settings now in effect' }),
    needsRestart: Type.Array(Type.String(), { description: 'Changed settings that only a restart applies' }),
    mapped: Type.Integer({ description: 'Unmapped records that now map, queued for delivery' }),
  },
  { examples: [{ reloaded: true, applied: ['events'], needsRestart: [], mapped: 12 }] },
);

export const StatusAnswer = Type.Object(
  {
    status: Type.String(),
    checks: Type.Object({
      store: Type.String({ description: "ok, or the store's own error (what /readyz only names with a code)" }),
      storeWorker: Type.Union([Type.String(), Type.Null()], {
        description: 'Why the store worker thread stopped (/healthz answers 503 STORE_WORKER_STOPPED)',
      }),
    }),
    records: Type.Record(Type.String(), Type.Integer(), { description: 'Empty while the store cannot be read' }),
    webhooks: Type.Union([
      Type.Object({
        unprocessed: Type.Integer(),
        awaitingDetails: Type.Integer(),
        dead: Type.Integer(),
        parked: Type.Integer({ description: 'Verified webhooks their source could not read (see GET /admin/webhooks?state=parked)' }),
        waitingForSource: Type.Integer({
          description: 'Unprocessed webhooks of sources this relay does not have (see GET /admin/webhooks?state=waiting)',
        }),
      }),
      Type.Null(),
    ]),
    oldestPendingAgeSeconds: Type.Union([Type.Number(), Type.Null()]),
    lastSuccessfulHubspotCall: Type.Union([Type.String(), Type.Null()]),
    pauses: Type.Array(
      Type.Object({
        cause: Type.String(),
        reason: Type.String(),
        until: Type.Optional(Type.String()),
        missingScopes: Type.Optional(Type.Array(Type.String())),
      }),
    ),
    rateLimit: Type.Object({ limit: Type.Integer(), inWindow: Type.Integer({ description: 'HubSpot calls in the current 10 s window' }) }),
    inflightBatches: Type.Integer(),
    zoomReconciliation: Type.Optional(
      Type.Array(Type.Object({ source: Type.String(), problem: Type.String() }), {
        description: 'Zoom sources whose reconciliation Zoom refuses for a missing scope, in plain words (docs/zoom-reconciliation.md)',
      }),
    ),
    /** The HubSpot marketing events the relay manages (createEvents), newest first, at most 100. */
    hubspotEvents: Type.Optional(Type.Array(ManagedEventView)),
  },
  {
    examples: [
      {
        status: 'ready',
        checks: { store: 'ok', storeWorker: null },
        records: { pending: 120, inflight: 100, unmapped: 3, delivered: 53210, dead: 2, superseded: 14 },
        webhooks: { unprocessed: 0, awaitingDetails: 0, dead: 0, waitingForSource: 0 },
        oldestPendingAgeSeconds: 1.4,
        lastSuccessfulHubspotCall: example,
        pauses: [{ cause: 'auth', reason: 'MISSING_SCOPES', missingScopes: ['crm.objects.marketing_events.write'] }],
        rateLimit: { limit: 100, inWindow: 12 },
        inflightBatches: 1,
      },
    ],
  },
);
