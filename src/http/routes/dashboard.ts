import type { FastifyReply } from 'fastify';
import { loadDashboard, type DashboardFile } from '../dashboard-files.js';
import type { AmiqRoutePlugin } from '../deps.js';
import { HttpError } from '../errors.js';

/**
 * The page may talk to this server only: no external script, style, font or fetch, ever.
 * (Its own script and style files; inline styles are not needed either.)
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * GET / and /dashboard/<file>: the dashboard, static files that hold no data, so served without a
 * token (like /health); everything they show comes from the API with the token the user gives.
 */
export const dashboardRoutes: AmiqRoutePlugin = async (app) => {
  const files = loadDashboard();
  const send = (reply: FastifyReply, file: DashboardFile) =>
    reply
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-cache')
      .type(file.type)
      .send(file.body);
  const hidden = { hide: true };
  app.get('/', { config: { public: true }, schema: hidden }, async (_request, reply) => send(reply, files.get('index.html')!));
  app.get<{ Params: { file: string } }>('/dashboard/:file', { config: { public: true }, schema: hidden }, async (request, reply) => {
    const file = request.params.file === 'index.html' ? undefined : files.get(request.params.file);
    if (file === undefined) throw new HttpError(404, `no dashboard file ${JSON.stringify(request.params.file)}`, 'file', 'not found');
    return send(reply, file);
  });
};
