import type { FastifyInstance } from 'fastify';
import { FAVICON_SVG } from './html';

/** The icon of the pages people read (browsers ask for /favicon.ico whatever the page says). */
export default function pageAssets(app: FastifyInstance): void {
  const icon = { schema: { hide: true } };
  for (const path of ['/favicon.svg', '/favicon.ico']) {
    app.get(path, icon, (_request, reply) => reply.type('image/svg+xml').header('Cache-Control', 'public, max-age=86400').send(FAVICON_SVG));
  }
}
