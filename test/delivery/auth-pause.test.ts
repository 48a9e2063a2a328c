import { describe, expect, it } from 'vitest';
import { AuthPause } from '../../src/delivery/auth-pause.js';

const refused = { kind: 'auth' as const, status: 401, category: 'INVALID_AUTHENTICATION', message: 'expired', scopes: [] };

describe('the auth pause', () => {
  it('when the batch probing a refused token goes out unsent (its lease was lost), then another batch may probe', () => {
    const pause = new AuthPause(1000);
    pause.observe(refused, 0);
    expect(pause.mayClaim(1000)).toBe(true);
    pause.claimed();
    expect(pause.mayClaim(1000)).toBe(false);
    pause.unsent();
    expect(pause.mayClaim(1000)).toBe(true);
  });
});

const INTERVAL = 60_000;
const T0 = Date.parse('2026-05-01T12:00:00Z');
const missingScope = {
  kind: 'auth' as const,
  status: 403,
  category: 'MISSING_SCOPES',
  message: 'lacks scopes',
  scopes: ['crm.objects.marketing_events.write'],
};

/** A pause that began at T0 with a 401. */
function paused(): AuthPause {
  const pause = new AuthPause(INTERVAL);
  pause.observe(refused, T0);
  return pause;
}

describe('the auth pause, answer by answer', () => {
  it('when nothing was refused then every batch may go and no probe is due', () => {
    const pause = new AuthPause(INTERVAL);
    pause.claimed();
    expect(pause.mayClaim(T0)).toBe(true);
    expect(pause.wakeAt()).toBeUndefined();
    expect(pause.current).toBeUndefined();
  });

  it('when HubSpot refuses the token then delivery pauses until the probe interval has passed, and the failure says why', () => {
    const pause = new AuthPause(INTERVAL);
    expect(pause.observe(missingScope, T0)).toBe('paused');
    expect(pause.mayClaim(T0 + INTERVAL - 1)).toBe(false);
    expect(pause.mayClaim(T0 + INTERVAL)).toBe(true);
    expect(pause.wakeAt()).toBe(T0 + INTERVAL);
    expect(pause.current).toEqual({
      status: 403,
      category: 'MISSING_SCOPES',
      message: 'lacks scopes',
      scopes: ['crm.objects.marketing_events.write'],
      since: '2026-05-01T12:00:00.000Z',
      nextProbeAt: '2026-05-01T12:01:00.000Z',
    });
  });

  it('when the interval has passed then exactly one batch probes at a time', () => {
    const pause = paused();
    pause.claimed();
    expect(pause.mayClaim(T0 + INTERVAL)).toBe(false);
  });

  it.each([
    [
      'refused again',
      missingScope,
      undefined,
      true,
      { status: 403, since: '2026-05-01T12:00:00.000Z', nextProbeAt: '2026-05-01T12:02:00.000Z' },
    ],
    [
      'answered 503 (nothing learned about the token)',
      { kind: 'transient' as const, status: 503, message: 'down' },
      undefined,
      true,
      { status: 401, nextProbeAt: '2026-05-01T12:02:00.000Z' },
    ],
    [
      'answered 429 (nothing learned about the token)',
      { kind: 'rate-limited' as const, status: 429 as const, policy: 'DAILY', message: 'x' },
      undefined,
      true,
      { status: 401, nextProbeAt: '2026-05-01T12:02:00.000Z' },
    ],
    ['accepted', { kind: 'ok' as const, status: 200, body: {} }, 'resumed', false, undefined],
    ['refused as invalid (the token works again)', { kind: 'rejected' as const, status: 400, message: 'bad' }, 'resumed', false, undefined],
    ['answered 404 (the token works again)', { kind: 'failed' as const, status: 404, message: 'no event' }, 'resumed', false, undefined],
  ])(
    'when the probe is %s then the change reported is %s and delivery still paused is %s',
    (_what, answer, change, stillPaused, failure) => {
      const pause = paused();
      const probeAt = T0 + INTERVAL;
      pause.claimed();
      expect(pause.observe(answer, probeAt)).toBe(change);
      expect(pause.mayClaim(probeAt)).toBe(!stillPaused);
      expect(pause.mayClaim(probeAt + INTERVAL)).toBe(true);
      if (failure) expect(pause.current).toMatchObject(failure);
      else expect(pause.current).toBeUndefined();
    },
  );

  it('when another replica saw the refusal then this one pauses until the probe time it was told', () => {
    const pause = new AuthPause(INTERVAL);
    pause.adopt({ ...paused().current!, nextProbeAt: 'elsewhere' }, 5000, T0);
    expect(pause.mayClaim(T0 + 4999)).toBe(false);
    expect(pause.mayClaim(T0 + 5000)).toBe(true);
    pause.clear();
    expect(pause.current).toBeUndefined();
    expect(pause.mayClaim(T0)).toBe(true);
  });
});
