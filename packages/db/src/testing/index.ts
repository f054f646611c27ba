export { createTestDatabase, type TestDatabase } from './test-database';
export { withDatabase } from './admin';
export { until } from './until';
