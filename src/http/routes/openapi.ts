import type { AmiqRoutePlugin } from '../deps.js';

/** GET /v1/openapi.json: the OpenAPI 3 document generated from every route's JSON schema. */
export const openapiRoutes: AmiqRoutePlugin = async (app) => {
  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
};
