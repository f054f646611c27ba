import { readFileSync } from 'node:fs';
import type { PageRoute } from '../platform/domain';

const STYLESHEET = readFileSync(new URL('./assets/pages.css', import.meta.url));

/** The pages' one stylesheet (CSP `style-src 'self'`: no inline styles anywhere). */
export const stylesheetPage: PageRoute = {
  method: 'GET',
  path: '/assets/pages.css',
  summary: "The consumer pages' stylesheet",
  register(app, { url }) {
    app.get(url, (_request, reply) =>
      reply
        .type('text/css; charset=utf-8')
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'public, max-age=3600')
        .send(STYLESHEET),
    );
  },
};
