import type { EventDefinitions } from '../../platform/event-definitions';

/**
 * carrier-statements events by type (`<resource>.<what happened>`): the payload's zod schema, whether merchants may subscribe
 * to it by webhook, and what it means. Schemas only (zod): the SDK and browser code import them.
 */
export const CARRIER_STATEMENTS_EVENTS = {} satisfies EventDefinitions;
