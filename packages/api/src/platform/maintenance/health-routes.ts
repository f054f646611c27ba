import { getMigrationStatus } from '@ipay/db';
import { sql } from 'kysely';
import { z } from 'zod';
import { AppError } from '../../errors/app-error';
import { toProblem } from '../../errors/to-problem';
import { sendProblem } from '../../http/problem-reply';
import { PROBLEM_CONTENT } from '../../openapi/operation-parts';
import type { PlainRoute } from '../domain';

export const livenessRoute: PlainRoute = {
  method: 'GET',
  path: '/healthz',
  operation: {
    operationId: 'health-live',
    tags: ['operations'],
    summary: 'Liveness: the process is up',
    responses: {
      200: {
        description: 'Up',
        content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
      },
    },
  },
  register(app, { url }) {
    app.get(url, () => ({ status: 'ok' }));
  },
};

export const readinessRoute: PlainRoute = {
  method: 'GET',
  path: '/readyz',
  operation: {
    operationId: 'health-ready',
    tags: ['operations'],
    summary: 'Readiness: the database answers and its migrations are current',
    responses: {
      200: {
        description: 'Ready',
        content: {
          'application/json': {
            schema: z.object({ status: z.literal('ready'), migrations: z.literal('current') }),
          },
        },
      },
      503: { description: 'Not ready', content: PROBLEM_CONTENT },
    },
  },
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      try {
        await sql`select 1`.execute(deps.db);
        const migrations = await getMigrationStatus(deps.db);
        if (!migrations.current) {
          const detail = `Pending migrations: ${migrations.pending.join(', ')}.`;
          return sendProblem(reply, toProblem(new AppError('service_unavailable', detail), request.id));
        }
        return { status: 'ready', migrations: 'current' };
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        return sendProblem(
          reply,
          toProblem(new AppError('service_unavailable', 'The database is not reachable.'), request.id),
        );
      }
    });
  },
};
