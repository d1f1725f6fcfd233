export { MARKETS, BRANDS, MARKET_RULES, PhoneNumberError, toMsisdn, type Market, type Brand, type MarketRules } from './markets';
export { SalesUnitsFile, SALES_UNIT_NAME, type SecretRef } from './fileSchema';
export { SalesUnitRegistry, SalesUnitsError, developmentKeySet, loadSalesUnitsFile, secretLines, type WebhookSecretRef, type KeySet, type SalesUnit, type LoadOptions } from './registry';
