import type { InboxRow, SessionRow } from './processing-round.js';
import { contactProperties, mergeContacts, normalizeEmail } from './contact.js';
import { applyJoin, applyLeave, attendanceToSend, closeAt, isOpen, markSent } from './sessions.js';
import type { EventMappings } from './event-mappings.js';
import type { AttendanceFact, ContactDetails, SubscriberState } from './facts.js';
import type { WorkingSet } from './working-set.js';
import { addRegistration } from './registrations.js';

/** What became of one webhook, kept with it in the inbox and counted in logs. */
export interface WebhookOutcome {
  records: number;
  /** Participants with no email of their own nor from a registration (Zoom guests). */
  guests: number;
  invalidEmails: number;
  /** Facts already seen (same once-key): a repeated notice, skipped. */
  repeats: number;
  /** Things noted but not sent (e.g. a check-out). */
  notes?: string[];
  /** Event times later than the webhook's arrival, replaced by it (see time-bound.ts). */
  clampedTimes?: number;
}

export interface InterpretContext {
  /** The webhook's source, as interpretation sees it (any Source of src/sources satisfies it). */
  source: { readonly id: string; readonly defaultAttendMs?: number };
  mappings: EventMappings;
  work: WorkingSet;
  /** The platform account an event resolves with (createEvents without an externalAccountId); see EventMappings.resolve. */
  accountOf?: (sourceEventId: string) => string | undefined;
}

function addRecord(
  ctx: InterpretContext,
  row: Pick<InboxRow, 'id' | 'receivedAt'> | undefined,
  fact: { sourceEventId: string; occurredAt: number; occurrence?: string },
  state: SubscriberState,
  email: string,
  contact: ContactDetails,
  properties: Record<string, string> = {},
): void {
  ctx.work.records.push({
    inboxId: row?.id,
    receivedAt: row?.receivedAt ?? Date.now(),
    sourceId: ctx.source.id,
    sourceEventId: fact.sourceEventId,
    occurrence: fact.occurrence,
    targetKey: ctx.mappings.resolve(ctx.source.id, fact.sourceEventId, ctx.accountOf?.(fact.sourceEventId)),
    state,
    email,
    occurredAt: fact.occurredAt,
    input: { email, interactionDateTime: fact.occurredAt, properties, contactProperties: contactProperties(contact) },
    supersedesPendingAttend: state === 'attend',
  });
}

/**
 * An `attend` record for one attendance: HubSpot needs both times, and the join is when it happened.
 * Every occurrence of a recurring event goes to the event's one HubSpot event, each with its own attend.
 */
function addAttend(
  ctx: InterpretContext,
  row: Pick<InboxRow, 'id' | 'receivedAt'> | undefined,
  event: { sourceEventId: string; occurrence?: string },
  email: string,
  contact: ContactDetails,
  span: { joinedAt: number; leftAt: number },
): void {
  const properties = { joinedAt: new Date(span.joinedAt).toISOString(), leftAt: new Date(span.leftAt).toISOString() };
  addRecord(
    ctx,
    row,
    { sourceEventId: event.sourceEventId, occurrence: event.occurrence, occurredAt: span.joinedAt },
    'attend',
    email,
    contact,
    properties,
  );
}

/** Turns a closed session's span into an `attend` record. */
export function recordAttendance(
  ctx: InterpretContext,
  row: Pick<InboxRow, 'id' | 'receivedAt'> | undefined,
  session: SessionRow,
): SessionRow {
  const span = attendanceToSend(session.times);
  if (!span) return session;
  addAttend(ctx, row, { sourceEventId: session.sourceEventId, occurrence: session.occurrence }, session.email, session.contact, span);
  return { ...session, times: markSent(session.times, span) };
}

async function resolveContact(ctx: InterpretContext, contact: ContactDetails, contactKey?: string) {
  const known = contactKey ? await ctx.work.contact(ctx.source.id, contactKey) : undefined;
  const merged = mergeContacts(contact, known);
  return { email: normalizeEmail(contact.email) ?? normalizeEmail(known?.email), contact: merged };
}

/** How long an attendance lasts when nothing says when it ended (no leave, no known end). */
export const DEFAULT_ATTEND_MS = 60 * 60_000;

/** When an attendance without a leave time ends: the mapping's endsAt, the event's known end, or a default length. */
async function leftAtFor(ctx: InterpretContext, fact: { sourceEventId: string; joinedAt: number; leftAt?: number }): Promise<number> {
  const fallback = fact.joinedAt + (ctx.source.defaultAttendMs ?? DEFAULT_ATTEND_MS);
  const end =
    fact.leftAt ??
    ctx.mappings.endsAt(ctx.source.id, fact.sourceEventId) ??
    (await ctx.work.sourceEvent(ctx.source.id, fact.sourceEventId))?.endsAt ??
    fallback;
  // HubSpot refuses joinedAt >= leftAt: a check-in after the known end gets the default length.
  return end > fact.joinedAt ? end : fallback;
}

/** False (and counted) when a fact with this once-key was applied before. */
async function firstTime(ctx: InterpretContext, onceKey: string | undefined, outcome: WebhookOutcome): Promise<boolean> {
  if (onceKey === undefined) return true;
  if (await ctx.work.seen(ctx.source.id, onceKey)) {
    outcome.repeats++;
    return false;
  }
  ctx.work.markSeen(ctx.source.id, onceKey);
  return true;
}

export async function applyFact(ctx: InterpretContext, row: InboxRow, fact: AttendanceFact, outcome: WebhookOutcome): Promise<void> {
  const sourceId = ctx.source.id;
  switch (fact.kind) {
    case 'registered':
    case 'cancelled': {
      const email = normalizeEmail(fact.contact.email);
      if (!email) {
        outcome.invalidEmails++;
        return;
      }
      const contact = { ...fact.contact, email };
      if (fact.contactKey) ctx.work.putContact(sourceId, fact.contactKey, contact);
      // One register per person and event, another only after a cancel (registrations.ts).
      const person = { sourceId, sourceEventId: fact.sourceEventId, email };
      const state = fact.kind === 'registered' ? 'register' : 'cancel';
      const step = addRegistration(await ctx.work.registrations(person), {
        state,
        at: fact.stateAt ?? fact.occurredAt,
        occurredAt: fact.occurredAt,
        contact,
      });
      if (!step.repeat) ctx.work.putRegistrations(person, step.entries);
      if (step.toSend.length === 0) outcome.repeats++;
      for (const entry of step.toSend) {
        addRecord(ctx, row, { sourceEventId: fact.sourceEventId, occurredAt: entry.sendAt }, entry.state, email, entry.contact);
        outcome.records++;
      }
      return;
    }
    case 'attended': {
      const email = normalizeEmail(fact.contact.email);
      if (!email) {
        outcome.invalidEmails++;
        return;
      }
      if (!(await firstTime(ctx, fact.onceKey, outcome))) return;
      addAttend(ctx, row, fact, email, { ...fact.contact, email }, { joinedAt: fact.joinedAt, leftAt: await leftAtFor(ctx, fact) });
      outcome.records++;
      return;
    }
    case 'direct': {
      const email = normalizeEmail(fact.input.email);
      if (!email) {
        outcome.invalidEmails++;
        return;
      }
      ctx.work.records.push({
        inboxId: row.id,
        receivedAt: row.receivedAt,
        sourceId,
        sourceEventId: fact.sourceEventId,
        targetKey: fact.targetKey,
        state: fact.state,
        email,
        occurredAt: fact.input.interactionDateTime,
        input: { ...fact.input, email },
        // A caller's own attend inputs are sent as given, each one.
        supersedesPendingAttend: false,
      });
      outcome.records++;
      return;
    }
    case 'joined':
    case 'left': {
      const { email, contact } = await resolveContact(ctx, fact.contact, fact.contactKey);
      if (!email) {
        outcome.guests++;
        return;
      }
      const occurrence = fact.occurrence ?? '';
      const existing = await ctx.work.session(sourceId, fact.sourceEventId, occurrence, email);
      const session: SessionRow = existing
        ? { ...existing, contact: mergeContacts(contact, existing.contact) }
        : { sourceId, sourceEventId: fact.sourceEventId, occurrence, email, times: {}, contact };
      session.times = fact.kind === 'joined' ? applyJoin(session.times, fact.occurredAt) : applyLeave(session.times, fact.occurredAt);
      if (isOpen(session.times)) {
        // A join before the meeting's known end (it arrived late): closed at that end now.
        const endedAt = (await ctx.work.sourceEvent(sourceId, fact.sourceEventId, occurrence))?.endedAt;
        if (endedAt !== undefined && endedAt > (session.times.lastJoin as number)) session.times = closeAt(session.times, endedAt);
      }
      const before = ctx.work.records.length;
      ctx.work.putSession(recordAttendance(ctx, row, session));
      outcome.records += ctx.work.records.length - before;
      return;
    }
    case 'event-ended': {
      const occurrence = fact.occurrence ?? '';
      ctx.work.putSourceEvent({ sourceId, sourceEventId: fact.sourceEventId, endsAt: fact.occurredAt });
      ctx.work.putSourceEvent({ sourceId, sourceEventId: fact.sourceEventId, occurrence, endedAt: fact.occurredAt });
      for (const session of await ctx.work.sessionsOfEvent(sourceId, fact.sourceEventId, occurrence)) {
        const before = ctx.work.records.length;
        const closed = { ...session, times: closeAt(session.times, fact.occurredAt) };
        ctx.work.putSession(recordAttendance(ctx, row, closed));
        outcome.records += ctx.work.records.length - before;
      }
      return;
    }
    case 'noted':
      outcome.notes = [...(outcome.notes ?? []), fact.reason];
      return;
    case 'event-details':
      return; // for the HubSpot event the relay creates (processing/note-events.ts), not for attendance
    case 'event-scheduled':
      ctx.work.putSourceEvent({ sourceId, sourceEventId: fact.sourceEventId, startsAt: fact.startsAt, endsAt: fact.endsAt });
      return;
  }
}
