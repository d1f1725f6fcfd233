import type { Messages } from './messages';

export const en: Messages = {
  table: { item: 'Item', price: 'Price', total: 'Total', order: 'Order' },
  backTo: (shop) => `Back to ${shop}`,
  closePage: 'You can close this page.',
  unitSymbol: { KG: 'kg', KM: 'km', MINUTE: 'min', LITRE: 'l', KWH: 'kWh' },
  unitPrice: (price, symbol) => (symbol ? `${price} per ${symbol}` : `${price} each`),

  confirmed: {
    title: 'Thank you! Your order is confirmed',
    text: (total, brand) => `${total} is reserved in ${brand}. You are charged only when your order is sent.`,
  },
  shipped: {
    title: 'Thank you! Your order is on its way',
    text: (charged, brand) => `Your order has been sent and ${charged} was charged through ${brand}.`,
    withRefund: (charged, refunded, net, brand) => `Your order has been sent: ${charged} was charged and ${refunded} refunded through ${brand} (${net} in all).`,
  },
  needsAttention: {
    title: 'The shop is looking at your order',
    text: 'Something needs a look before your order goes further; the shop will be in touch. You are charged only for what is sent.',
  },
  pending: {
    title: 'Waiting for your payment',
    text: (brand) => `Approve the payment in ${brand}. This page updates by itself when it is done.`,
    openPayment: (brand) => `Open the payment in ${brand}`,
  },
  cancelled: {
    title: 'Your order was cancelled',
    text: (brand) => `The reserved amount has been released in ${brand}. You have not been charged.`,
  },
  notPaid: {
    title: 'The payment was not completed',
    reason: (why, brand) =>
      ({
        ABORTED: `You stopped the payment in ${brand}.`,
        EXPIRED: 'The payment was not approved in time.',
        TERMINATED: 'The payment was cancelled before it was approved.',
        NOT_STARTED: `We could not start the payment with ${brand}.`,
      })[why],
    notCharged: 'You have not been charged.',
  },
  stateUnknown: { title: 'We are looking at your order', text: 'We could not tell the state of your payment just now. This page updates by itself.' },
  unknownOrder: { title: 'Unknown order', notFound: 'We could not find this order.', badLink: 'The link is not valid.' },
  unavailable: { title: 'Please wait', text: 'We could not look up your order just now. This page updates by itself.' },

  shop: {
    demo: 'demo',
    product: 'Product',
    quantity: 'Quantity',
    quantityOf: (product) => `Quantity of ${product}`,
    updateTotal: 'Update total',
    pay: (brand) => `Pay with ${brand}`,
    merchantPage: 'Merchant page',
    merchantNote: '(log in with the API key) · the payment runs against the Vipps MobilePay emulator unless configured otherwise.',
    orderDescription: (shop) => `${shop} order`,
    checkout: 'Checkout',
    badQuantities: 'Quantities must be whole numbers from 0 to 10.',
    nothingChosen: 'Choose at least one product.',
    back: 'Back',
    salesUnit: 'Sales unit',
  },
};
