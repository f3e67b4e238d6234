import { StoreUnavailableError } from '../../errors.js';

/** Runs a store operation, turning SQLite's busy, locked, I/O and closed-database errors into STORE_UNAVAILABLE. */
export function guarded<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY)/.test(code)) {
      throw new StoreUnavailableError(`SQLite store unavailable (${code}): ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (error instanceof TypeError && /database connection is not open/.test(error.message)) {
      throw new StoreUnavailableError('SQLite store is closed', { cause: error });
    }
    throw error;
  }
}
