export { buildHttpServer, type BuildHttpServerOptions } from './server.js';
export { runHttp, type RunHttpOptions } from './run-http.js';
export type { AmiqRoutePlugin, HttpDeps } from './deps.js';
export { hashToken, mintToken, TokenTable } from './auth/tokens.js';
export { allowsAction, allowsServer, type TokenScope } from './auth/scope.js';
export { HttpError } from './errors.js';
