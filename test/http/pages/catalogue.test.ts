/**
 * The customer's texts in nb, da, fi and en (TypeScript holds every locale to every key; these
 * check what it cannot), amounts as each locale's Intl writes them, and the return page rendered
 * in each locale for each state.
 */
import { formatAmount, formatQuantity } from '../../../src/http/pages/i18n/format';
import { LOCALES, type Locale } from '../../../src/http/pages/i18n/locales';
import type { Messages, ShownBrand } from '../../../src/http/pages/i18n/messages';
import { messagesFor, pageLanguage, shownBrand, type UnitVoice } from '../../../src/http/pages/i18n/pageLanguage';
import { renderReturnPage, type Shown } from '../../../src/http/pages/returnView';
import { intlAmount } from '../../support/intlAmount';

const intl = intlAmount;

function unit(market: UnitVoice['market'], brand: UnitVoice['brand']): UnitVoice {
  return { ...(market && { market }), brand };
}

/** Each function of a catalogue, called with sample arguments. */
const CALLS: Record<string, (m: Messages, brand: ShownBrand) => string> = {
  backTo: (m) => m.backTo('Strikkeriet'),
  unitPrice: (m) => m.unitPrice('9,00'),
  'unitPrice(kg)': (m) => m.unitPrice('9,00', 'kg'),
  'confirmed.text': (m, b) => m.confirmed.text('9,00', b),
  'shipped.text': (m, b) => m.shipped.text('9,00', b),
  'shipped.withRefund': (m, b) => m.shipped.withRefund('9,00', '1,00', '8,00', b),
  'pending.text': (m, b) => m.pending.text(b),
  'pending.openPayment': (m, b) => m.pending.openPayment(b),
  'cancelled.text': (m, b) => m.cancelled.text(b),
  'notPaid.reason': (m, b) => m.notPaid.reason('NOT_STARTED', b),
  'notPaid.reason(ABORTED)': (m, b) => m.notPaid.reason('ABORTED', b),
  'notPaid.reason(EXPIRED)': (m, b) => m.notPaid.reason('EXPIRED', b),
  'notPaid.reason(TERMINATED)': (m, b) => m.notPaid.reason('TERMINATED', b),
  'shop.quantityOf': (m) => m.shop.quantityOf('Ullsokker'),
  'shop.pay': (m, b) => m.shop.pay(b),
  'shop.orderDescription': (m) => m.shop.orderDescription('Strikkeriet'),
};

/** Every text of a catalogue by its path: strings as they are, functions through CALLS. */
function texts(m: Messages, brand: ShownBrand = 'MobilePay'): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string') out[path] = value;
    else if (typeof value === 'function') {
      const calls = Object.keys(CALLS).filter((k) => k === path || k.startsWith(`${path}(`));
      // A new function in the catalogue needs its sample call here.
      expect({ path, calls: calls.length > 0 }).toEqual({ path, calls: true });
      for (const k of calls) out[k] = CALLS[k]!(m, brand);
    } else for (const [k, v] of Object.entries(value as object)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(m, '');
  return out;
}

describe('the catalogues', () => {
  const english = texts(messagesFor('en'));

  test.each(['nb', 'da', 'fi'] as const)('%s has a text of its own for every key', (locale) => {
    const own = texts(messagesFor(locale));
    expect(Object.keys(own).sort()).toEqual(Object.keys(english).sort());
    // Words every language writes alike; everything else left in English is a missed translation.
    const alike = new Set(['shop.demo', 'unitPrice(kg)', 'unitSymbol.KG', 'unitSymbol.KM', 'unitSymbol.MINUTE', 'unitSymbol.LITRE', 'unitSymbol.KWH']);
    for (const [key, text] of Object.entries(own)) {
      expect({ key, empty: text.trim() === '' || text.includes('undefined') }).toEqual({ key, empty: false });
      if (!alike.has(key)) expect({ key, sameAsEnglish: text === english[key] }).toEqual({ key, sameAsEnglish: false });
    }
  });

  test.each(LOCALES)('%s names the brand it is given, and no other', (locale) => {
    const m = messagesFor(locale);
    for (const brand of ['Vipps', 'MobilePay'] as const) {
      const other = brand === 'Vipps' ? 'MobilePay' : 'Vipps';
      for (const text of [m.pending.text(brand), m.pending.openPayment(brand), m.notPaid.reason('ABORTED', brand), m.shop.pay(brand), m.confirmed.text('X', brand)]) {
        expect(text).toContain(brand);
        expect(text).not.toContain(other);
      }
    }
  });

  test('Finnish keeps the brand whole in compounds and bends it for "pay with"', () => {
    const fi = messagesFor('fi');
    expect(fi.pending.text('MobilePay')).toContain('MobilePay-sovelluksessa');
    expect(fi.pending.text('Vipps MobilePay')).toContain('Vipps MobilePay -sovelluksessa');
    expect(fi.notPaid.reason('NOT_STARTED', 'Vipps')).toBe('Vipps-maksun aloittaminen ei onnistunut.');
    expect(fi.shop.pay('MobilePay')).toBe('Maksa MobilePaylla');
    expect(fi.shop.pay('Vipps')).toBe('Maksa Vippsillä');
  });
});

describe('the brand and language of a unit', () => {
  test.each([
    ['NO', 'VIPPS', 'nb', 'Vipps'],
    ['DK', 'MOBILEPAY', 'da', 'MobilePay'],
    ['FI', 'MOBILEPAY', 'fi', 'MobilePay'],
  ] as const)('%s/%s speaks %s as %s', (market, brand, locale, shown) => {
    expect(pageLanguage(undefined, unit(market, brand))).toMatchObject({ locale, brand: shown });
    expect(pageLanguage('en-GB', unit(market, brand))).toMatchObject({ locale: 'en', brand: shown });
  });

  test('a unit without a market (VIPPS_* variables), or none at all, is Vipps MobilePay in English', () => {
    expect(shownBrand(unit(undefined, 'VIPPS'))).toBe('Vipps MobilePay');
    expect(pageLanguage(undefined, undefined)).toMatchObject({ locale: 'en', brand: 'Vipps MobilePay' });
    expect(pageLanguage('fi', undefined)).toMatchObject({ locale: 'fi', brand: 'Vipps MobilePay' });
  });
});

describe('amounts', () => {
  test.each([
    ['nb', 'NOK', /^1\s234,50\s?kr$|^kr\s?1\s234,50$/],
    ['da', 'DKK', /1\.234,50/],
    ['fi', 'EUR', /^1\s234,50\s€$/],
    ['en', 'NOK', /^NOK\s1,234\.50$/],
  ] as const)('%s writes %s as its Intl does, with thousands', (locale, currency, shape) => {
    expect(formatAmount(locale, 123_450, currency)).toBe(intl(locale, 123_450, currency));
    expect(formatAmount(locale, 123_450, currency)).toMatch(shape);
    expect(formatAmount(locale, 5, currency)).toBe(intl(locale, 5, currency));
    expect(formatAmount(locale, 0, currency)).toBe(intl(locale, 0, currency));
  });

  test('quantities in the locale’s digits', () => {
    expect(formatQuantity('nb', '0.822')).toBe('0,822');
    expect(formatQuantity('en', '0.822')).toBe('0.822');
    expect(formatQuantity('fi', '2')).toBe('2');
  });
});

describe('the return page in every locale', () => {
  const lines: Shown['lines'] = [
    { name: 'Socks', totalAmount: 59_800, quantity: { quantity: '2', unitPrice: 29_900 } },
    { name: 'Coffee', totalAmount: 24_660, quantity: { quantity: '0.822', unit: 'KG', unitPrice: 30_000 } },
    { name: 'Scarf', totalAmount: 44_900, quantity: { quantity: '1', unitPrice: 44_900 } },
    { name: 'Gift wrap', totalAmount: 3_000 },
  ];
  const order = (status: Shown['status'], more: Partial<Shown> = {}): Shown => ({ orderId: 'shop-1', status, total: { value: 132_360, currency: 'DKK' }, lines, ...more });
  const render = (locale: Locale, shown: Shown) =>
    renderReturnPage(shown, { lang: pageLanguage(locale, unit('DK', 'MOBILEPAY')), merchantName: 'Strikkeriet', shopUrl: 'https://shop.example/', pendingRefresh: { seconds: 4, url: '/again' } });

  test.each(LOCALES)('%s: quantities, unit prices and amounts of the locale', (locale) => {
    const lang = pageLanguage(locale, undefined);
    const { html } = render(locale, order('AWAITING_SHIPMENT'));
    expect(html).toContain(`2 × Socks`);
    expect(html).toContain(lang.t.unitPrice(intl(locale, 29_900, 'DKK')));
    expect(html).toContain(`${formatQuantity(locale, '0.822')} kg × Coffee`);
    expect(html).toContain(lang.t.unitPrice(intl(locale, 30_000, 'DKK'), 'kg'));
    // One piece is just its name; a line without a quantity too.
    expect(html).toContain('<td>Scarf</td>');
    expect(html).toContain('<td>Gift wrap</td>');
    expect(html).toContain(`id="amount">${intl(locale, 132_360, 'DKK')}<`);
    expect(html).toContain(messagesFor(locale).confirmed.text(intl(locale, 132_360, 'DKK'), 'MobilePay'));
  });

  test.each(LOCALES)('%s: every state says its own words', (locale) => {
    const m = messagesFor(locale);
    const total = intl(locale, 132_360, 'DKK');
    const cases: [Shown, string, string][] = [
      [order('AWAITING_SHIPMENT'), m.confirmed.title, m.confirmed.text(total, 'MobilePay')],
      [order('COMPLETED', { captured: 132_360, refunded: 0 }), m.shipped.title, m.shipped.text(total, 'MobilePay')],
      [order('COMPLETED', { captured: 132_360, refunded: 2_360 }), m.shipped.title, m.shipped.withRefund(total, intl(locale, 2_360, 'DKK'), intl(locale, 130_000, 'DKK'), 'MobilePay')],
      [order('NEEDS_ATTENTION', { authorized: 0 }), m.needsAttention.title, m.needsAttention.text],
      [order('PENDING_PAYMENT'), m.pending.title, m.pending.text('MobilePay')],
      [order('CANCELLED'), m.cancelled.title, m.cancelled.text('MobilePay')],
      [order('PAYMENT_FAILED', { paymentState: 'ABORTED' }), m.notPaid.title, `${m.notPaid.reason('ABORTED', 'MobilePay')} ${m.notPaid.notCharged}`],
      [order('PAYMENT_FAILED'), m.notPaid.title, m.notPaid.reason('NOT_STARTED', 'MobilePay')],
      [order('UNKNOWN'), m.stateUnknown.title, m.stateUnknown.text],
    ];
    const escaped = (s: string) => s.replace(/'/g, '&#39;').replace(/"/g, '&quot;');
    for (const [shown, title, text] of cases) {
      const page = render(locale, shown);
      expect(page.title).toBe(title);
      expect(page.html).toContain(escaped(text));
    }
  });

  test('waiting: a way back to the shop, and to the payment when its link is known', () => {
    const t = messagesFor('da');
    const without = render('da', order('PENDING_PAYMENT'));
    expect(without.refresh).toEqual({ seconds: 4, url: '/again' });
    expect(without.html).toContain(`href="https://shop.example/">${t.backTo('Strikkeriet')}</a>`);
    expect(without.html).not.toContain('open-payment');
    const withLink = render('da', order('PENDING_PAYMENT', { paymentUrl: 'https://landing.example/?token=a&b=1' }));
    expect(withLink.html).toContain(`id="open-payment" href="https://landing.example/?token=a&amp;b=1">${t.pending.openPayment('MobilePay')}</a>`);
  });
});
