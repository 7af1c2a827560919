import { readFileSync } from 'node:fs';
import { ConfigError, type AmiqConfig } from '../shared/config/index.js';

/** The certificate and key when `[http] tls_cert` and `tls_key` are set; undefined = plain HTTP. */
export function tlsOptions(http: Pick<AmiqConfig['http'], 'tls_cert' | 'tls_key'>): { cert: Buffer; key: Buffer } | undefined {
  if (http.tls_cert === '' || http.tls_key === '') return undefined;
  const read = (key: 'tls_cert' | 'tls_key'): Buffer => {
    try {
      return readFileSync(http[key]);
    } catch (err) {
      throw new ConfigError(`http.${key}: cannot read ${http[key]}: ${(err as Error).message}`, `http.${key}`);
    }
  };
  return { cert: read('tls_cert'), key: read('tls_key') };
}
