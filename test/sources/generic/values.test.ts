import { describe, expect, it } from 'vitest';
import { describeFound, parseTime, propertyText } from '../../../src/sources/generic/values.js';

const T = Date.parse('2026-11-20T15:00:00Z');

describe('reading times', () => {
  it.each([
    ['2026-11-20T15:00:00Z', T],
    ['2026-11-20T15:00:00.000Z', T],
    ['2026-11-20T17:00:00+02:00', T],
    ['2026-11-20T17:00:00+0200', T],
    ['2026-11-20t15:00:00z', T],
    ['2026-11-20T15:00:00', T], // no zone: UTC, whatever the server's zone
    ['2026-11-20 15:00:00', T],
    ['2026-11-20', Date.parse('2026-11-20T00:00:00Z')],
    [T / 1000, T], // epoch seconds
    [T, T], // epoch milliseconds
    [String(T / 1000), T], // numbers as strings
    [` ${T} `, T],
    [T / 1000 + 0.5, T + 500],
    // Tito's documented form (teamtito/api-docs data/3.1/registrations/webhook_payload.json: "2022-03-26 07:36:07 UTC")
    ['2026-11-20 15:00:00 UTC', T],
    ['2026-11-20 15:00:00 utc', T],
    ['2026-11-20 15:00:00 GMT', T],
    // A numeric offset after a space (Ruby's Time#to_s form), any ±HHMM
    ['2026-11-20 15:00:00 +0000', T],
    ['2026-11-20 17:30:00 +0230', T],
    ['2026-11-20 10:00:00 -0500', T],
    ['2026-11-20T17:00:00+02', T],
    ['2026-11-20T15:00:00.250', T + 250], // no zone, fractional: UTC
    ['2026-11-20T15:00', T],
    [1e11 - 1, (1e11 - 1) * 1000], // the largest value read as seconds (year 5138)
    [1e11, 1e11], // the smallest read as milliseconds (1973-03-03)
  ])('when the value is %j, then it is %d', (value, expected) => {
    expect(parseTime(value)).toBe(expected);
  });

  it.each([
    ['yesterday'],
    ['20/11/2026'],
    ['2026-11-20 15:00:00 CET'],
    ['2026-11-20 15:00:00 +00000'],
    ['2026-11-20 15:00:00 UTC+1'],
    ['Fri, 20 Nov 2026 15:00:00 GMT'],
    [''],
    [null],
    [true],
    [{}],
    [-5],
    [0],
    ['2026-13-45T99:00:00Z'],
    [1e20],
  ])('when the value is %j, then it is not a time', (value) => {
    expect(parseTime(value)).toBeUndefined();
  });
});

describe('values as HubSpot property text', () => {
  it('when values are numbers, booleans, lists or objects, then they become strings', () => {
    expect(propertyText(5551234)).toBe('5551234');
    expect(propertyText(true)).toBe('true');
    expect(propertyText(['a', 2, null])).toBe('a, 2');
    expect(propertyText({ a: 1 })).toBe('{"a":1}');
    expect(propertyText('  Acme  ')).toBe('Acme');
    expect(propertyText('')).toBeUndefined();
    expect(propertyText(null)).toBeUndefined();
  });

  it('when a found value is shown in a message, then emails are masked and long values cut', () => {
    expect(describeFound('ada.lovelace@example.com')).toBe('"a***@example.com"');
    expect(describeFound(undefined)).toBe('nothing');
    expect(describeFound('x'.repeat(200))).toHaveLength(80);
  });
});
