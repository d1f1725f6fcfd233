import { z } from 'zod';
import { Currency } from './common';
import { AbsoluteUri } from './uri';

/** Receipt (order lines + bottom line), shared by ePayment `receipt` and Order Management v2. */

const MinorUnits = z.int().min(0);

export const QUANTITY_UNITS = ['PCS', 'KG', 'KM', 'MINUTE', 'LITRE', 'KWH'] as const;

export const UnitInfo = z.object({
  unitPrice: MinorUnits.nullable(),
  quantity: z
    .string()
    .max(10)
    .regex(/^\d+([.]\d{1,8})?$/, 'must be a decimal number such as "2" or "0.822"'),
  quantityUnit: z.enum(QUANTITY_UNITS).optional(),
});
export type UnitInfo = z.infer<typeof UnitInfo>;

export const OrderLine = z
  .object({
    name: z.string().min(1),
    id: z.string().min(1),
    totalAmount: MinorUnits,
    totalAmountExcludingTax: MinorUnits,
    totalTaxAmount: MinorUnits,
    taxRate: z.int().min(0).max(10000).nullish(),
    taxPercentage: z.int().min(0).max(100).nullish(),
    unitInfo: UnitInfo.nullish(),
    discount: MinorUnits.nullish(),
    productUrl: z.string().nullish(),
    isReturn: z.boolean().nullish(),
    isShipping: z.boolean().nullish(),
  })
  .refine((line) => line.taxRate != null || line.taxPercentage != null, {
    message: 'either taxRate or taxPercentage must be set',
    path: ['taxRate'],
  });
export type OrderLine = z.infer<typeof OrderLine>;

export const Barcode = z.object({
  format: z.enum(['EAN-13', 'CODE 39', 'CODE 128']),
  data: z.string(),
});

export const PaymentSources = z.object({
  giftCard: MinorUnits.nullish(),
  card: MinorUnits.nullish(),
  voucher: MinorUnits.nullish(),
  cash: MinorUnits.nullish(),
});

export const BottomLine = z.object({
  currency: Currency,
  tipAmount: MinorUnits.nullish(),
  posId: z.string().nullish(),
  paymentSources: PaymentSources.nullish(),
  barcode: Barcode.nullish(),
  receiptNumber: z.string().nullish(),
});
export type BottomLine = z.infer<typeof BottomLine>;

export const Receipt = z.object({
  orderLines: z.array(OrderLine).min(1),
  bottomLine: BottomLine,
});
export type Receipt = z.infer<typeof Receipt>;

/** Order Management accepts only these bottom-line currencies. */
export const ORDER_MANAGEMENT_CURRENCIES = ['NOK', 'DKK', 'EUR'] as const;

export const PAYMENT_TYPES = ['ECOM', 'RECURRING'] as const;
export const PaymentType = z.enum(PAYMENT_TYPES);
export type PaymentType = z.infer<typeof PaymentType>;

export const OrderManagementOrderId = z.string().regex(/^[0-9A-Za-z\-_.]+$/, 'must match ^[0-9A-Za-z-_.]+$');

export const CATEGORIES = ['GENERAL', 'RECEIPT', 'ORDER_CONFIRMATION', 'DELIVERY', 'TICKET', 'BOOKING'] as const;

/** Order Management `Order` (the category of an order, v2 PUT). */
export const OrderCategory = z.object({
  category: z.enum(CATEGORIES),
  orderDetailsUrl: AbsoluteUri,
  imageId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[0-9A-Za-z\-_.]+$/)
    .nullish(),
});
export type OrderCategory = z.infer<typeof OrderCategory>;

export const OrderV2Response = z.object({
  category: OrderCategory.optional(),
  receipt: Receipt.optional(),
});
export type OrderV2Response = z.infer<typeof OrderV2Response>;

/** 201/200 bodies of Order Management writes: a JSON string id. */
export const OrderManagementId = z.string();
