import type { Engine } from './dialect.js';

/*
 * A database role for clients (desktops, CRMs, reporting) that can do what the client contract
 * allows and nothing more: INSERT the client columns, SELECT the queue, its results and its
 * archive, and cancel a NEW row. Column privileges limit which columns a client writes; they
 * cannot limit the value, so the one UPDATE a client may make (NEW → CANCELLED, with the
 * cancel's message) is enforced per engine: a restrictive row-level policy on PostgreSQL, a
 * BEFORE UPDATE trigger on MySQL/MariaDB. SQLite has no roles.
 */

/** The columns a client writes when inserting (SPEC §2). */
const CLIENT_INSERT_COLUMNS = ['server', 'action', 'channel', 'callerid', 'params', 'priority', 'not_before', 'expires_at', 'tag'] as const;
/** The columns of the cancel statement (`SET status = 'CANCELLED', message = …`). */
const CLIENT_UPDATE_COLUMNS = ['status', 'message'] as const;
const READ_TABLES = ['manager_queue', 'manager_queue_results', 'manager_queue_archive'] as const;
const NAME_RULE = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;

export class ClientRoleError extends Error {
  override readonly name = 'ClientRoleError';
}

/**
 * The statements that create (or, run again, re-grant) the client role `name`, for the amiq
 * database the session is connected to. Without a password (the printed script) they leave it
 * out and say in a comment how to set one.
 */
export function clientRoleStatements(engine: Engine, name: string, password?: string): string[] {
  if (engine === 'sqlite')
    throw new ClientRoleError('SQLite has no roles: a client needs read and write access to the database file; file permissions are the control there');
  if (!NAME_RULE.test(name))
    throw new ClientRoleError(`client role "${name}": must match ${NAME_RULE.source} (a letter or _, then letters, digits, _; at most 32)`);
  return engine === 'postgres' ? postgresStatements(name, password) : mysqlStatements(name, password);
}

const cols = (list: readonly string[]): string => list.join(', ');

function postgresStatements(name: string, password: string | undefined): string[] {
  return [
    `DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${name}') THEN CREATE ROLE "${name}" NOLOGIN; END IF;
END $$`,
    password === undefined
      ? `-- give it a password to log in: ALTER ROLE "${name}" LOGIN PASSWORD '…';`
      : `ALTER ROLE "${name}" LOGIN PASSWORD ${quote(password, false)}`,
    `GRANT INSERT (${cols(CLIENT_INSERT_COLUMNS)}) ON manager_queue TO "${name}"`,
    `GRANT UPDATE (${cols(CLIENT_UPDATE_COLUMNS)}) ON manager_queue TO "${name}"`,
    `GRANT SELECT ON ${cols(READ_TABLES)} TO "${name}"`,
    `GRANT USAGE ON SEQUENCE manager_queue_id_seq TO "${name}"`,
    // Row-level security: every role keeps seeing and writing every row (a permissive policy for
    // all), and the client role is further held (a restrictive one) to NEW rows that become CANCELLED.
    `ALTER TABLE manager_queue ENABLE ROW LEVEL SECURITY`,
    `DROP POLICY IF EXISTS amiq_all ON manager_queue`,
    `CREATE POLICY amiq_all ON manager_queue USING (true) WITH CHECK (true)`,
    `DROP POLICY IF EXISTS "amiq_client_${name}" ON manager_queue`,
    `CREATE POLICY "amiq_client_${name}" ON manager_queue AS RESTRICTIVE FOR UPDATE TO "${name}" USING (status = 'NEW') WITH CHECK (status = 'CANCELLED')`,
  ];
}

function mysqlStatements(name: string, password: string | undefined): string[] {
  const user = `'${name}'@'%'`;
  return [
    `CREATE USER IF NOT EXISTS ${user}`,
    password === undefined ? `-- give it a password: ALTER USER ${user} IDENTIFIED BY '…';` : `ALTER USER ${user} IDENTIFIED BY ${quote(password, true)}`,
    `GRANT INSERT (${cols(CLIENT_INSERT_COLUMNS)}) ON manager_queue TO ${user}`,
    `GRANT UPDATE (${cols(CLIENT_UPDATE_COLUMNS)}) ON manager_queue TO ${user}`,
    ...READ_TABLES.map((t) => `GRANT SELECT ON ${t} TO ${user}`),
    // In a trigger CURRENT_USER() is the trigger's definer; USER() is who connected.
    `DROP TRIGGER IF EXISTS amiq_client_${name}`,
    `CREATE TRIGGER amiq_client_${name} BEFORE UPDATE ON manager_queue FOR EACH ROW
BEGIN
  IF SUBSTRING_INDEX(USER(), '@', 1) = '${name}' AND NOT (OLD.status = 'NEW' AND NEW.status = 'CANCELLED') THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'amiq client role ${name}: may only change status from NEW to CANCELLED';
  END IF;
END`,
  ];
}

/** A string literal; MySQL's default sql_mode also reads backslash as an escape. */
function quote(s: string, mysql: boolean): string {
  const body = (mysql ? s.replaceAll('\\', '\\\\') : s).replaceAll("'", "''");
  return `'${body}'`;
}

/** The statements as a script for the engine's shell (psql; mysql/mariadb, whose trigger body needs a delimiter). */
export function clientRoleScript(engine: Engine, name: string): string {
  const lines = clientRoleStatements(engine, name).map((s) => {
    if (s.startsWith('--')) return s;
    return engine === 'mysql' && s.startsWith('CREATE TRIGGER') ? `DELIMITER //\n${s} //\nDELIMITER ;` : `${s};`;
  });
  return lines.join('\n') + '\n';
}
