export { createTestDatabase, type TestDatabase } from './test-database';
export { withDatabase } from './admin';
