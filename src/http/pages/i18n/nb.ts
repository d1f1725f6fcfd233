import type { Messages } from './messages';

export const nb: Messages = {
  table: { item: 'Vare', price: 'Pris', total: 'Totalt', order: 'Bestilling' },
  backTo: (shop) => `Tilbake til ${shop}`,
  closePage: 'Du kan lukke denne siden.',
  unitSymbol: { KG: 'kg', KM: 'km', MINUTE: 'min', LITRE: 'l', KWH: 'kWh' },
  unitPrice: (price, symbol) => `${price} per ${symbol ?? 'stk.'}`,

  confirmed: {
    title: 'Takk! Bestillingen din er bekreftet',
    text: (total, brand) => `${total} er reservert i ${brand}. Beløpet trekkes først når bestillingen sendes.`,
  },
  shipped: {
    title: 'Takk! Bestillingen din er på vei',
    text: (charged, brand) => `Bestillingen din er sendt, og ${charged} er trukket via ${brand}.`,
    withRefund: (charged, refunded, net, brand) => `Bestillingen din er sendt: ${charged} er trukket og ${refunded} tilbakebetalt via ${brand} (til sammen ${net}).`,
  },
  needsAttention: {
    title: 'Butikken ser på bestillingen din',
    text: 'Noe må sjekkes før bestillingen går videre, og butikken tar kontakt. Du betaler bare for det som sendes.',
  },
  pending: {
    title: 'Vi venter på betalingen din',
    text: (brand) => `Godkjenn betalingen i ${brand}. Siden oppdateres automatisk når det er gjort.`,
    openPayment: (brand) => `Åpne betalingen i ${brand}`,
  },
  cancelled: {
    title: 'Bestillingen din er kansellert',
    text: (brand) => `Det reserverte beløpet er frigitt i ${brand}. Du har ikke blitt belastet.`,
  },
  notPaid: {
    title: 'Betalingen ble ikke fullført',
    reason: (why, brand) =>
      ({
        ABORTED: `Du avbrøt betalingen i ${brand}.`,
        EXPIRED: 'Betalingen ble ikke godkjent i tide.',
        TERMINATED: 'Betalingen ble avbrutt før den ble godkjent.',
        NOT_STARTED: `Vi fikk ikke startet betalingen i ${brand}.`,
      })[why],
    notCharged: 'Du har ikke blitt belastet.',
  },
  stateUnknown: { title: 'Vi ser på bestillingen din', text: 'Vi fikk ikke sjekket betalingen akkurat nå. Siden oppdateres automatisk.' },
  unknownOrder: { title: 'Ukjent bestilling', notFound: 'Vi fant ikke denne bestillingen.', badLink: 'Lenken er ikke gyldig.' },
  unavailable: { title: 'Et øyeblikk', text: 'Vi fikk ikke hentet bestillingen din akkurat nå. Siden oppdateres automatisk.' },

  shop: {
    demo: 'demo',
    product: 'Vare',
    quantity: 'Antall',
    quantityOf: (product) => `Antall ${product}`,
    updateTotal: 'Oppdater totalen',
    pay: (brand) => `Betal med ${brand}`,
    merchantPage: 'Butikkens side',
    merchantNote: '(logg inn med API-nøkkelen) · betalingen går mot Vipps MobilePay-emulatoren hvis ikke annet er satt opp.',
    orderDescription: (shop) => `Bestilling fra ${shop}`,
    checkout: 'Kasse',
    badQuantities: 'Antall må være et helt tall fra 0 til 10.',
    nothingChosen: 'Velg minst én vare.',
    back: 'Tilbake',
    salesUnit: 'Salgsenhet',
  },
};
