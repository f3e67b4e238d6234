import { describe, expect, it } from 'vitest';
import { POSTGRES_DEFAULTS, resolvePostgresSettings } from '../../src/memory/postgres/postgres-settings.js';

describe('PostgreSQL settings', () => {
  it('uses the defaults and passes the URL through untouched', () => {
    const settings = resolvePostgresSettings('postgres://app@db.internal:5432/agents?sslmode=require');
    expect(settings).toMatchObject(POSTGRES_DEFAULTS);
    expect(settings.connectionString).toBe('postgres://app@db.internal:5432/agents?sslmode=require');
  });

  it('reads its own parameters off the URL and strips them', () => {
    const settings = resolvePostgresSettings(
      'postgres://app@db:5432/agents?schema=team_a&pool_size=20&max_overflow=5&pool_pre_ping=false&statement_timeout_ms=900&vectors=array',
    );
    expect(settings).toMatchObject({
      schema: 'team_a',
      poolSize: 20,
      maxOverflow: 5,
      poolPrePing: false,
      statementTimeoutMs: 900,
      vectors: 'array',
    });
    expect(settings.connectionString).toBe('postgres://app@db:5432/agents');
  });

  it('lets explicit options win over the URL', () => {
    const settings = resolvePostgresSettings('postgres://db/agents?pool_size=20', { poolSize: 3 });
    expect(settings.poolSize).toBe(3);
  });

  it('names the bad field', () => {
    expect(() => resolvePostgresSettings('postgres://db/agents?pool_size=lots')).toThrow(/poolSize/);
    expect(() => resolvePostgresSettings('postgres://db/agents?schema=Drop;Table')).toThrow(/schema/);
    expect(() => resolvePostgresSettings('postgres://db/agents', { vectors: 'faiss' as 'auto' })).toThrow(/vectors/);
    expect(() => resolvePostgresSettings('postgres://db/agents?pool_pre_ping=maybe')).toThrow(/poolPrePing/);
  });
});
