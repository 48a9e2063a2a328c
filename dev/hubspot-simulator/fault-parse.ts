import type { Fault } from './types.js';

/**
 * Checks a fault that arrived as JSON (control route) or from a test, so that a typo in a
 * test fails loudly instead of silently injecting nothing.
 */
export function parseFault(value: unknown): { fault: Fault } | { error: string } {
  if (!isRecord(value)) return { error: 'a fault must be a JSON object' };
  const problem = commonProblem(value) ?? kindProblem(value);
  return problem === undefined ? { fault: value as unknown as Fault } : { error: problem };
}

function commonProblem(value: Record<string, unknown>): string | undefined {
  const { count, probability, match } = value;
  if (count !== undefined && !(Number.isInteger(count) && (count as number) >= 1)) {
    return '`count` must be an integer >= 1';
  }
  if (probability !== undefined && !(isNumber(probability) && probability >= 0 && probability <= 1)) {
    return '`probability` must be a number between 0 and 1';
  }
  if (match === undefined) return undefined;
  if (!isRecord(match)) return '`match` must be an object';
  for (const key of ['state', 'eventKey', 'email']) {
    if (match[key] !== undefined && typeof match[key] !== 'string') return `\`match.${key}\` must be a string`;
  }
  return undefined;
}

function kindProblem(value: Record<string, unknown>): string | undefined {
  switch (value.kind) {
    case 'status':
      if (!(Number.isInteger(value.status) && (value.status as number) >= 100 && (value.status as number) <= 599)) {
        return '`status` must be an HTTP status code';
      }
      return retryAfterProblem(value.retryAfterSeconds);
    case 'rate-limit':
      if (value.policy !== 'TEN_SECONDLY_ROLLING' && value.policy !== 'DAILY') {
        return '`policy` must be TEN_SECONDLY_ROLLING or DAILY';
      }
      return retryAfterProblem(value.retryAfterSeconds);
    case 'latency':
      return isNumber(value.ms) && value.ms >= 0 ? undefined : '`ms` must be a number >= 0';
    case 'drop':
    case 'reset-mid-response':
    case 'reject-batch':
      return undefined;
    case 'input-error':
      if (typeof value.category !== 'string') return '`category` must be a string';
      if (value.subCategory !== undefined && typeof value.subCategory !== 'string') {
        return '`subCategory` must be a string';
      }
      return value.message !== undefined && typeof value.message !== 'string' ? '`message` must be a string' : undefined;
    default:
      return `unknown fault kind ${JSON.stringify(value.kind)}`;
  }
}

function retryAfterProblem(seconds: unknown): string | undefined {
  return seconds === undefined || (isNumber(seconds) && seconds >= 0) ? undefined : '`retryAfterSeconds` must be >= 0';
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
