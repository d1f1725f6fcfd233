import type { Messages } from './messages';

export const da: Messages = {
  table: { item: 'Vare', price: 'Pris', total: 'I alt', order: 'Ordre' },
  backTo: (shop) => `Tilbage til ${shop}`,
  closePage: 'Du kan lukke denne side.',
  unitSymbol: { KG: 'kg', KM: 'km', MINUTE: 'min.', LITRE: 'l', KWH: 'kWh' },
  unitPrice: (price, symbol) => `${price} pr. ${symbol ?? 'stk.'}`,

  confirmed: {
    title: 'Tak! Din ordre er bekræftet',
    text: (total, brand) => `${total} er reserveret i ${brand}. Beløbet trækkes først, når din ordre bliver sendt.`,
  },
  shipped: {
    title: 'Tak! Din ordre er på vej',
    text: (charged, brand) => `Din ordre er sendt, og ${charged} er trukket via ${brand}.`,
    withRefund: (charged, refunded, net, brand) => `Din ordre er sendt: ${charged} er trukket, og ${refunded} er refunderet via ${brand} (${net} i alt).`,
  },
  needsAttention: {
    title: 'Butikken kigger på din ordre',
    text: 'Noget skal lige tjekkes, før din ordre går videre, og butikken kontakter dig. Du betaler kun for det, der bliver sendt.',
  },
  pending: {
    title: 'Vi venter på din betaling',
    text: (brand) => `Godkend betalingen i ${brand}. Siden opdateres automatisk, når det er gjort.`,
    openPayment: (brand) => `Åbn betalingen i ${brand}`,
  },
  cancelled: {
    title: 'Din ordre er annulleret',
    text: (brand) => `Det reserverede beløb er frigivet i ${brand}. Du er ikke blevet opkrævet noget.`,
  },
  notPaid: {
    title: 'Betalingen blev ikke gennemført',
    reason: (why, brand) =>
      ({
        ABORTED: `Du afbrød betalingen i ${brand}.`,
        EXPIRED: 'Betalingen blev ikke godkendt i tide.',
        TERMINATED: 'Betalingen blev annulleret, før den blev godkendt.',
        NOT_STARTED: `Vi kunne ikke starte betalingen i ${brand}.`,
      })[why],
    notCharged: 'Du er ikke blevet opkrævet noget.',
  },
  stateUnknown: { title: 'Vi kigger på din ordre', text: 'Vi kunne ikke se status for din betaling lige nu. Siden opdateres automatisk.' },
  unknownOrder: { title: 'Ukendt ordre', notFound: 'Vi kunne ikke finde denne ordre.', badLink: 'Linket er ikke gyldigt.' },
  unavailable: { title: 'Et øjeblik', text: 'Vi kunne ikke slå din ordre op lige nu. Siden opdateres automatisk.' },

  shop: {
    demo: 'demo',
    product: 'Vare',
    quantity: 'Antal',
    quantityOf: (product) => `Antal ${product}`,
    updateTotal: 'Opdater beløb',
    pay: (brand) => `Betal med ${brand}`,
    merchantPage: 'Butikkens side',
    merchantNote: '(log ind med API-nøglen) · betalingen går til Vipps MobilePay-emulatoren, medmindre andet er sat op.',
    orderDescription: (shop) => `Ordre fra ${shop}`,
    checkout: 'Kassen',
    badQuantities: 'Antal skal være et helt tal fra 0 til 10.',
    nothingChosen: 'Vælg mindst én vare.',
    back: 'Tilbage',
    salesUnit: 'Salgsenhed',
  },
};
