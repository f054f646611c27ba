export { loadConfig, ConfigError, type Config } from './config';
export { createLogger } from './logging';
export { createAppDeps, closeAppDeps, preparePlatform, type InitialAdminOutcome } from './bootstrap';
export { buildServer } from './http/server';
export { appRouter, type AppRouter } from './router';
export type { AppDeps } from './context';
export { AppError } from './errors/app-error';
export { fieldErrorsFromIssues } from './errors/to-problem';
// The worker builds its task list and crontab from the domains; it needs no per-task exports.
export { DOMAINS } from './domains';
export { cronEntries, domainTasks } from './platform/registry';
export type { CronEntry, DomainDescriptor } from './platform/domain';
export type { DomainTask, TaskContext, TaskHandler, WorkerDeps } from './jobs/task';
export { JOB_CATALOGUE, JOB_NAMES, isJobName, type JobName, type JobPayload } from './jobs/catalogue';
export { enqueueJob, type EnqueueOptions } from './jobs/enqueue';
export { recordDomainEvent, recordDomainEvents, type DomainEventConsumer } from './domains/events/service';
export {
  drainDomainEvents,
  relayDomainEvents,
  DEFAULT_RELAY_BATCH_SIZE,
  DISPATCH_RELAY,
  type RelayOutcome,
} from './domains/events/relay';
export { DOMAIN_EVENTS_CHANNEL } from './domains/events/service';
// The worker's event relay runs its passes the way the event hub does.
export { PassLoop, wakeOnDomainEvents, type PassLoopOptions } from './domains/events/pass-loop';
export { DOMAIN_EVENT_CONSUMERS } from './domains/events/consumers';
export { queueEmail } from './domains/notifications/service';
export { loadEncryptionKey } from './platform/encryption-key-file';
export { createPlatformAdmin } from './domains/auth/service';
export { CreateAdminInput } from './domains/auth/schemas';
// Used by the worker's tests to drive what a job would do.
export { failQueuedUpload } from './domains/orders/upload/service';
export { enqueueSyncs } from './domains/scheduler/service';
export { getProvider } from './domains/integrations/registry';
export { addJob, listJobs, retryJob } from './domains/jobs/service';
export type { Job } from './domains/jobs/schemas';
// The webhook delivery benchmark schedules deliveries as the event relay does, and signs its ceiling's requests
// with the worker's own code.
export type { DomainEvent } from './domains/events/schemas';
export { enqueueDeliveryAttempts } from './domains/webhooks/repository';
export { signatureHeader } from './domains/webhooks/signing';
export { webhookBody } from './domains/webhooks/webhook-body';
export { WEBHOOK_ENDPOINT_CONCURRENCY } from './domains/webhooks/service/deliver';
// The worker closes the kept-alive webhook connections when it stops.
export { closeEndpointAgents } from './domains/webhooks/connections';
// Business documents as PDF (statements, settlements, quotes); the PDF benchmark's ceiling launches its bare
// browser with the renderer's flags and prints with its page options.
export {
  CHROMIUM_ARGS,
  CHROMIUM_INSTALL_STEP,
  DocumentInput,
  PdfRenderer,
  documentSource,
  pdfOptions,
  renderDocumentPdf,
  type PdfSource,
} from './platform/pdf';
// Carrier costs: the engine's service for reconciliation, and what the cost-preview benchmark loads.
export {
  computeShipmentCost,
  loadTariffsInForce,
  previewLoaded,
  type ShipmentCostRequest,
} from './domains/carrier-tariffs/service/compute-shipment-cost';
export { previewJson } from './domains/carrier-tariffs/engine/preview-json';
export { storeTariff, type ParsedTariff } from './domains/carrier-tariffs/service/import-tariffs';
export { matchInvoiceImport, type MatchSummary } from './domains/carrier-reconciliation/service/matching';
export { checkLedger } from './domains/wallet/service/ledger-check';
export { creditWallet, transferBetweenWallets } from './domains/wallet/service/movements';
export { ipayFeesForPeriod, type IpayFeeRow } from './domains/settlement/service/fees';
export { getSettlement } from './domains/settlement/service/settlement';
export { CONTROLS } from './domains/internal-controls/controls';
export { runDailyControls } from './domains/internal-controls/service/run-controls';
