import { REDACTED, redact } from './redaction.js';

describe('redaction of stored samples', () => {
  it('replaces secrets and personal fields at any depth, whatever their case or separators', () => {
    expect(
      redact({
        id: 'u-1',
        Authorization: 'Bearer x',
        customer: { email: 'a@b.c', phone_number: '+33', fullName: 'Ann', passwordHash: 'h', 'api-key': 'k' },
        items: [{ sku: 'A', accessToken: 't', name: 'Mug' }],
        refreshToken: 'r',
      }),
    ).toEqual({
      id: 'u-1',
      Authorization: REDACTED,
      customer: { email: REDACTED, phone_number: REDACTED, fullName: REDACTED, passwordHash: REDACTED, 'api-key': REDACTED },
      items: [{ sku: 'A', accessToken: REDACTED, name: 'Mug' }],
      refreshToken: REDACTED,
    });
  });

  it.each([
    'customerEmail',
    'emails',
    'shippingAddress',
    'billing_address',
    'IPAddress',
    'client-ip',
    'postalCode',
    'post.code',
    'zipCode',
    'phoneNumber',
    'mobilePhone',
    'ssn',
    'nationalId',
    'national_id_number',
    'dateOfBirth',
    'birth-date',
    'iban',
    'payerIBAN',
    'cardNumber',
    'credit_card_number',
    'cardPan',
    'customer.firstName',
    'LAST_NAME',
    'recipientName',
    'displayName',
  ])('replaces the personal field %s, a personal word being one part of its name', (key) => {
    expect(redact({ [key]: 'personal', sku: 'A' })).toEqual({ [key]: REDACTED, sku: 'A' });
  });

  it.each(['name', 'productName', 'categoryName', 'zipper', 'company', 'recipient', 'panel', 'shipping', 'skipped'])(
    'keeps %s, which names no person and only contains a personal word in passing',
    (key) => {
      expect(redact({ [key]: 'kept' })).toEqual({ [key]: 'kept' });
    },
  );

  it('replaces the value of a name/value pair whose name is a secret or personal word', () => {
    expect(
      redact({
        headers: [
          { name: 'Authorization', value: 'Bearer x' },
          { name: 'accept', value: 'application/json' },
        ],
        attributes: [
          { key: 'email', value: 'x@y.z' },
          { key: 'shipping_address', value: { street: '1 Main St' } },
          { key: 'colour', value: 'red' },
        ],
        fields: [{ name: 'email', value: 'x@y.z' }],
      }),
    ).toEqual({
      headers: [
        { name: 'Authorization', value: REDACTED },
        { name: 'accept', value: 'application/json' },
      ],
      attributes: [
        { key: 'email', value: REDACTED },
        { key: 'shipping_address', value: REDACTED },
        { key: 'colour', value: 'red' },
      ],
      fields: [{ name: 'email', value: REDACTED }],
    });
  });
});
