import type { RelayConfig } from '../../config/schema.js';

/** ✔ ok, ✗ fail (exit 1), ! warn; `skip` lines say why a check could not run and count as warnings. */
export type CheckStatus = 'ok' | 'fail' | 'warn';

export interface CheckResult {
  status: CheckStatus;
  /** Which group the line belongs to: config, hubspot, events, store, sources, warnings. */
  group: string;
  message: string;
  /** For a failure: the fix, in one sentence. */
  fix?: string;
}

/** What the HubSpot token check learned, for the checks after it. */
export interface HubspotFacts {
  /** The bearer token in use (a static token, or one just obtained by refreshing OAuth). */
  token?: string;
  scopes?: string[];
  portalId?: number;
  /** X-HubSpot-RateLimit-Max and its interval, from the first HubSpot answer that carried them. */
  rateLimit?: { max: number; intervalMs?: number };
}

export interface DoctorContext {
  config: RelayConfig;
  env: NodeJS.ProcessEnv;
  hubspot: HubspotFacts;
  /** Each HTTP call doctor makes ends within this. */
  timeoutMs: number;
}

/** One group of checks; later groups read what earlier ones put in `context.hubspot`. */
export type CheckGroup = (context: DoctorContext) => Promise<CheckResult[]>;

export const ok = (group: string, message: string): CheckResult => ({ status: 'ok', group, message });
export const warn = (group: string, message: string, fix?: string): CheckResult => ({ status: 'warn', group, message, fix });
export const fail = (group: string, message: string, fix: string): CheckResult => ({ status: 'fail', group, message, fix });
