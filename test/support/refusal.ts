import { expect } from 'vitest';
import { RelayError } from '../../src/http/errors.js';

/** The RelayError `fn` throws; fails the test when it throws nothing or something else. */
export function refusal(fn: () => unknown): RelayError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RelayError);
    return error as RelayError;
  }
  throw new Error('expected a refusal (RelayError), but the call succeeded');
}
