import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../../platform/domain';
import { grant } from '../rbac/service';
import { RETURNS_EVENTS } from './events';
import { RETURNS_JOBS } from './jobs';
import {
  parcelReturnFormPage,
  parcelReturnSubmitPage,
  payReturnFormPage,
  payReturnSubmitPage,
} from './open-page-route';
import { returnCancelPage, returnPage } from './return-page-route';
import { returnsRouter } from './router';
import { returnLabelsRouter } from './labels/router';
import { returnLabelDownloadRoute, sendcloudReturnsWebhookRoute } from './labels/routes';
import { returnsExpire } from './tasks/expire';
import { returnsRefund } from './tasks/refund';

export const returnsDomain = defineDomain({
  name: 'returns',
  trpc: { returns: returnsRouter, returnLabels: returnLabelsRouter },
  pages: [
    returnPage,
    returnCancelPage,
    payReturnFormPage,
    payReturnSubmitPage,
    parcelReturnFormPage,
    parcelReturnSubmitPage,
  ],
  routes: [returnLabelDownloadRoute, sendcloudReturnsWebhookRoute],
  jobs: withHandlers(RETURNS_JOBS, { 'returns.refund': returnsRefund, 'returns.expire': returnsExpire }),
  cron: [{ task: 'returns.expire', match: '17 * * * *', identifier: 'expire-returns-hourly' }],
  events: RETURNS_EVENTS,
  // Approving and rejecting cases is the merchant's call (the operator role has `approve` on everything).
  grants: {
    merchant_admin: grant(['returns'], ['approve'], 'organization'),
    merchant_user: grant(['returns'], ['approve'], 'organization'),
  },
});
