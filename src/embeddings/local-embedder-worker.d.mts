/** The role a worker must be started with (workerData.role) to serve embeddings. */
export declare const WORKER_ROLE: string;
/** Makes every network access of this thread throw; `onAttempt` hears what was tried. Returns the undo. */
export declare function blockNetwork(onAttempt: (what: string) => void): () => void;
