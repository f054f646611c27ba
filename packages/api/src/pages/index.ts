import { defineDomain } from '../platform/domain';
import { stylesheetPage } from './stylesheet-route';

/**
 * Not a business domain: the pages' shared parts (template engine and layout in `render.ts`, the message
 * catalogue in `messages/`, the HTTP helpers in `http.ts`) and the one route they share, the stylesheet. The
 * pages themselves belong to their domains (`domains/payment-sessions/pay-page-route.ts`, …).
 */
export const pagesModule = defineDomain({
  name: 'pages',
  pages: [stylesheetPage],
});
