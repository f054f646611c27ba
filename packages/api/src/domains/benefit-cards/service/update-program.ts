import type { DbTransaction, JsonValue } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { recordDomainEvent } from '../../events/service';
import { PROGRAM_CHANGES, type Program, type UpdateProgramInput } from '../schemas';
import { assertOperator, type ScopedRequest } from './context';
import type { WebhookSettings } from '../../webhooks/service/settings';
import { checkProgramWebhookUrl, getProgram, programProducts } from './setup';

/**
 * Changes what the operator may change of a program, all given fields or none: name, webhook URL (webhook
 * programs only, checked as at creation), whether `externalId` is required, the product list (replaced whole,
 * under the creation's rules), and `active` (false archives: no new orders; issued cards, scheduled orders and
 * the budget are untouched). The delivery channel never changes; the input schema refuses it by name.
 * Audited as `benefit_program.updated` with each changed field before and after; a change to the values the
 * program already has records nothing.
 */
export async function updateProgram(
  trx: DbTransaction,
  request: ScopedRequest & { input: UpdateProgramInput; settings: WebhookSettings },
): Promise<Program> {
  assertOperator(request.scope, 'Changing programs');
  const { input } = request;
  // Serializes changes to one program, so two product-list replacements cannot interleave.
  const locked = await trx
    .selectFrom('benefit_programs')
    .select('id')
    .where('id', '=', input.programId)
    .forUpdate()
    .executeTakeFirst();
  if (!locked) throw new AppError('not_found', `Program ${input.programId} does not exist.`);
  const before = await getProgram(trx, { ...request, programId: locked.id });

  if (input.webhookUrl !== undefined) {
    if (before.deliveryChannel !== 'webhook') {
      throw AppError.validation(
        'webhookUrl',
        `only webhook programs have one; this program delivers by ${before.deliveryChannel}`,
        'not_webhook_program',
      );
    }
    await checkProgramWebhookUrl(input.webhookUrl, request.settings);
  }
  if (input.productCodes) {
    const products = await programProducts(trx, input.productCodes, before.budget.currency);
    await trx.deleteFrom('benefit_program_products').where('program_id', '=', before.id).execute();
    await trx
      .insertInto('benefit_program_products')
      .values(products.map((p) => ({ program_id: before.id, product_id: p.id })))
      .execute();
  }
  const columns = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.webhookUrl !== undefined && { webhook_url: input.webhookUrl }),
    ...(input.externalIdRequired !== undefined && { external_id_required: input.externalIdRequired }),
    ...(input.active !== undefined && { active: input.active }),
  };
  if (Object.keys(columns).length) {
    await trx.updateTable('benefit_programs').set(columns).where('id', '=', before.id).execute();
  }

  const after = await getProgram(trx, { ...request, programId: before.id });
  const changes: Record<string, { from: JsonValue; to: JsonValue }> = {};
  for (const field of PROGRAM_CHANGES) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
      changes[field] = { from: before[field], to: after[field] };
    }
  }
  if (Object.keys(changes).length) {
    await recordDomainEvent(trx, {
      type: 'benefit_program.updated',
      resourceType: 'benefit_program',
      resourceId: after.id,
      organizationId: after.organizationId,
      actorUserId: request.actor.userId,
      data: { code: after.code, changes },
    });
  }
  return after;
}
