import { EmailAddress } from './email-address.js';
import { InvalidEmailError } from './identity.errors.js';

describe('EmailAddress', () => {
  it('is normalized to lower case and trimmed, so case variants are one address', () => {
    expect(EmailAddress.of('  Ann.Smith@Shop.TEST ').value).toBe('ann.smith@shop.test');
    expect(EmailAddress.of('ANN@shop.test').equals(EmailAddress.of('ann@SHOP.test'))).toBe(true);
  });

  it('tells different addresses apart', () => {
    expect(EmailAddress.of('ann@shop.test').equals(EmailAddress.of('bob@shop.test'))).toBe(false);
  });

  it('gives the part before the last @ as its local part', () => {
    expect(EmailAddress.of('Ann.Smith@shop.test').localPart).toBe('ann.smith');
  });

  it.each(['', 'no-at-sign', '@shop.test', 'ann@', 'ann smith@shop.test', 'ann@shop test'])('rejects %j', (raw) => {
    expect(() => EmailAddress.of(raw)).toThrow(InvalidEmailError);
  });

  it('accepts 254 characters and rejects 255', () => {
    const address = (length: number) => `${'a'.repeat(length - '@shop.test'.length)}@shop.test`;
    expect(EmailAddress.of(address(254)).value).toHaveLength(254);
    expect(() => EmailAddress.of(address(255))).toThrow(InvalidEmailError);
  });
});
