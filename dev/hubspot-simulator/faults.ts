import type { Fault, FaultMatch, GateFault, InputErrorFault, LatencyFault } from './types.js';

/** What a fault's `match` is compared against. */
export interface FaultSubject {
  state: string;
  eventKey: string;
  /** Lower-cased emails of the request's inputs. */
  emails: ReadonlySet<string>;
}

interface QueuedFault {
  fault: Fault;
  /** Requests left to hit; Infinity for probability faults, which stay until cleared. */
  remaining: number;
}

/**
 * Queued faults, consumed in the order they were injected. A request gets at most one
 * latency fault and one gate fault; input-error faults are picked separately, once the
 * batch is known to be processed, so they are not used up by requests that never get there.
 */
export class FaultQueue {
  private queued: QueuedFault[] = [];

  /** `random` decides probability faults; tests pass a seeded one to repeat a run. */
  constructor(private readonly random: () => number = Math.random) {}

  add(fault: Fault): void {
    const remaining = fault.probability === undefined ? (fault.count ?? 1) : Number.POSITIVE_INFINITY;
    this.queued.push({ fault: structuredClone(fault), remaining });
  }

  clear(): void {
    this.queued = [];
  }

  pickGate(subject: FaultSubject): { latency?: LatencyFault; gate?: GateFault } {
    let latency: LatencyFault | undefined;
    let gate: GateFault | undefined;
    for (const entry of this.queued) {
      const fault = entry.fault;
      if (fault.kind === 'input-error') continue;
      if (fault.kind === 'latency') {
        if (latency === undefined && this.fires(entry, subject)) latency = fault;
      } else if (gate === undefined && this.fires(entry, subject)) {
        gate = fault;
      }
    }
    this.dropSpent();
    return { latency, gate };
  }

  pickInputErrors(subject: FaultSubject): InputErrorFault[] {
    const picked: InputErrorFault[] = [];
    for (const entry of this.queued) {
      const fault = entry.fault;
      if (fault.kind === 'input-error' && this.fires(entry, subject)) picked.push(fault);
    }
    this.dropSpent();
    return picked;
  }

  private fires(entry: QueuedFault, subject: FaultSubject): boolean {
    if (entry.remaining <= 0 || !matches(entry.fault.match, subject)) return false;
    const { probability } = entry.fault;
    if (probability !== undefined && this.random() >= probability) return false;
    entry.remaining -= 1;
    return true;
  }

  private dropSpent(): void {
    this.queued = this.queued.filter((entry) => entry.remaining > 0);
  }
}

export function matches(match: FaultMatch | undefined, subject: FaultSubject): boolean {
  if (match === undefined) return true;
  if (match.state !== undefined && match.state !== subject.state) return false;
  if (match.eventKey !== undefined && match.eventKey !== subject.eventKey) return false;
  if (match.email !== undefined && !subject.emails.has(match.email.toLowerCase())) return false;
  return true;
}

/** Does an input-error fault target this input? Without `match.email` it targets every input. */
export function targetsEmail(fault: InputErrorFault, email: string): boolean {
  return fault.match?.email === undefined || fault.match.email.toLowerCase() === email.toLowerCase();
}
