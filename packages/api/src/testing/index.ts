export { createTestPlatform, type TestPlatform, type TestPlatformOptions } from './platform';
export { http, type HttpRequest, type HttpResponse } from './http';
export {
  createTestMerchant,
  createTestOrganization,
  createTestPlatformAdmin,
  createTestUser,
  TEST_PASSWORD,
  uniqueEmail,
} from './factories';
export {
  getStreamTicket,
  openTestEventStream,
  requestStreamTicket,
  type ReceivedEvent,
  type TestEventStream,
} from './event-stream';
