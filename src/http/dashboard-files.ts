import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface DashboardFile {
  type: string;
  body: Buffer;
}

/**
 * The package's dashboard/ folder (static files, shipped as they are: no build step). Found by
 * walking up from this module, which runs from src/http (tests) or dist/src/http (the package).
 */
export function dashboardDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)), i = 0; i < 5; i++, dir = dirname(dir)) {
    if (existsSync(join(dir, 'dashboard', 'index.html'))) return join(dir, 'dashboard');
  }
  throw new Error('the dashboard files (dashboard/index.html) are missing from this installation');
}

/** Every file of the dashboard, read once: index.html and the assets it loads, by name. */
export function loadDashboard(dir = dashboardDir()): Map<string, DashboardFile> {
  const files = new Map<string, DashboardFile>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type !== undefined) files.set(name, { type, body: readFileSync(join(dir, name)) });
  }
  return files;
}
