import { describe, expect, it } from 'vitest';
import { parsePath, parseSpec, pathProblem, resolve, type Payload } from '../../../src/sources/generic/path.js';

const payload = (body: unknown, headers: Record<string, string> = {}): Payload => ({ body, headers });
const at = (spec: string | string[], body: unknown, headers: Record<string, string> = {}) =>
  resolve(parseSpec(spec), payload(body, headers));

describe('path syntax', () => {
  it('when a path uses keys, indexes, [*], [key=value] and header:, then it parses into steps', () => {
    expect(parsePath('a.b[0].c')).toEqual({
      kind: 'body',
      text: 'a.b[0].c',
      steps: [
        { kind: 'key', key: 'a' },
        { kind: 'key', key: 'b' },
        { kind: 'index', index: 0 },
        { kind: 'key', key: 'c' },
      ],
    });
    expect(parsePath('[1].x[*].y[id=email].value').kind).toBe('body');
    expect(parsePath('header:X-Webhook-Name')).toEqual({ kind: 'header', name: 'x-webhook-name', text: 'header:X-Webhook-Name' });
  });

  it.each([
    ['', 'cannot be empty'],
    ['a..b', 'a "." must follow'],
    ['.a', 'a "." must follow'],
    ['a.', 'cannot end with "."'],
    ['a[', 'unexpected "["'],
    ['a[x]', 'must be an index'],
    ['a[0]b', 'a key must follow a "."'],
    ['header:', 'not a header path'],
    ['header:bad name', 'not a header path'],
  ])('when the path is %j, then it is refused saying why', (text, why) => {
    expect(pathProblem(text)).toContain(why);
  });
});

describe('reading a value at a path', () => {
  const body = {
    data: {
      email: 'ada@example.com',
      blank: '  ',
      none: null,
      tickets: [{ checked_in_at: null }, { checked_in_at: '2026-11-20T15:00:00Z' }],
      fields: [
        { id: 'first_name', value: 'Ada' },
        { id: 'email', value: 'ada@fields.example.com' },
      ],
      count: 0,
      flag: false,
    },
    list: ['zero', 'one'],
  };

  it('when keys and indexes lead to a value, then it is returned as it is', () => {
    expect(at('data.email', body)).toBe('ada@example.com');
    expect(at('list[1]', body)).toBe('one');
    expect(at('list.0', body)).toBe('zero');
    expect(at('data.count', body)).toBe(0);
    expect(at('data.flag', body)).toBe(false);
  });

  it('when a step is missing, null or a blank string, then there is no value', () => {
    expect(at('data.missing', body)).toBeUndefined();
    expect(at('data.email.deeper', body)).toBeUndefined();
    expect(at('data.none', body)).toBeUndefined();
    expect(at('data.blank', body)).toBeUndefined();
    expect(at('list[5]', body)).toBeUndefined();
    expect(at('data[0]', body)).toBeUndefined();
  });

  it('when a path uses [*], then the first element with a value wins', () => {
    expect(at('data.tickets[*].checked_in_at', body)).toBe('2026-11-20T15:00:00Z');
    expect(at('data.email[*]', body)).toBeUndefined();
  });

  it('when a path uses [key=value], then the first matching element is read', () => {
    expect(at('data.fields[id=email].value', body)).toBe('ada@fields.example.com');
    expect(at('data.fields[id=phone].value', body)).toBeUndefined();
  });

  it('when alternatives are given, then the first with a value wins', () => {
    expect(at(['data.missing', 'data.none', 'data.email'], body)).toBe('ada@example.com');
    expect(at(['data.missing', 'data.none'], body)).toBeUndefined();
  });

  it('when a path names a header, then the request header is read (names are case-insensitive)', () => {
    expect(at('header:X-Webhook-Name', body, { 'x-webhook-name': ' checkin.created ' })).toBe('checkin.created');
    expect(at(['header:x-missing', 'data.email'], body, {})).toBe('ada@example.com');
  });

  it('when a path names Object.prototype members, then nothing is found', () => {
    expect(at('data.constructor', body)).toBeUndefined();
    expect(at('__proto__', body)).toBeUndefined();
    expect(at('data.toString', body)).toBeUndefined();
  });

  it('when the body is an array, then a leading index reads it', () => {
    expect(at('[1].id', [{ id: 'a' }, { id: 'b' }])).toBe('b');
  });
});
