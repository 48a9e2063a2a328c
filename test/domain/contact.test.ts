import { describe, expect, it } from 'vitest';
import { contactProperties, mergeContacts, normalizeEmail, splitFullName } from '../../src/domain/contact.js';
import type { ContactDetails } from '../../src/domain/facts.js';

describe('contact emails', () => {
  it('when an email has spaces and capitals, then it is trimmed and lower-cased', () => {
    expect(normalizeEmail('  Ada.Lovelace@Example.COM \n')).toBe('ada.lovelace@example.com');
  });

  it.each([['not-an-email'], [''], ['   '], ['ada@'], ['@example.com'], ['ada lovelace@example.com'], [null], [undefined], [42]])(
    'when the email is %j, then there is no address',
    (raw) => {
      expect(normalizeEmail(raw)).toBeUndefined();
    },
  );
});

describe('contact names', () => {
  it('when a full name has three words, then the first is the first name and the rest the last name', () => {
    expect(splitFullName('Ada King Lovelace')).toEqual({ firstName: 'Ada', lastName: 'King Lovelace' });
  });

  it('when a full name is one word, then it is the first name only', () => {
    expect(splitFullName('  Cher ')).toEqual({ firstName: 'Cher' });
  });

  it('when there is no full name, then there are no names', () => {
    expect(splitFullName(undefined)).toEqual({});
    expect(splitFullName('   ')).toEqual({});
  });
});

describe('HubSpot contact properties', () => {
  it('when a registrant has every detail, then each becomes its HubSpot property', () => {
    const contact: ContactDetails = {
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: 'Analytical Engines Ltd',
      jobTitle: 'Programmer',
      phone: '+44 20 7946 0000',
      city: 'London',
      country: 'GB',
    };
    expect(contactProperties(contact)).toEqual({
      firstname: 'Ada',
      lastname: 'Lovelace',
      company: 'Analytical Engines Ltd',
      jobtitle: 'Programmer',
      phone: '+44 20 7946 0000',
      city: 'London',
      country: 'GB',
    });
  });

  it('when only a user name is known, then it is split into firstname and lastname', () => {
    expect(contactProperties({ email: 'g@example.com', fullName: 'Grace Brewster Hopper' })).toEqual({
      firstname: 'Grace',
      lastname: 'Brewster Hopper',
    });
  });

  it('when first and last names are known, then they win over the user name', () => {
    expect(contactProperties({ firstName: 'Ada', lastName: 'Lovelace', fullName: 'ada-laptop' })).toEqual({
      firstname: 'Ada',
      lastname: 'Lovelace',
    });
  });

  it('when details are empty, blank or null, then they are left out', () => {
    const contact = { firstName: 'Ada', lastName: '  ', company: '', jobTitle: null, phone: undefined } as unknown as ContactDetails;
    expect(contactProperties(contact)).toEqual({ firstname: 'Ada' });
  });

  it('when a detail is not a string (e.g. a numeric phone), then it is sent as a string', () => {
    const properties = contactProperties({ firstName: 'Ada', phone: 4420794600 as unknown as string });
    expect(properties.phone).toBe('4420794600');
    for (const value of Object.values(properties)) expect(typeof value).toBe('string');
  });

  it('when other HubSpot properties are known, then they are sent too, empty ones left out, and the named fields win', () => {
    const contact = { firstName: 'Ada', otherProperties: { ticket_type: ' VIP ', hs_language: '', firstname: 'Augusta' } };
    expect(contactProperties(contact)).toEqual({ firstname: 'Ada', ticket_type: 'VIP' });
  });

  it('when values have surrounding spaces, then they are trimmed', () => {
    expect(contactProperties({ firstName: ' Ada ', city: ' London ' })).toEqual({ firstname: 'Ada', city: 'London' });
  });
});

describe('merging a participant with their registration', () => {
  it('when the participant lacks details, then the registration fills them', () => {
    const merged = mergeContacts({ fullName: 'Ada L' }, { email: 'ada@example.com', firstName: 'Ada', company: 'AEL' });
    expect(merged).toMatchObject({ email: 'ada@example.com', firstName: 'Ada', company: 'AEL', fullName: 'Ada L' });
  });

  it("when both have a value, then the participant's own value wins", () => {
    expect(mergeContacts({ email: 'new@example.com' }, { email: 'old@example.com' }).email).toBe('new@example.com');
  });

  it("when the participant's value is blank, then it does not erase the registration's", () => {
    expect(mergeContacts({ email: '' }, { email: 'ada@example.com' }).email).toBe('ada@example.com');
  });

  it('when both carry other HubSpot properties, then they are merged key by key and blank ones do not erase', () => {
    const merged = mergeContacts(
      { otherProperties: { ticket_type: 'VIP', hs_language: ' ' } },
      { email: 'ada@example.com', otherProperties: { hs_language: 'en', ticket_type: 'Standard' } },
    );
    expect(merged).toEqual({ email: 'ada@example.com', otherProperties: { hs_language: 'en', ticket_type: 'VIP' } });
  });

  it('when there is no registration, then the participant is kept as is', () => {
    const participant = { email: 'ada@example.com', fullName: 'Ada' };
    expect(mergeContacts(participant, undefined)).toEqual(participant);
  });
});
