export { amiClientOptions, amiUserFor, type WorkerAmiOptions } from './ami-client-options.js';
export { ConfigError } from './config-error.js';
export { configWarnings } from './config-warnings.js';
export { defaultConfig, loadConfig, parseConfig, resolveConfigPath, type LoadConfigOptions } from './load-config.js';
export { exampleConfigToml } from './example.js';
export { exposedSecretMode } from './secret-exposure.js';
export { relayTargets } from './relay-targets.js';
export {
  AMI_WORKER_NAMES,
  configSchema,
  DEFAULT_ALLOWED_ACTIONS,
  DEFAULT_ENABLED_WORKERS,
  WORKER_NAMES,
  type AmiWorkerName,
  type AmiqConfig,
  type AmiqConfigInput,
  type HttpTokenConfig,
  type WorkerName,
} from './schema.js';
