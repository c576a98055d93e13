import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';

/** Bump when a fixture file changes, so machines that already have the old one rebuild it. */
const fixtureVersion = 5;
const fixtureDb = 'planasonix_fixture';

export const pgServer = {
  host: process.env.PLANASONIX_PG_HOST ?? '127.0.0.1',
  port: Number(process.env.PLANASONIX_PG_PORT ?? 5432),
  user: process.env.PLANASONIX_PG_USER ?? 'postgres',
  password: process.env.PLANASONIX_PG_PASSWORD ?? '',
};

export const mysqlServer = {
  host: process.env.PLANASONIX_MYSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.PLANASONIX_MYSQL_PORT ?? 3306),
  user: process.env.PLANASONIX_MYSQL_USER ?? 'root',
  password: process.env.PLANASONIX_MYSQL_PASSWORD ?? '',
};

export const fixtureDatabase = fixtureDb;

function fixtureSql(name: string): string {
  return readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8');
}

/** Creates the PostgreSQL fixture database once per fixture version. Fails loudly if the server is absent. */
export async function ensurePostgresFixture(): Promise<void> {
  const admin = new pg.Client({ ...pgServer, database: 'postgres' });
  await admin.connect().catch((error: Error) => {
    throw new Error(
      `PostgreSQL is not reachable at ${pgServer.host}:${pgServer.port} (${error.message}); run scripts/ensure-services.sh`,
    );
  });
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [fixtureDb]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${fixtureDb}`);
  } finally {
    await admin.end();
  }
  const client = new pg.Client({ ...pgServer, database: fixtureDb });
  await client.connect();
  try {
    await client.query('CREATE TABLE IF NOT EXISTS public.fixture_meta (version integer NOT NULL)');
    const current = await client.query<{ version: number }>('SELECT version FROM public.fixture_meta');
    if (current.rows[0]?.version === fixtureVersion) return;
    await client.query(fixtureSql('postgres.sql'));
    await client.query('DELETE FROM public.fixture_meta');
    await client.query('INSERT INTO public.fixture_meta VALUES ($1)', [fixtureVersion]);
  } finally {
    await client.end();
  }
}

/** Creates the MySQL/MariaDB fixture database once per fixture version. */
export async function ensureMysqlFixture(): Promise<void> {
  const conn = await mysql.createConnection({ ...mysqlServer, multipleStatements: true }).catch((error: Error) => {
    throw new Error(
      `MariaDB/MySQL is not reachable at ${mysqlServer.host}:${mysqlServer.port} (${error.message}); run scripts/ensure-services.sh`,
    );
  });
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(
      `SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'fixture_meta'`,
      [fixtureDb],
    );
    if (Number(rows[0]?.n) > 0) {
      const [meta] = await conn.query<mysql.RowDataPacket[]>(`SELECT version FROM ${fixtureDb}.fixture_meta`);
      if (meta[0]?.version === fixtureVersion) return;
    }
    await conn.query(fixtureSql('mysql.sql'));
    await conn.query(`INSERT INTO ${fixtureDb}.fixture_meta VALUES (?)`, [fixtureVersion]);
  } finally {
    await conn.end();
  }
}

/** Runs setup SQL (several statements) on the PostgreSQL fixture database, as the admin user. */
export async function onPostgresFixture(sql: string): Promise<void> {
  await ensurePostgresFixture();
  const admin = new pg.Client({ ...pgServer, database: fixtureDb });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
