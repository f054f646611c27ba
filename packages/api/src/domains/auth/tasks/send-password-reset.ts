import type { TaskHandler } from '../../../jobs/task';
import { sendPasswordReset } from '../credentials';

export const authSendPasswordReset: TaskHandler<'auth.send-password-reset'> = async (
  { email },
  { db, config },
) => {
  // The outcome is not logged: whether an address has an account is what the request hides.
  await db.transaction().execute((trx) => sendPasswordReset(trx, { email, publicUrl: config.publicUrl }));
};
