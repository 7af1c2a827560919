/** The write lock register and reserve share for one (server, name) registration. */
export function workerLockKey(server: string, name: string): string {
  return `workers/${server}/${name}`;
}
