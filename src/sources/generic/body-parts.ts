import type { ContactDetails } from '../../domain/facts.js';
import { normalizeEmail } from '../../domain/contact.js';
import type { BodyKindRule, MapConfig, PeopleMap } from './config.js';
import { isPresent, parseSpec, resolve, specText, type ParsedPath, type Payload } from './path.js';
import { scalarText } from './values.js';

/** Two parts of a mapping read from the body as a whole: what it says it is, and whom it is about. */

interface CompiledRule {
  kind: string;
  when: ParsedPath[];
  equals?: string;
}

/**
 * What a body says it is (map.bodyType): the value at a path, or the kind of the first rule the
 * body matches (`[{ kind, when, equals }]`, for bodies that say it in different ways: Tito's
 * registrations and tickets by `_type`, its check-ins by their own fields).
 */
export class BodyKind {
  private readonly paths: ParsedPath[] | undefined;
  private readonly rules: CompiledRule[] | undefined;
  /** How the rule is shown in messages. */
  readonly text: string;

  constructor(spec: NonNullable<MapConfig['bodyType']>) {
    if (Array.isArray(spec) && spec.some((item) => typeof item !== 'string')) {
      this.rules = (spec as BodyKindRule[]).map((rule) => ({
        kind: rule.kind,
        when: parseSpec(rule.when),
        equals: rule.equals === undefined ? undefined : String(rule.equals),
      }));
      this.text = this.rules.map((r) => `${r.kind}: ${specText(r.when)}${r.equals === undefined ? '' : `=${r.equals}`}`).join('; ');
    } else {
      this.paths = parseSpec(spec as string | string[]);
      this.text = specText(this.paths);
    }
  }

  /** The kind the body says it is, or undefined when it says none. */
  of(payload: Payload): string | undefined {
    if (this.paths) return scalarText(resolve(this.paths, payload));
    for (const rule of this.rules ?? []) {
      const value = resolve(rule.when, payload);
      if (isPresent(value) && (rule.equals === undefined || scalarText(value) === rule.equals)) return rule.kind;
    }
    return undefined;
  }
}

/**
 * The people a webhook is about (map.people): each element of its list that has an email, one per
 * address, names from that element; when none has one (or there is no list), the webhook's own person.
 */
export class PeopleReader {
  private readonly list: ParsedPath[];
  private readonly email: ParsedPath[];
  private readonly names: Array<[keyof Pick<ContactDetails, 'firstName' | 'lastName' | 'fullName'>, ParsedPath[]]> = [];

  constructor(map: PeopleMap) {
    this.list = parseSpec(map.list);
    this.email = parseSpec(map.email);
    for (const field of ['firstName', 'lastName', 'fullName'] as const) {
      const spec = map[field];
      if (spec !== undefined) this.names.push([field, parseSpec(spec)]);
    }
  }

  of(payload: Payload, own: ContactDetails): ContactDetails[] {
    const list = resolve(this.list, payload);
    if (!Array.isArray(list)) return [own];
    const ownKey = normalizeEmail(own.email);
    const found = new Map<string, ContactDetails>();
    for (const element of list) {
      const item: Payload = { body: element, headers: {} };
      const email = scalarText(resolve(this.email, item))?.normalize('NFC');
      if (email === undefined) continue;
      const key = normalizeEmail(email) ?? email;
      if (found.has(key)) continue;
      const person: ContactDetails = { email };
      for (const [field, paths] of this.names) person[field] = scalarText(resolve(paths, item));
      // The webhook's own person holding a ticket too (a buyer who bought for themselves): their
      // details (company, phone, ...) are theirs; the element's names win where it has them.
      found.set(key, ownKey !== undefined && ownKey === key ? { ...own, ...definedOnly(person) } : person);
    }
    return found.size > 0 ? [...found.values()] : [own];
  }
}

function definedOnly(contact: ContactDetails): ContactDetails {
  return Object.fromEntries(Object.entries(contact).filter(([, value]) => value !== undefined)) as ContactDetails;
}
