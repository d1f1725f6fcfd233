/** The landing-page links the return page keeps for its own refreshes: per order, while pending, bounded. */
import { PaymentLinks } from '../../../src/http/pages/paymentLinks';

test('a link the order gave is shown again on the refreshes, and dropped once the payment is no longer pending', () => {
  const links = new PaymentLinks();
  expect(links.linkFor('dk:a', true, undefined)).toBeUndefined();
  expect(links.linkFor('dk:a', true, 'https://landing/a')).toBe('https://landing/a');
  expect(links.linkFor('dk:a', true, undefined)).toBe('https://landing/a');
  expect(links.linkFor('fi:a', true, undefined)).toBeUndefined();
  expect(links.linkFor('dk:a', false, 'https://landing/a')).toBeUndefined();
  expect(links.linkFor('dk:a', true, undefined)).toBeUndefined();
});

test('the oldest links go first once the bound is reached', () => {
  const links = new PaymentLinks(2);
  links.linkFor('a', true, 'https://landing/a');
  links.linkFor('b', true, 'https://landing/b');
  links.linkFor('a', true, 'https://landing/a2');
  links.linkFor('c', true, 'https://landing/c');
  expect(['a', 'b', 'c'].map((o) => links.linkFor(o, true, undefined))).toEqual(['https://landing/a2', undefined, 'https://landing/c']);
});
