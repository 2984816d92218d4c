import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOpsConfig, postgresLabel, REPO_ROOT } from './index.js';

describe('loadOpsConfig with DATABASE_URL', () => {
  it('names the database by host and name only, and keeps the data folder for backups', () => {
    const config = loadOpsConfig({ DATABASE_URL: ' postgres://chat:s3cret@db.internal:5432/chat_prod ' });
    expect(config.databaseUrl).toBe('postgres://chat:s3cret@db.internal:5432/chat_prod');
    expect(config.databaseLabel).toBe('PostgreSQL db.internal:5432/chat_prod');
    expect(config.backupDir).toBe(path.join(REPO_ROOT, 'data', 'backups'));
    expect(JSON.stringify({ ...config, databaseUrl: undefined })).not.toContain('s3cret');
  });

  it('labels a SQLite database by its path and has no URL', () => {
    const config = loadOpsConfig({ DATABASE_PATH: '/srv/chat/x.db' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.databaseLabel).toBe('/srv/chat/x.db');
  });

  it('labels socket URLs and garbage without leaking credentials', () => {
    expect(postgresLabel('postgresql://u:pw@/chat?host=/run/postgresql')).toBe('PostgreSQL /run/postgresql/chat');
    expect(postgresLabel('postgres://u:p%2Fw@127.0.0.1/chat%20db')).toBe('PostgreSQL 127.0.0.1/chat db');
    expect(postgresLabel('u:pw at db.internal')).toBe('PostgreSQL (unparsable DATABASE_URL)');
  });
});
