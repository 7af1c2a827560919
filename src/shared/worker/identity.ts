/** Which registration a statement may touch: only the one this process made. */
export interface WorkerIdentity {
  server: string;
  name: string;
  pid: number;
  host: string;
  started_at: string;
}
