/** Which language a customer's page speaks: the browser's Accept-Language first, then the unit's market, then English. */
import { chooseLocale } from '../../../src/http/pages/i18n/locales';

describe('Accept-Language names one of ours', () => {
  test.each([
    ['nb', 'nb'],
    ['nb-NO', 'nb'],
    ['no', 'nb'],
    ['nn-NO', 'nb'],
    ['da-DK', 'da'],
    ['da', 'da'],
    ['fi-FI', 'fi'],
    ['FI', 'fi'],
    ['en', 'en'],
    ['en-GB', 'en'],
    ['en_US', 'en'],
  ] as const)('%s → %s, whatever the market', (header, locale) => {
    expect(chooseLocale(header)).toBe(locale);
    expect(chooseLocale(header, locale === 'fi' ? 'da' : 'fi')).toBe(locale);
  });

  test('it beats the market language', () => {
    expect(chooseLocale('en-US,en;q=0.9', 'da')).toBe('en');
    expect(chooseLocale('nb', 'da')).toBe('nb');
  });
});

describe('q-values', () => {
  test('the highest weight wins, whatever the order', () => {
    expect(chooseLocale('en;q=0.5, da;q=0.8, fi;q=0.7')).toBe('da');
    expect(chooseLocale('fi;q=0.3,nb')).toBe('nb');
    expect(chooseLocale('da;q=1.000, en;q=0.999')).toBe('da');
  });

  test('equal weights keep the browser’s order', () => {
    expect(chooseLocale('fi;q=0.8, da;q=0.8')).toBe('fi');
    expect(chooseLocale('da, fi')).toBe('da');
  });

  test('languages we do not speak are skipped, however much they are wanted', () => {
    expect(chooseLocale('de-DE, sv;q=0.9, da;q=0.1')).toBe('da');
    expect(chooseLocale('sv-SE,sv;q=0.9,en-US;q=0.8,en;q=0.7', 'fi')).toBe('en');
  });

  test('q=0 refuses a language, also as the market’s fallback', () => {
    expect(chooseLocale('da;q=0, en;q=0.1', 'da')).toBe('en');
    expect(chooseLocale('da;q=0', 'da')).toBe('en');
    expect(chooseLocale('de, da;q=0', 'da')).toBe('en');
    expect(chooseLocale('en;q=0', 'fi')).toBe('fi');
  });

  test('a malformed weight drops its range, not the header', () => {
    expect(chooseLocale('da;q=2, fi;q=0.5')).toBe('fi');
    expect(chooseLocale('da;q=abc, fi;q=0.5')).toBe('fi');
    expect(chooseLocale('da;q=0.12345, en;q=0.1')).toBe('en');
    expect(chooseLocale('da ; q = 0.9 , fi;q=0.5')).toBe('da');
    expect(chooseLocale('da;level=1, fi;q=0.5')).toBe('da');
  });
});

describe('nothing usable: the market language, else English', () => {
  test.each([
    ['no header', undefined],
    ['an empty one', ''],
    ['a wildcard', '*'],
    ['other languages', 'de-DE,de;q=0.9'],
    ['punctuation', ',,;;'],
    ['a weight without a tag', ';q=1'],
    ['5000 characters of nothing', 'x'.repeat(5_000)],
  ])('%s', (_what, header) => {
    expect(chooseLocale(header, 'da')).toBe('da');
    expect(chooseLocale(header, 'nb')).toBe('nb');
    expect(chooseLocale(header)).toBe('en');
  });

  test('several headers are read as one list', () => {
    expect(chooseLocale(['de', 'fi;q=0.5'])).toBe('fi');
  });

  test('only the start of a long header is read', () => {
    expect(chooseLocale(`${'de;q=0.9,'.repeat(200)}da`, 'fi')).toBe('fi');
  });
});
