import type { TaskHandler } from '../../../jobs/task';
import { sendDoorCode } from '../service/door-code';

export const paymentSessionsSendDoorCode: TaskHandler<'payment-sessions.send-door-code'> = async (
  { sessionId },
  { db, config, encryptionKey, logger },
) => {
  const outcome = await db.transaction().execute((trx) =>
    sendDoorCode(trx, {
      sessionId,
      rootKey: encryptionKey,
      publicUrl: config.publicUrl,
      smsConfigured: config.sms !== undefined,
    }),
  );
  logger.info(`door code of session ${sessionId}: ${outcome}`);
};
