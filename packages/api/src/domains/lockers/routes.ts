import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors/app-error';
import { fieldErrorsFromIssues } from '../../errors/to-problem';
import { exceedsJsonDepth } from '../../http/json-depth';
import { parseParameters } from '../../http/parameters';
import { findUnstorableText } from '../../http/storable-text';
import { PROBLEM_CONTENT } from '../../openapi/operation-parts';
import type { PlainRoute, RouteContext } from '../../platform/domain';
import { CarrierParam, LockerCall, LockerCallReceipt } from './schemas';
import { receiveLockerCall } from './service/receive';
import { rawBodyRoute } from '../../http/raw-body-route';

const SIGNATURE_PARAMETER = z.object({
  'x-ipay-signature': z
    .string()
    .describe(
      't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the carrier\'s secret>; more than 5 minutes from now is refused',
    ),
});

function operation(summary: string, carrierInPath: boolean): PlainRoute['operation'] {
  return {
    operationId: carrierInPath ? 'lockers-issue-code-carrier' : 'lockers-issue-code',
    tags: ['lockers'],
    summary,
    description:
      'A carrier reports a parcel in a locker (`code_issued`, with the pickup code), picked up (`collected`) or taken back (`expired`). Verified on the raw body bytes before anything is stored: unsigned, wrongly signed, stale or future (more than 5 minutes), or replayed calls answer 401 and store nothing; the same `event_id` again answers 200 `duplicate`. The pickup code is stored encrypted and shown only to the consumer.',
    requestParams: {
      header: SIGNATURE_PARAMETER,
      ...(carrierInPath
        ? { path: z.object({ carrier: z.string().describe('The carrier code, e.g. POSTNL') }) }
        : {}),
    },
    requestBody: { required: true, content: { 'application/json': { schema: LockerCall } } },
    responses: {
      200: {
        description: 'Accepted, or already processed',
        content: { 'application/json': { schema: LockerCallReceipt } },
      },
      400: { description: 'The body is not a locker call; the fields are named', content: PROBLEM_CONTENT },
      401: {
        description: 'Bad, missing, stale or replayed signature; nothing stored',
        content: PROBLEM_CONTENT,
      },
      404: {
        description: 'No order of this carrier has the tracking number or reference; nothing stored',
        content: PROBLEM_CONTENT,
      },
    },
  };
}

/** The verified bytes as a call: JSON, storable text, the schema; a 400 naming each field otherwise. */
function parseCall(raw: Buffer): LockerCall {
  const text = raw.toString('utf8');
  if (exceedsJsonDepth(text)) throw AppError.validation('body', 'nests too deeply', 'too_deep');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw AppError.validation('body', 'is not JSON', 'invalid_json');
  }
  const unstorable = findUnstorableText(json, '');
  if (unstorable)
    throw new AppError('validation_failed', `${unstorable.field}: ${unstorable.message}`, {
      errors: [unstorable],
    });
  const parsed = LockerCall.safeParse(json);
  if (parsed.success) return parsed.data;
  const errors = fieldErrorsFromIssues(parsed.error.issues);
  throw new AppError(
    'validation_failed',
    `Invalid locker call: ${[...new Set(errors.map((e) => e.field))].join(', ')}`,
    {
      errors,
    },
  );
}

/** Its own scope reading every body as bytes: the signature is over exactly what was sent. */
function registerRaw(app: FastifyInstance, { deps, url }: RouteContext, carrierInPath: boolean): void {
  rawBodyRoute(
    app,
    url,
    async (raw, request) => {
      const carrier = carrierInPath
        ? parseParameters(CarrierParam, request.params, 'path').carrier
        : undefined;
      return receiveLockerCall(deps.db, {
        carrier,
        raw,
        headers: request.headers,
        encryptionKey: deps.encryptionKey,
        parseCall,
      });
    },
    65_536,
  );
}

export const carrierIssueCodeRoute: PlainRoute = {
  method: 'POST',
  path: '/api/lockers/{carrier}/issue-code',
  operation: operation("A carrier's locker event, verified with that carrier's secrets", true),
  register: (app, context) => registerRaw(app, context, true),
};

export const issueCodeRoute: PlainRoute = {
  method: 'POST',
  path: '/api/lockers/issue-code',
  operation: operation('A locker event whose carrier is the one whose active secret verifies it', false),
  register: (app, context) => registerRaw(app, context, false),
};
