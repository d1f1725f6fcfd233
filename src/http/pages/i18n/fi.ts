import type { Messages, ShownBrand } from './messages';

/**
 * Finnish bends names by case, and a foreign brand bends awkwardly: the texts use it as the
 * subject, or as the first part of a compound ("MobilePay-sovelluksessa", in the MobilePay app),
 * where it stays as it is. Only "pay with" needs a case of its own.
 */
const compound = (brand: ShownBrand, word: string) => `${brand}${brand.includes(' ') ? ' -' : '-'}${word}`;
const withBrand: Record<ShownBrand, string> = { Vipps: 'Vippsillä', MobilePay: 'MobilePaylla', 'Vipps MobilePay': 'Vipps MobilePaylla' };

export const fi: Messages = {
  table: { item: 'Tuote', price: 'Hinta', total: 'Yhteensä', order: 'Tilaus' },
  backTo: (shop) => `Takaisin kauppaan ${shop}`,
  closePage: 'Voit sulkea tämän sivun.',
  unitSymbol: { KG: 'kg', KM: 'km', MINUTE: 'min', LITRE: 'l', KWH: 'kWh' },
  unitPrice: (price, symbol) => `${price}/${symbol ?? 'kpl'}`,

  confirmed: {
    title: 'Kiitos! Tilauksesi on vahvistettu',
    text: (total, brand) => `${brand} on varannut summan ${total}. Veloitus tehdään vasta, kun tilauksesi lähetetään.`,
  },
  shipped: {
    title: 'Kiitos! Tilauksesi on matkalla',
    text: (charged, brand) => `Tilauksesi on lähetetty, ja ${brand} on veloittanut ${charged}.`,
    withRefund: (charged, refunded, net, brand) => `Tilauksesi on lähetetty: ${brand} on veloittanut ${charged} ja palauttanut ${refunded} (yhteensä ${net}).`,
  },
  needsAttention: {
    title: 'Kauppa tarkistaa tilaustasi',
    text: 'Tilauksessa on jotain tarkistettavaa ennen kuin se etenee, ja kauppa ottaa sinuun yhteyttä. Maksat vain siitä, mitä lähetetään.',
  },
  pending: {
    title: 'Odotamme maksuasi',
    text: (brand) => `Hyväksy maksu ${compound(brand, 'sovelluksessa')}. Sivu päivittyy itsestään, kun maksu on tehty.`,
    openPayment: (brand) => `Avaa maksu ${compound(brand, 'sovelluksessa')}`,
  },
  cancelled: {
    title: 'Tilauksesi on peruttu',
    text: (brand) => `${brand} on vapauttanut varatun summan. Sinulta ei ole veloitettu mitään.`,
  },
  notPaid: {
    title: 'Maksu jäi kesken',
    reason: (why, brand) =>
      ({
        ABORTED: `Keskeytit maksun ${compound(brand, 'sovelluksessa')}.`,
        EXPIRED: 'Maksua ei hyväksytty ajoissa.',
        TERMINATED: 'Maksu peruttiin ennen kuin se hyväksyttiin.',
        NOT_STARTED: `${compound(brand, 'maksun')} aloittaminen ei onnistunut.`,
      })[why],
    notCharged: 'Sinulta ei ole veloitettu mitään.',
  },
  stateUnknown: { title: 'Tarkistamme tilaustasi', text: 'Emme saaneet juuri nyt selville maksusi tilaa. Sivu päivittyy itsestään.' },
  unknownOrder: { title: 'Tuntematon tilaus', notFound: 'Emme löytäneet tätä tilausta.', badLink: 'Linkki ei ole kelvollinen.' },
  unavailable: { title: 'Hetkinen', text: 'Emme saaneet juuri nyt haettua tilaustasi. Sivu päivittyy itsestään.' },

  shop: {
    demo: 'demo',
    product: 'Tuote',
    quantity: 'Määrä',
    quantityOf: (product) => `Määrä: ${product}`,
    updateTotal: 'Päivitä summa',
    pay: (brand) => `Maksa ${withBrand[brand]}`,
    merchantPage: 'Kauppiaan sivu',
    merchantNote: '(kirjaudu API-avaimella) · maksu menee Vipps MobilePay -emulaattoriin, ellei toisin ole määritetty.',
    orderDescription: (shop) => `Tilaus: ${shop}`,
    checkout: 'Kassa',
    badQuantities: 'Määrän on oltava kokonaisluku väliltä 0–10.',
    nothingChosen: 'Valitse vähintään yksi tuote.',
    back: 'Takaisin',
    salesUnit: 'Myyntiyksikkö',
  },
};
