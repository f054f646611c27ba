import { maintenanceModule } from '../platform/maintenance';
import { pagesModule } from '../pages';
import { authDomain } from './auth';
import { benefitCardsDomain } from './benefit-cards';
import { carrierReconciliationDomain } from './carrier-reconciliation';
import { driverDomain } from './driver';
import { eventsDomain } from './events';
import { integrationsDomain } from './integrations';
import { notificationsDomain } from './notifications';
import { ordersDomain } from './orders';
import { partnersDomain } from './partners';
import { paymentSessionsDomain } from './payment-sessions';
import { paymentsDomain } from './payments';
import { rbacDomain } from './rbac';
import { schedulerDomain } from './scheduler';
import { webhooksDomain } from './webhooks';
import { carrierTariffsDomain } from './carrier-tariffs';
import { carrierStatementsDomain } from './carrier-statements';
import { consumerDomain } from './consumer';
import { walletDomain } from './wallet';
import { pointsDomain } from './points';
import { sharePaymentDomain } from './share-payment';
import { dealsDomain } from './deals';
import { lockersDomain } from './lockers';
import { loyaltyCardsDomain } from './loyalty-cards';
import { financeDomain } from './finance';
import { settlementDomain } from './settlement';
import { returnsDomain } from './returns';
import { internalControlsDomain } from './internal-controls';

/**
 * Every domain, in a fixed order: the app router, the server's plain routes, the OpenAPI document, the
 * worker's tasks, the crontab and the system roles' grants are built from this list. REST routes match in this
 * order: a domain whose literal paths another's templated paths would shadow comes first.
 */
export const DOMAINS = [
  authDomain,
  rbacDomain,
  ordersDomain,
  paymentSessionsDomain,
  driverDomain,
  partnersDomain,
  webhooksDomain,
  notificationsDomain,
  eventsDomain,
  benefitCardsDomain,
  integrationsDomain,
  schedulerDomain,
  paymentsDomain,
  carrierReconciliationDomain,
  maintenanceModule,
  pagesModule,
  carrierTariffsDomain,
  carrierStatementsDomain,
  consumerDomain,
  walletDomain,
  pointsDomain,
  sharePaymentDomain,
  dealsDomain,
  lockersDomain,
  loyaltyCardsDomain,
  financeDomain,
  settlementDomain,
  returnsDomain,
  internalControlsDomain,
] as const;

export type Domain = (typeof DOMAINS)[number];
