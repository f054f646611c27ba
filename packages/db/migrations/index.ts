import type { Migration } from 'kysely';
import * as foundation from './2026_11_22_000001_foundation';
import * as ordersAndPaymentSessions from './2026_11_22_100000_orders_and_payment_sessions';
import * as webhooks from './2026_11_23_000001_webhooks';
import * as emailOutbox from './2026_11_23_000002_email_outbox';
import * as eventStream from './2026_11_23_100000_event_stream';
import * as benefitCards from './2026_11_24_000001_benefit_cards';
import * as orderUploads from './2026_11_24_000002_order_uploads';
import * as integrations from './2026_11_25_000001_integrations';
import * as schedulerPasses from './2026_11_25_000002_scheduler_passes';
import * as integrationWebhooks from './2026_11_25_000003_integration_webhooks';
import * as commitOrderedStream from './2026_11_26_000001_commit_ordered_stream';
import * as orderDiscounts from './2026_11_26_000002_order_discounts';
import * as cardReplacements from './2026_11_26_000003_card_replacements';
import * as programSecretRotation from './2026_11_26_000004_program_secret_rotation';
import * as streamedOrderUploads from './2026_11_26_100001_streamed_order_uploads';
import * as programArchive from './2026_11_26_200001_program_archive';
import * as perConnectionDedup from './2026_11_29_000001_per_connection_dedup';
import * as membersAndInvitations from './2026_11_29_100001_members_and_invitations';
import * as carrierPartners from './2026_11_29_100002_carrier_partners';
import * as cardExpiry from './2026_11_29_200001_card_expiry';
import * as payerAttempt from './2026_11_29_200002_payer_attempt';
import * as eventRelay from './2026_11_30_100001_event_relay';
import * as webhookDueDeliveries from './2026_11_30_200001_webhook_due_deliveries';
import * as actorChangeNotifications from './2026_11_30_300001_actor_change_notifications';
import * as workerHeartbeats from './2026_11_30_600001_worker_heartbeats';
import * as unusedEventIndex from './2026_11_30_700001_unused_event_index';
import * as carrierTariffs from './2026_12_01_100001_carrier_tariffs';
import * as orderParcels from './2026_12_01_200001_order_parcels';
import * as carrierInvoices from './2026_12_01_200002_carrier_invoices';
import * as emailAttachments from './2026_12_01_300001_email_attachments';
import * as carrierReconciliations from './2026_12_02_000001_carrier_reconciliations';
import * as carrierStatements from './2026_12_02_200001_carrier_statements';
import * as tariffStamp from './2026_12_02_300001_tariff_stamp';
import * as parcelOriginService from './2026_12_02_500001_parcel_origin_service';
import * as consumers from './2026_12_03_100001_consumers';
import * as walletLedger from './2026_12_03_200001_wallet_ledger';
import * as points from './2026_12_04_100001_points';
import * as deals from './2026_12_04_200001_deals';
import * as paymentShares from './2026_12_04_300001_payment_shares';
import * as loyaltyCards from './2026_12_04_400001_loyalty_cards';
import * as lockerCodes from './2026_12_04_500001_locker_codes';
import * as finance from './2026_12_06_700001_finance';
import * as walletSessionPayments from './2026_12_04_600001_wallet_session_payments';
import * as bulkStreamNumbering from './2026_12_06_200001_bulk_stream_numbering';
import * as merchantFeeHistory from './2026_12_06_600001_merchant_fee_history';
import * as returns from './2026_12_06_300001_returns';
import * as returnLabels from './2026_12_06_400001_return_labels';
import * as emailDeliveryEvents from './2026_12_06_500001_email_delivery_events';
import * as internalControls from './2026_12_06_800001_internal_controls';
import * as exactLimits from './2026_12_07_300001_exact_limits';
import * as paymentRefunds from './2026_12_07_200001_payment_refunds';
import * as returnRefundsCompleted from './2026_12_07_400001_return_refunds_completed';
import * as tariffChangeNotifications from './2026_12_07_500001_tariff_change_notifications';
import * as returnLabelWithdrawals from './2026_12_07_100001_return_label_withdrawals';

/** Every migration in order of its name; a test checks this list against the folder. */
export const migrations: Record<string, Migration> = {
  '2026_11_22_000001_foundation': foundation,
  '2026_11_22_100000_orders_and_payment_sessions': ordersAndPaymentSessions,
  '2026_11_23_000001_webhooks': webhooks,
  '2026_11_23_000002_email_outbox': emailOutbox,
  '2026_11_23_100000_event_stream': eventStream,
  '2026_11_24_000001_benefit_cards': benefitCards,
  '2026_11_24_000002_order_uploads': orderUploads,
  '2026_11_25_000001_integrations': integrations,
  '2026_11_25_000002_scheduler_passes': schedulerPasses,
  '2026_11_25_000003_integration_webhooks': integrationWebhooks,
  '2026_11_26_000001_commit_ordered_stream': commitOrderedStream,
  '2026_11_26_000002_order_discounts': orderDiscounts,
  '2026_11_26_000003_card_replacements': cardReplacements,
  '2026_11_26_000004_program_secret_rotation': programSecretRotation,
  '2026_11_26_100001_streamed_order_uploads': streamedOrderUploads,
  '2026_11_26_200001_program_archive': programArchive,
  '2026_11_29_000001_per_connection_dedup': perConnectionDedup,
  '2026_11_29_100001_members_and_invitations': membersAndInvitations,
  '2026_11_29_100002_carrier_partners': carrierPartners,
  '2026_11_29_200001_card_expiry': cardExpiry,
  '2026_11_29_200002_payer_attempt': payerAttempt,
  '2026_11_30_100001_event_relay': eventRelay,
  '2026_11_30_200001_webhook_due_deliveries': webhookDueDeliveries,
  '2026_11_30_300001_actor_change_notifications': actorChangeNotifications,
  '2026_11_30_600001_worker_heartbeats': workerHeartbeats,
  '2026_11_30_700001_unused_event_index': unusedEventIndex,
  '2026_12_01_100001_carrier_tariffs': carrierTariffs,
  '2026_12_01_200001_order_parcels': orderParcels,
  '2026_12_01_200002_carrier_invoices': carrierInvoices,
  '2026_12_01_300001_email_attachments': emailAttachments,
  '2026_12_02_000001_carrier_reconciliations': carrierReconciliations,
  '2026_12_02_200001_carrier_statements': carrierStatements,
  '2026_12_02_300001_tariff_stamp': tariffStamp,
  '2026_12_02_500001_parcel_origin_service': parcelOriginService,
  '2026_12_03_100001_consumers': consumers,
  '2026_12_03_200001_wallet_ledger': walletLedger,
  '2026_12_04_100001_points': points,
  '2026_12_04_200001_deals': deals,
  '2026_12_04_300001_payment_shares': paymentShares,
  '2026_12_04_400001_loyalty_cards': loyaltyCards,
  '2026_12_04_500001_locker_codes': lockerCodes,
  '2026_12_04_600001_wallet_session_payments': walletSessionPayments,
  '2026_12_06_200001_bulk_stream_numbering': bulkStreamNumbering,
  '2026_12_06_300001_returns': returns,
  '2026_12_06_400001_return_labels': returnLabels,
  '2026_12_06_500001_email_delivery_events': emailDeliveryEvents,
  '2026_12_06_600001_merchant_fee_history': merchantFeeHistory,
  '2026_12_06_700001_finance': finance,
  '2026_12_06_800001_internal_controls': internalControls,
  '2026_12_07_100001_return_label_withdrawals': returnLabelWithdrawals,
  '2026_12_07_200001_payment_refunds': paymentRefunds,
  '2026_12_07_300001_exact_limits': exactLimits,
  '2026_12_07_400001_return_refunds_completed': returnRefundsCompleted,
  '2026_12_07_500001_tariff_change_notifications': tariffChangeNotifications,
};
