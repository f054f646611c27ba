import type { DomainErrorCodes } from '../errors/domain-codes';
import { AUTH_ERRORS } from './auth/errors';
import { BENEFIT_CARD_ERRORS } from './benefit-cards/errors';
import { CARRIER_RECONCILIATION_ERRORS } from './carrier-reconciliation/errors';
import { DRIVER_ERRORS } from './driver/errors';
import { INTEGRATION_ERRORS } from './integrations/errors';
import { NOTIFICATIONS_ERRORS } from './notifications/errors';
import { ORDER_ERRORS } from './orders/errors';
import { PARTNER_ERRORS } from './partners/errors';
import { PAYMENT_SESSION_ERRORS } from './payment-sessions/errors';
import { PAYMENT_ERRORS } from './payments/errors';
import { RBAC_ERRORS } from './rbac/errors';
import { WEBHOOK_ERRORS } from './webhooks/errors';
import { CARRIER_TARIFFS_ERRORS } from './carrier-tariffs/errors';
import { CARRIER_STATEMENTS_ERRORS } from './carrier-statements/errors';
import { CONSUMER_ERRORS } from './consumer/errors';
import { WALLET_ERRORS } from './wallet/errors';
import { POINTS_ERRORS } from './points/errors';
import { SHARE_PAYMENT_ERRORS } from './share-payment/errors';
import { DEALS_ERRORS } from './deals/errors';
import { LOCKER_ERRORS } from './lockers/errors';
import { LOYALTY_CARDS_ERRORS } from './loyalty-cards/errors';
import { FINANCE_ERRORS } from './finance/errors';
import { SETTLEMENT_ERRORS } from './settlement/errors';
import { RETURNS_ERRORS } from './returns/errors';
import { INTERNAL_CONTROLS_ERRORS } from './internal-controls/errors';

/**
 * Every domain's declared error codes, by domain: documented in the OpenAPI `Problem` schema and checked for
 * uniqueness by `error-codes.test.ts`. Kept by domain (not spread) so a code declared twice is seen, not merged.
 */
export const DOMAIN_ERROR_CODES: Readonly<Record<string, DomainErrorCodes>> = {
  auth: AUTH_ERRORS,
  'benefit-cards': BENEFIT_CARD_ERRORS,
  'carrier-reconciliation': CARRIER_RECONCILIATION_ERRORS,
  driver: DRIVER_ERRORS,
  integrations: INTEGRATION_ERRORS,
  notifications: NOTIFICATIONS_ERRORS,
  orders: ORDER_ERRORS,
  partners: PARTNER_ERRORS,
  'payment-sessions': PAYMENT_SESSION_ERRORS,
  payments: PAYMENT_ERRORS,
  rbac: RBAC_ERRORS,
  webhooks: WEBHOOK_ERRORS,
  'carrier-tariffs': CARRIER_TARIFFS_ERRORS,
  'carrier-statements': CARRIER_STATEMENTS_ERRORS,
  consumer: CONSUMER_ERRORS,
  wallet: WALLET_ERRORS,
  points: POINTS_ERRORS,
  'share-payment': SHARE_PAYMENT_ERRORS,
  deals: DEALS_ERRORS,
  lockers: LOCKER_ERRORS,
  'loyalty-cards': LOYALTY_CARDS_ERRORS,
  finance: FINANCE_ERRORS,
  settlement: SETTLEMENT_ERRORS,
  returns: RETURNS_ERRORS,
  'internal-controls': INTERNAL_CONTROLS_ERRORS,
};
