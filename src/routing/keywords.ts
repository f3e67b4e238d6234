import type { PatternType } from '../patterns/pattern-type.js';
import { stem } from '../text.js';

/**
 * Evidence words for each route, with weights: how strongly a word, on its own, says
 * that a query needs infrastructure, the memory store, or hybrid analysis.
 */
const KEYWORDS: Readonly<Record<PatternType, Readonly<Record<string, number>>>> = {
  infrastructure: {
    health: 1,
    status: 1,
    ping: 0.8,
    uptime: 0.8,
    alive: 0.6,
    latency: 0.5,
    stats: 0.8,
    statistics: 0.8,
    metrics: 0.8,
    calculate: 1,
    compute: 0.8,
    run: 0.5,
    execute: 0.5,
    tool: 0.8,
    command: 0.6,
    version: 0.5,
    config: 0.5,
    configuration: 0.5,
    server: 0.5,
    service: 0.3,
    cpu: 0.6,
    disk: 0.6,
    restart: 0.6,
    deploy: 0.4,
    install: 0.5,
    backup: 0.5,
    restore: 0.5,
  },
  memory: {
    recall: 1,
    remember: 1,
    memory: 1,
    memories: 1,
    stored: 0.8,
    store: 0.6,
    save: 0.6,
    saved: 0.7,
    note: 0.7,
    decision: 0.7,
    decide: 0.7,
    decided: 0.7,
    previous: 0.6,
    past: 0.5,
    history: 0.6,
    learned: 0.7,
    lesson: 0.7,
    knowledge: 0.6,
    know: 0.4,
    said: 0.5,
    told: 0.5,
    earlier: 0.5,
    tag: 0.6,
    tagged: 0.8,
    documented: 0.5,
    what: 0.2,
    did: 0.3,
    when: 0.2,
    who: 0.2,
  },
  hybrid: {
    analyze: 1,
    analyse: 1,
    analysis: 1,
    similar: 1,
    related: 0.8,
    compare: 1,
    comparison: 1,
    versus: 0.8,
    vs: 0.8,
    trend: 0.8,
    pattern: 0.5,
    insight: 0.8,
    correlate: 0.8,
    correlation: 0.8,
    why: 0.5,
    explain: 0.6,
    summarize: 0.8,
    summary: 0.7,
    overview: 0.6,
    recent: 0.5,
    latest: 0.5,
    semantic: 0.8,
    cluster: 0.7,
    anomaly: 0.7,
    anomalies: 0.7,
    across: 0.4,
    relationship: 0.6,
  },
};

/** The keyword tables by stem, so "decisions" finds "decision". */
export const ROUTE_KEYWORDS: ReadonlyMap<string, ReadonlyArray<[PatternType, number]>> = (() => {
  const byStem = new Map<string, Array<[PatternType, number]>>();
  for (const [type, table] of Object.entries(KEYWORDS) as Array<[PatternType, Record<string, number>]>) {
    for (const [word, weight] of Object.entries(table)) {
      const entries = byStem.get(stem(word)) ?? [];
      if (!entries.some(([t]) => t === type)) entries.push([type, weight]);
      byStem.set(stem(word), entries);
    }
  }
  return byStem;
})();

/**
 * Verbs that ask to change or delete memories. A command that starts with one of them is never
 * answered by a read pattern: a write pattern serves it, or nothing does (see write-intent.ts).
 * Storing verbs are not here: "remember when we moved to k8s?" is a question, answered by reading.
 */
export const WRITE_VERBS: readonly string[] = [
  // deleting
  'forget', 'unlearn', 'delete', 'remove', 'erase', 'drop', 'purge', 'discard', 'wipe', 'clear', 'trash', 'scrap',
  'scratch', 'toss', 'ditch', 'nuke', 'axe', 'shred', 'lose', 'junk', 'bin', 'zap', 'rm', 'del', 'destroy', 'expunge',
  // changing
  'update', 'change', 'edit', 'modify', 'replace', 'rewrite', 'amend', 'revise', 'correct', 'fix', 'overwrite', 'tweak',
  'append', 'prepend',
  'rename', 'retag', 'relabel', 'untag', 'tag', 'mark', 'set', 'move', 'merge', 'link', 'unlink', 'archive', 'pin',
  'unpin', 'restore', 'undelete', 'recover', 'undo', 'revert', 'reset',
]; // prettier-ignore

/**
 * Verbs of other actions agents ask for ("send the note to hermes", "shut down the cluster",
 * "star the pgbouncer note"): a write intent when the verb is followed by what it acts on
 * (an article, a pronoun, a particle), since on their own several are nouns too ("deploy
 * notes from this week"). The service has no such action, so these are refused, never read.
 */
export const ACTION_VERBS: readonly string[] = [
  'send', 'share', 'email', 'mail', 'post', 'publish', 'forward', 'star', 'unstar', 'flag', 'unflag', 'lock',
  'unlock', 'freeze', 'unfreeze', 'duplicate', 'copy', 'clone', 'shut', 'stop', 'start', 'restart', 'reboot',
  'kill', 'deploy', 'redeploy', 'rollback', 'roll', 'approve', 'reject', 'assign', 'close', 'reopen', 'upload',
  'download', 'install', 'uninstall', 'upgrade', 'downgrade', 'schedule', 'notify', 'create', 'add', 'insert',
  'attach', 'detach', 'enable', 'disable', 'turn', 'increase', 'decrease', 'raise', 'lower', 'bump', 'scale',
  'migrate', 'provision', 'spin', 'build', 'push', 'commit', 'rebase', 'cancel', 'hide', 'unhide', 'protect',
  'encrypt', 'decrypt', 'grant', 'revoke', 'invite', 'ban', 'block', 'mute', 'unmute', 'subscribe',
  'unsubscribe', 'trigger', 'launch', 'kick', 'rotate', 'renew', 'transfer', 'sync', 'backup', 'bookmark',
  'export', 'import', 'convert', 'make', 'text', 'message', 'dm', 'slack', 'remind', 'retire', 'sunset', 'deprecate',
  'strike', 'cut', 'swap',
]; // prettier-ignore
