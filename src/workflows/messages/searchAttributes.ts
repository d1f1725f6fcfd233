// Custom search attributes of order workflows. Workflow-safe: imports only @temporalio/common.
// This list is the single source of truth: the dev-server scripts and the test harness register
// exactly these keys, so a workflow never upserts an attribute the server does not know.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// The search attribute `OrderStatus` (named apart from the OrderStatus type): lifecycle status (PENDING_PAYMENT, AWAITING_SHIPMENT, NEEDS_ATTENTION, ...), for the operator's lists.
export const OrderStatusAttribute = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
// The Vipps MobilePay payment reference, to find the order behind a payment seen in the Vipps portal.
export const VippsReference = defineSearchAttributeKey('VippsReference', SearchAttributeType.KEYWORD);
// The reservation's capture deadline, to list orders near it before the money is lost.
export const CaptureDeadline = defineSearchAttributeKey('CaptureDeadline', SearchAttributeType.DATETIME);
// Open problems needing a human, e.g. CAPTURE_FAILED, CAPTURE_DEADLINE_NEAR, RECEIPT_FAILED.
export const OrderAlerts = defineSearchAttributeKey('OrderAlerts', SearchAttributeType.KEYWORD_LIST);
// Order amount in minor units (øre), to filter or sort orders by value.
export const OrderAmountMinor = defineSearchAttributeKey('OrderAmountMinor', SearchAttributeType.INT);

// The sales unit's name (SALES_UNITS_FILE) and its market (NO, DK, FI); set at start, absent for a VIPPS_* deployment's orders.
export const SalesUnitAttribute = defineSearchAttributeKey('SalesUnit', SearchAttributeType.KEYWORD);
export const MarketAttribute = defineSearchAttributeKey('Market', SearchAttributeType.KEYWORD);

export const ORDER_SEARCH_ATTRIBUTES = [OrderStatusAttribute, VippsReference, CaptureDeadline, OrderAlerts, OrderAmountMinor, SalesUnitAttribute, MarketAttribute] as const;
