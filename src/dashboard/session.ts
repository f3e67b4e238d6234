/** The API key lives in this tab's sessionStorage only: it is gone when the tab closes, and never sent to another origin. */
const KEY = 'tmws-dashboard-key';

export const session = {
  key(): string | null {
    return sessionStorage.getItem(KEY);
  },
  set(key: string): void {
    sessionStorage.setItem(KEY, key);
  },
  clear(): void {
    sessionStorage.removeItem(KEY);
  },
};
