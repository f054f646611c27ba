export { createTestPlatform, type TestPlatform, type TestPlatformOptions } from './platform';
export { http, type HttpRequest, type HttpResponse } from './http';
export {
  createTestMerchant,
  createTestOrganization,
  createTestPlatformAdmin,
  createTestPaymentSession,
  createTestUser,
  payTokenOf,
  orderBody,
  TEST_PASSWORD,
  uniqueEmail,
} from './factories';
export { startFakeServer, sendJson, type FakeServer, type RecordedRequest } from './fake-server';
export { startFakeStripe } from './fake-stripe';
export { startFakeResend, type FakeResend, type FakeResendEmail } from './fake-resend';
export {
  getStreamTicket,
  openTestEventStream,
  requestStreamTicket,
  type ReceivedEvent,
  type TestEventStream,
} from './event-stream';
export { createTestSponsor, iqpayOrderBody, type TestSponsorSetup } from './benefit-cards';
export { appErrorOf, problemOf } from './call-failure';
export { hostileXlsx, packPart, packRepeated, workbookParts, zipOf, type PackedPart } from './hostile-xlsx';
export { sampleEvent, type SampledEventType } from './events';
export {
  createTestParcel,
  createTestPartner,
  createTestPartnerUser,
  type TestParcel,
  type TestPartnerUser,
} from './partners';
export { payOnPayPage, postForm, runDoorCodeJob } from './pages';
export { inviteTestMember, mailedLinkToken, mailTestPasswordReset } from './auth-links';
export { signInTestConsumer, type TestConsumer } from './consumer';
export { createTestSessionFor, payOnSharePage, shareCodeOf } from './share-payment';
export { createTestPurchase } from './purchases';
export { cloneTestRows, cloneTestSessions, CLONED_REFERENCE } from './internal-controls';
export { pdfPages, pdfToPngs, processTree, sampleStatement, stillRunning } from './pdf';
export {
  dhlInvoiceCsv,
  largeUpsInvoice,
  upsInvoiceCsv,
  upsInvoiceRows,
  upsRow,
  upsTrackingNumber,
  DHL_EXPRESS_HEADER,
  type DhlInvoiceOptions,
  type UpsInvoiceOptions,
} from './carrier-invoices';
export {
  createTestReconciliations,
  runEmailJob,
  type TestReconciliationLine,
  type TestReconciliations,
} from './carrier-statements';
export { earnTestPoints, payTestOrder, relayTestEvents, type TestPaidOrder } from './points';
export { createTestLockerSecret, lockerEventId, lockerIssuedBody, sendLockerCall } from './lockers';
export { startFakeExact, type FakeExact, type FakeExactEntry } from './fake-exact';
export { FAKE_SENDCLOUD_KEYS, startFakeSendcloud, type FakeSendcloud } from './fake-sendcloud';
export { carrierLabelPdf, intersects } from './label-fixtures';
export {
  createSendcloudTestPlatform,
  createTestReturnCase,
  sendcloudScan,
  type TestReturnCase,
} from './return-labels';
export { deliverResendEvent, resendEvent, resendWebhookSecret } from './resend-events';
export { createResendTestPlatform, startTestResend, type TestResend } from './resend-platform';
export {
  createStripeTestPlatform,
  deliverStripeEvent,
  STRIPE_TEST_WEBHOOK_SECRET,
  stripeCheckoutCompleted,
} from './stripe-platform';
