import type { AttendanceFact, ContactDetails } from '../../domain/facts.js';
import { normalizeEmail } from '../../domain/contact.js';
import { isDotSegment } from '../../domain/event-mappings.js';
import { RelayError } from '../../http/errors.js';
import { CONST_PREFIX, type MapConfig, type StateName } from './config.js';
import { isPresent, parseSpec, resolve, specText, type ParsedPath, type PathSpec, type Payload } from './path.js';
import { BodyKind, PeopleReader } from './body-parts.js';
import { describeFound, parseTime, propertyText, scalarText } from './values.js';

/** A webhook the mapping cannot read: names the source, the key and path, and what was found. */
export class MappingError extends RelayError {
  constructor(message: string) {
    super('BODY_INVALID', message);
    this.name = 'MappingError';
  }
}

interface CompiledRule {
  state: StateName;
  when?: ParsedPath[];
  equals?: string;
}

type Field =
  | 'email'
  | 'firstName'
  | 'lastName'
  | 'fullName'
  | 'occurredAt'
  | 'sourceEventId'
  | 'deliveryId'
  | 'joinedAt'
  | 'leftAt'
  | 'durationSeconds'
  | EventField;
/** The event itself, for a HubSpot event the relay creates (createEvents, docs/hubspot-events.md). */
type EventField = 'eventName' | 'eventStartsAt' | 'eventEndsAt' | 'eventUrl';
const FIELDS: readonly Field[] = [
  'email',
  'firstName',
  'lastName',
  'fullName',
  'occurredAt',
  'sourceEventId',
  'deliveryId',
  'joinedAt',
  'leftAt',
  'durationSeconds',
  'eventName',
  'eventStartsAt',
  'eventEndsAt',
  'eventUrl',
];

/** The HubSpot contact properties that are ContactDetails fields; any other goes to `otherProperties`. */
const CONTACT_FIELD: Record<string, Exclude<keyof ContactDetails, 'otherProperties'> | undefined> = {
  firstname: 'firstName',
  lastname: 'lastName',
  company: 'company',
  jobtitle: 'jobTitle',
  phone: 'phone',
  city: 'city',
  country: 'country',
};

/**
 * A mapping compiled once: paths parsed, states resolved. `decide` says whether a payload is one
 * the relay maps; `facts` reads it (throwing a MappingError when a needed value is missing or malformed).
 */
export class Mapper {
  private readonly eventType: ParsedPath[];
  /** `map.eventType: const:<type>`: the one event type of every webhook. */
  private readonly constantEventType: string | undefined;
  private readonly bodyKind: BodyKind | undefined;
  private readonly people: PeopleReader | undefined;
  private readonly states = new Map<string, CompiledRule[]>();
  private readonly fields: Partial<Record<Field, ParsedPath[]>> = {};
  private readonly contact: Array<[Exclude<keyof ContactDetails, 'otherProperties'> | undefined, string, ParsedPath[]]> = [];
  /** Headers `interpret` needs, so they must be stored with the body (see index.ts). */
  readonly storedHeaders: readonly string[];

  constructor(
    private readonly sourceName: string,
    map: MapConfig,
  ) {
    const constant = typeof map.eventType === 'string' && map.eventType.startsWith(CONST_PREFIX);
    this.constantEventType = constant ? (map.eventType as string).slice(CONST_PREFIX.length).trim() : undefined;
    this.eventType = constant ? [] : parseSpec(map.eventType);
    this.bodyKind = map.bodyType === undefined ? undefined : new BodyKind(map.bodyType);
    this.people = map.people && new PeopleReader(map.people);
    for (const [type, spec] of Object.entries(map.states)) {
      const rules = typeof spec === 'string' ? [{ state: spec }] : Array.isArray(spec) ? spec : [spec];
      this.states.set(
        type,
        rules.map((rule) => ({
          state: rule.state,
          when: 'when' in rule && rule.when !== undefined ? parseSpec(rule.when) : undefined,
          equals: 'equals' in rule && rule.equals !== undefined ? String(rule.equals) : undefined,
        })),
      );
    }
    for (const field of FIELDS) {
      const spec = map[field] as PathSpec | undefined;
      if (spec !== undefined) this.fields[field] = parseSpec(spec);
    }
    for (const [name, spec] of Object.entries(map.contactProperties ?? {}) as Array<[string, PathSpec | undefined]>) {
      if (spec !== undefined)
        this.contact.push([Object.hasOwn(CONTACT_FIELD, name) ? CONTACT_FIELD[name] : undefined, name, parseSpec(spec)]);
    }
    const all = [
      ...this.eventType,
      ...[...this.states.values()].flat().flatMap((rule) => rule.when ?? []),
      ...Object.entries(this.fields).flatMap(([field, paths]) => (field === 'deliveryId' ? [] : (paths ?? []))),
      ...this.contact.flatMap(([, , paths]) => paths),
    ];
    this.storedHeaders = [...new Set(all.flatMap((p) => (p.kind === 'header' ? [p.name] : [])))];
  }

  /** The event type found in the payload (text), if any. */
  eventTypeOf(payload: Payload): string | undefined {
    return this.constantEventType ?? scalarText(resolve(this.eventType, payload));
  }

  /** The state this payload maps to, or undefined (acknowledged and ignored). */
  decide(payload: Payload): StateName | undefined {
    const type = this.eventTypeOf(payload);
    const rules = type === undefined ? undefined : this.states.get(type);
    for (const rule of rules ?? []) {
      if (!rule.when) return rule.state;
      const value = resolve(rule.when, payload);
      if (!isPresent(value) || value === false) continue;
      if (rule.equals === undefined || scalarText(value) === rule.equals) return rule.state;
    }
    return undefined;
  }

  /**
   * Refuses (401) a payload whose body does not say it is what the event type claims: the body's
   * kind must equal the event type up to its first "." (Tito: `_type` registration for
   * registration.*; a check-in, which has no `_type`, by its own fields). The body's kind is the
   * value at map.bodyType, or the kind of the first of its rules the body matches.
   * The message repeats neither value: both are the sender's text.
   */
  checkBodyType(payload: Payload): void {
    if (!this.bodyKind) return;
    const claimed = this.eventTypeOf(payload)?.split('.')[0];
    const kind = this.bodyKind.of(payload);
    if (kind === undefined || kind !== claimed) {
      throw new RelayError(
        'SIGNATURE_INVALID',
        `${this.sourceName}: the event type does not agree with what the signed body says it is (${this.bodyKind.text})`,
      );
    }
  }

  /** The delivery id the mapping names, when it has one in this payload. */
  deliveryId(payload: Payload): string | undefined {
    const paths = this.fields.deliveryId;
    return paths ? scalarText(resolve(paths, payload)) : undefined;
  }

  private fail(field: string, paths: readonly ParsedPath[], problem: string, found: unknown): never {
    throw new MappingError(`${this.sourceName}: map.${field} (${specText(paths)}) ${problem}, found ${describeFound(found)}`);
  }

  /** The value at `field`'s paths, converted; undefined when absent; a MappingError saying `problem` when it will not convert. */
  private read<T>(field: Field, payload: Payload, convert: (value: unknown) => T | undefined, problem: string): T | undefined {
    const paths = this.fields[field];
    if (!paths) return undefined;
    const value = resolve(paths, payload);
    if (value === undefined) return undefined;
    const converted = convert(value);
    if (converted === undefined) this.fail(field, paths, problem, value);
    return converted;
  }

  private text(field: Field, payload: Payload): string | undefined {
    return this.read(field, payload, scalarText, 'must be text or a number');
  }

  private time(field: Field, payload: Payload): number | undefined {
    return this.read(field, payload, parseTime, 'must be an ISO-8601 time or epoch seconds/milliseconds');
  }

  private required<T>(field: Field, value: T | undefined, payload: Payload): T {
    if (value !== undefined) return value;
    const paths = this.fields[field] ?? [];
    if (paths.length === 0) throw new MappingError(`${this.sourceName}: map.${field} is needed for this event but not configured`);
    return this.fail(field, paths, 'has no value', rawAt(paths, payload));
  }

  private contactOf(payload: Payload): ContactDetails {
    const email = this.text('email', payload);
    const contact: ContactDetails = {
      // NFC so that one address typed with combining accents and one without are one contact.
      email: email?.normalize('NFC'),
      firstName: this.text('firstName', payload),
      lastName: this.text('lastName', payload),
      fullName: this.text('fullName', payload),
    };
    for (const [field, name, paths] of this.contact) {
      const value = propertyText(resolve(paths, payload));
      if (value === undefined) continue;
      if (!field) contact.otherProperties = { ...contact.otherProperties, [name]: value };
      else if (contact[field] === undefined) contact[field] = value;
    }
    return contact;
  }

  /** The facts in a payload whose state is `state` (see decide). Throws a MappingError when it cannot be read. */
  facts(payload: Payload, state: StateName): AttendanceFact[] {
    const own = this.contactOf(payload);
    const people = this.people?.of(payload, own) ?? [own];
    const sourceEventId = this.required('sourceEventId', this.text('sourceEventId', payload), payload);
    if (isDotSegment(sourceEventId))
      this.fail('sourceEventId', this.fields.sourceEventId ?? [], 'must not be "." or ".." (URLs drop such segments)', sourceEventId);
    // An email that is missing or implausible is not a mapping error: the fact is kept and the
    // attendance domain counts and logs it as skipped (nothing is sent to HubSpot).
    const personOf = (contact: ContactDetails) => normalizeEmail(contact.email) ?? contact.email ?? '';
    const event = this.eventDetails(sourceEventId, payload);
    return event
      ? [event, ...this.attendanceFacts(payload, state, sourceEventId, people, personOf)]
      : this.attendanceFacts(payload, state, sourceEventId, people, personOf);
  }

  /** The event's name, times and link where the map names them (they feed createEvents only). */
  private eventDetails(sourceEventId: string, payload: Payload): AttendanceFact | undefined {
    const iso = (field: EventField) => {
      const at = this.time(field, payload);
      return at === undefined ? undefined : new Date(at).toISOString();
    };
    const details = {
      name: this.text('eventName', payload),
      startsAt: iso('eventStartsAt'),
      endsAt: iso('eventEndsAt'),
      url: this.text('eventUrl', payload),
    };
    const known = Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined && value !== ''));
    return Object.keys(known).length > 0 ? { kind: 'event-details', sourceEventId, details: known } : undefined;
  }

  private attendanceFacts(
    payload: Payload,
    state: StateName,
    sourceEventId: string,
    people: ContactDetails[],
    personOf: (contact: ContactDetails) => string,
  ): AttendanceFact[] {
    if (state === 'attend') {
      const occurredAt = this.time('occurredAt', payload);
      const joinedAt = this.time('joinedAt', payload) ?? occurredAt;
      if (joinedAt === undefined) {
        const paths = [...(this.fields.joinedAt ?? []), ...(this.fields.occurredAt ?? [])];
        if (paths.length === 0)
          throw new MappingError(`${this.sourceName}: map.joinedAt or map.occurredAt is needed for attend but neither is configured`);
        this.fail('joinedAt', paths, 'has no value (nor has map.occurredAt)', rawAt(paths, payload));
      }
      let leftAt = this.time('leftAt', payload);
      if (leftAt === undefined) {
        const paths = this.fields.durationSeconds;
        const duration = paths ? resolve(paths, payload) : undefined;
        if (paths && duration !== undefined) {
          const seconds = Number(scalarText(duration));
          if (!Number.isFinite(seconds) || seconds < 0) this.fail('durationSeconds', paths, 'must be a number of seconds', duration);
          if (seconds > 0) leftAt = joinedAt + seconds * 1000;
        }
      }
      return people.map((contact) => ({
        kind: 'attended',
        sourceEventId,
        occurredAt: joinedAt,
        joinedAt,
        leftAt,
        contact,
        onceKey: `attend:${sourceEventId}:${personOf(contact)}:${joinedAt}`,
      }));
    }
    const occurredAt = this.required('occurredAt', this.time('occurredAt', payload), payload);
    const kind = state === 'register' ? 'registered' : 'cancelled';
    // Repeats (the same notice again, or two notices of one state) are one register per person:
    // the attendance domain decides (src/domain/registrations.ts).
    return people.map((contact) => ({ kind, sourceEventId, occurredAt, contact }));
  }
}

/** What is at the first of `paths`, unfiltered (for messages: null, "", or nothing). */
function rawAt(paths: readonly ParsedPath[], payload: Payload): unknown {
  for (const path of paths) {
    if (path.kind === 'header') {
      const value = payload.headers[path.name];
      if (value !== undefined) return value;
      continue;
    }
    let node: unknown = payload.body;
    for (const step of path.steps) {
      if (node === null || typeof node !== 'object') return undefined;
      if (step.kind === 'key' || step.kind === 'index') {
        const key = step.kind === 'key' ? step.key : String(step.index);
        node = Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
      } else {
        return undefined;
      }
    }
    if (node !== undefined) return node;
  }
  return undefined;
}
