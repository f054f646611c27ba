import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../../platform/domain';
import { AUTH_EVENTS } from './events';
import { invitationAcceptPage, invitationPage } from './invitation-page-route';
import { AUTH_JOBS } from './jobs';
import { passwordResetConfirmPage, passwordResetPage } from './password-reset-page-route';
import { authRouter } from './router';
import { authSendPasswordReset } from './tasks/send-password-reset';

export const authDomain = defineDomain({
  name: 'auth',
  trpc: { auth: authRouter },
  jobs: withHandlers(AUTH_JOBS, { 'auth.send-password-reset': authSendPasswordReset }),
  events: AUTH_EVENTS,
  pages: [invitationPage, invitationAcceptPage, passwordResetPage, passwordResetConfirmPage],
});
