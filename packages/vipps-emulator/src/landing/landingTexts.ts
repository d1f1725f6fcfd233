/**
 * What the landing page says, in the languages of the markets (and English for the VIPPS_* unit,
 * which has none). The payment's state stays the API's word (AUTHORIZED, ABORTED): tests and
 * people comparing with the API read it as is. Functions taking `stateHtml` get it escaped and
 * wrapped already; the page escapes everything else.
 */

export type LandingLanguage = 'nb' | 'da' | 'fi' | 'en';

/** The brand a unit's customer sees on the page. */
export type LandingBrand = 'Vipps' | 'MobilePay';

export interface LandingTexts {
  /** Says the page is no real app's. Short: the brand stands above it, and it must fit a phone on one line. */
  badge: string;
  /** The page title of a payment waiting for the customer. */
  payTitle(merchant: string): string;
  /** The Approve button: the brand's "pay with", or plain "Approve" on the brandless page. */
  approve(brand: LandingBrand | undefined): string;
  reject: string;
  reference: string;
  phone: string;
  stateTitle(state: string): string;
  thisPaymentIs(stateHtml: string): string;
  backTo(merchant: string): string;
  doneTitle: string;
  thePaymentIs(stateHtml: string): string;
  closePage: string;
  notFoundTitle: string;
  notFound: string;
}

const en: LandingTexts = {
  badge: 'Vipps MobilePay emulator · test only',
  payTitle: (merchant) => `Pay ${merchant}`,
  approve: (brand) => (brand ? `Pay with ${brand}` : 'Approve'),
  reject: 'Reject',
  reference: 'Reference',
  phone: 'Phone',
  stateTitle: (state) => `Payment ${state}`,
  thisPaymentIs: (state) => `This payment is ${state}.`,
  backTo: (merchant) => `Back to ${merchant}`,
  doneTitle: 'Done',
  thePaymentIs: (state) => `The payment is ${state}.`,
  closePage: 'You can close this page.',
  notFoundTitle: 'Payment not found',
  notFound: 'This link is unknown or no longer valid.',
};

const nb: LandingTexts = {
  badge: 'Emulator · kun for test',
  payTitle: (merchant) => `Betal til ${merchant}`,
  approve: (brand) => (brand ? `Betal med ${brand}` : 'Godkjenn'),
  reject: 'Avvis',
  reference: 'Referanse',
  phone: 'Telefon',
  stateTitle: (state) => `Betaling ${state}`,
  thisPaymentIs: (state) => `Denne betalingen er ${state}.`,
  backTo: (merchant) => `Tilbake til ${merchant}`,
  doneTitle: 'Ferdig',
  thePaymentIs: (state) => `Betalingen er ${state}.`,
  closePage: 'Du kan lukke denne siden.',
  notFoundTitle: 'Fant ikke betalingen',
  notFound: 'Lenken er ukjent eller ikke lenger gyldig.',
};

const da: LandingTexts = {
  badge: 'Emulator · kun til test',
  payTitle: (merchant) => `Betal til ${merchant}`,
  approve: (brand) => (brand ? `Betal med ${brand}` : 'Godkend'),
  reject: 'Afvis',
  reference: 'Reference',
  phone: 'Telefon',
  stateTitle: (state) => `Betaling ${state}`,
  thisPaymentIs: (state) => `Denne betaling er ${state}.`,
  backTo: (merchant) => `Tilbage til ${merchant}`,
  doneTitle: 'Færdig',
  thePaymentIs: (state) => `Betalingen er ${state}.`,
  closePage: 'Du kan lukke denne side.',
  notFoundTitle: 'Betalingen findes ikke',
  notFound: 'Linket er ukendt eller ikke længere gyldigt.',
};

// Finnish bends a brand by case; "pay with" is the one text that needs it.
const FI_WITH: Record<LandingBrand, string> = { Vipps: 'Vippsillä', MobilePay: 'MobilePaylla' };

const fi: LandingTexts = {
  badge: 'Emulaattori · vain testaukseen',
  payTitle: (merchant) => `Maksu: ${merchant}`,
  approve: (brand) => (brand ? `Maksa ${FI_WITH[brand]}` : 'Hyväksy'),
  reject: 'Hylkää',
  reference: 'Viite',
  phone: 'Puhelin',
  stateTitle: (state) => `Maksu ${state}`,
  thisPaymentIs: (state) => `Tämän maksun tila on ${state}.`,
  backTo: (merchant) => `Takaisin kauppaan ${merchant}`,
  doneTitle: 'Valmis',
  thePaymentIs: (state) => `Maksun tila on ${state}.`,
  closePage: 'Voit sulkea tämän sivun.',
  notFoundTitle: 'Maksua ei löytynyt',
  notFound: 'Linkki on tuntematon tai ei ole enää voimassa.',
};

export const LANDING_TEXTS: Record<LandingLanguage, LandingTexts> = { en, nb, da, fi };
